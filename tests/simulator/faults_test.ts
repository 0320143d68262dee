import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { unzipSync } from "fflate";
import { parseResponse } from "../../src/oasis/parse.ts";
import { FaultController, parseFault } from "../../simulator/faults.ts";
import {
  ask,
  errorCode,
  fixedSimulator,
  oasisUrl,
  onlyCsv,
  queryParams,
  readCsv,
  sampleText,
} from "./helpers.ts";

const LMP_URL = oasisUrl(
  queryParams("PRC_LMP", 12, "DAM", "20260701T07:00-0000", "20260702T07:00-0000", {
    node: "TH_NP15_GEN-APND",
  }),
);
const AS_URL = oasisUrl(
  { groupid: "DAM_PRC_AS_GRP", startdatetime: "20260701T07:00-0000", resultformat: "6", version: "12" },
  "GroupZip",
);

Deno.test("http429 answers the exact BigIP page for `count` requests, then data", async () => {
  const sim = fixedSimulator();
  sim.faults.add({ kind: "http429", count: 2 });
  const recorded = await sampleText("api-evangelist_http429_body.html");
  for (let i = 0; i < 2; i++) {
    const answer = await ask(sim, LMP_URL);
    assert.equal(answer.response.status, 429);
    assert.equal(new TextDecoder().decode(answer.body), recorded);
    assert.equal(answer.body.length, 114);
    assert.equal(answer.response.headers.get("Content-Type"), "text/html");
    assert.equal(answer.response.headers.get("Server"), "BigIP");
    assert.equal(answer.response.headers.get("Retry-After"), null);
  }
  assert.equal((await ask(sim, LMP_URL)).response.status, 200);
  assert.deepEqual(sim.requests.map((r) => r.status), [429, 429, 200]);
});

Deno.test("http500 and htmlBody answer HTML pages instead of a zip", async () => {
  const sim = fixedSimulator();
  sim.faults.add({ kind: "http500" }, { kind: "htmlBody" });
  const failed = await ask(sim, LMP_URL);
  assert.equal(failed.response.status, 500);
  const page = await ask(sim, LMP_URL);
  assert.equal(page.response.status, 200);
  assert.equal(page.response.headers.get("Content-Type"), "text/html");
  assert.match(new TextDecoder().decode(page.body), /^<!DOCTYPE html>/);
});

Deno.test("networkError makes the handler reject with a TypeError, logged with status 0", async () => {
  const sim = fixedSimulator();
  sim.faults.add({ kind: "networkError" });
  await assert.rejects(sim.handler(new Request(LMP_URL)), TypeError);
  assert.equal(sim.requests.at(-1)?.status, 0);
  assert.equal((await ask(sim, LMP_URL)).response.status, 200);
});

Deno.test("slow delays the answer by delayMs and honours the request's abort signal", async () => {
  const clock = FakeTimers.install({ toFake: ["setTimeout", "clearTimeout"] });
  try {
    const sim = fixedSimulator();
    sim.faults.add({ kind: "slow", delayMs: 30_000, count: 2 });
    let settled = false;
    const pending = sim.handler(new Request(LMP_URL)).then((r) => {
      settled = true;
      return r;
    });
    await clock.tickAsync(29_999);
    assert.equal(settled, false);
    await clock.tickAsync(1);
    const response = await pending;
    assert.equal(response.status, 200);
    await response.body?.cancel();
    const controller = new AbortController();
    const aborted = sim.handler(new Request(LMP_URL, { signal: controller.signal }));
    await clock.tickAsync(1_000);
    controller.abort();
    await assert.rejects(aborted, (e: unknown) => (e as Error).name === "AbortError");
  } finally {
    clock.uninstall();
  }
});

Deno.test("truncatedZip cuts a valid zip at the given byte count or in half", async () => {
  const sim = fixedSimulator();
  const whole = await ask(sim, LMP_URL);
  sim.faults.add({ kind: "truncatedZip", bytes: 100 }, { kind: "truncatedZip" });
  const cut = await ask(sim, LMP_URL);
  assert.deepEqual(cut.body, whole.body.slice(0, 100));
  const half = await ask(sim, LMP_URL);
  assert.equal(half.body.length, Math.floor(whole.body.length / 2));
  assert.throws(() => unzipSync(half.body));
});

Deno.test("errorDocument answers the given OASIS code as an HTTP 200 zip", async () => {
  const sim = fixedSimulator();
  sim.faults.add({ kind: "errorDocument", code: 1010 }, { kind: "errorDocument", code: 1000 });
  const system = await ask(sim, LMP_URL);
  assert.equal(system.response.status, 200);
  assert.equal(errorCode(system), 1010);
  assert.match(Object.values(system.files)[0] as string, /<m:ERR_DESC>System Error<\/m:ERR_DESC>/);
  const noData = await ask(sim, LMP_URL);
  assert.equal(errorCode(noData), 1000);
  assert.deepEqual(Object.keys(noData.files), [
    "20260701_20260702_PRC_LMP_DAM_20260701_13_03_17_v12.xml",
  ]);
});

Deno.test("renamedColumn renames one CSV header in every member", async () => {
  const sim = fixedSimulator();
  sim.faults.add({ kind: "renamedColumn", from: "MW", to: "MW_X", query: "PRC_AS" });
  const renamed = onlyCsv(await ask(sim, AS_URL));
  assert.ok(renamed.header.includes("MW_X") && !renamed.header.includes("MW"));
  assert.ok(onlyCsv(await ask(sim, AS_URL)).header.includes("MW"));
});

Deno.test("droppedColumn and addedColumn change the CSV header and lines, the other cells kept", async () => {
  const sim = fixedSimulator();
  const before = onlyCsv(await ask(sim, AS_URL));
  sim.faults.add({ kind: "droppedColumn", column: "OPR_TYPE", query: "PRC_AS" });
  sim.faults.add({ kind: "addedColumn", column: "EDAM_AREA", value: "CISO", query: "PRC_AS" });
  const dropped = onlyCsv(await ask(sim, AS_URL));
  const added = onlyCsv(await ask(sim, AS_URL));
  assert.deepEqual(dropped.header, before.header.filter((h) => h !== "OPR_TYPE"));
  assert.deepEqual(added.header, [...before.header.slice(0, -1), "EDAM_AREA", "GROUP"]);
  const { OPR_TYPE: _, ...kept } = before.rows[5]!;
  assert.deepEqual(dropped.rows[5], kept);
  assert.deepEqual(added.rows[5], { ...before.rows[5], EDAM_AREA: "CISO" });
});

Deno.test("in XML, droppedColumn leaves out the element and addedColumn adds one; the other elements keep their values", async () => {
  const sim = fixedSimulator();
  const url = LMP_URL.replace("resultformat=6&", "");
  const parse = async () => {
    const answer = await ask(sim, url);
    const result = parseResponse(answer.body);
    assert.equal(result.kind, "rows");
    return { text: Object.values(answer.files).join(""), rows: result.kind === "rows" ? result.rows : [] };
  };
  const before = await parse();
  sim.faults.add({ kind: "droppedColumn", column: "OPR_DATE", query: "PRC_LMP" });
  sim.faults.add({ kind: "addedColumn", column: "EDAM_AREA", value: "CISO", query: "PRC_LMP" });
  const dropped = await parse();
  const added = await parse();
  assert.ok(before.text.includes("<OPR_DATE>") && !dropped.text.includes("<OPR_DATE>"));
  assert.ok(added.text.includes("<EDAM_AREA>CISO</EDAM_AREA>"));
  const facts = (rows: typeof before.rows) =>
    rows.map((r) => [r.node, r.component, r.interval_start, r.value]);
  assert.ok(before.rows.length > 0);
  assert.deepEqual(facts(dropped.rows), facts(before.rows));
  assert.deepEqual(facts(added.rows), facts(before.rows));
});

Deno.test("a droppedColumn or addedColumn fault without a plain column name is refused", () => {
  assert.throws(() => parseFault({ kind: "droppedColumn" }), /"column" must be a column name/);
  assert.throws(() => parseFault({ kind: "addedColumn", column: "A,B" }), /"column" must be a column name/);
  assert.throws(
    () => parseFault({ kind: "addedColumn", column: "A", value: "x\ny" }),
    /"value" must be a cell/,
  );
});

Deno.test("partialAnswer leaves out the rows of one node, one component, or from an interval on", async () => {
  const sim = fixedSimulator();
  const url = oasisUrl(
    queryParams("PRC_LMP", 12, "DAM", "20260701T07:00-0000", "20260703T07:00-0000", {
      node: "TH_NP15_GEN-APND,TH_SP15_GEN-APND",
    }),
  );
  const rows = (answer: Awaited<ReturnType<typeof ask>>) =>
    Object.values(answer.files).flatMap((text) => readCsv(text).rows);
  const full = rows(await ask(sim, url));
  assert.equal(full.length, 2 * 48 * 5);
  sim.faults.add({ kind: "partialAnswer", node: "TH_SP15_GEN-APND" });
  assert.deepEqual(new Set(rows(await ask(sim, url)).map((r) => r.NODE)), new Set(["TH_NP15_GEN-APND"]));
  sim.faults.add({ kind: "partialAnswer", component: "MCL" });
  assert.equal(rows(await ask(sim, url)).filter((r) => r.LMP_TYPE === "MCL").length, 0);
  sim.faults.add({ kind: "partialAnswer", from: "2026-07-02T07:00:00Z" });
  const firstDay = rows(await ask(sim, url));
  assert.equal(firstDay.length, 2 * 24 * 5);
  assert.ok(firstDay.every((r) => r.OPR_DT === "2026-07-01"));
  assert.throws(() => parseFault({ kind: "partialAnswer", from: "tomorrow" }), TypeError);
});

Deno.test("faults apply in FIFO order and only to requests matching their query filter", async () => {
  const sim = fixedSimulator();
  sim.faults.add({ kind: "http500", query: "PRC_AS" }, { kind: "http429" });
  assert.equal((await ask(sim, LMP_URL)).response.status, 429);
  assert.equal((await ask(sim, LMP_URL)).response.status, 200);
  assert.equal((await ask(sim, AS_URL)).response.status, 500);
  assert.deepEqual(sim.faults.pending, []);
});

Deno.test("FaultController rejects malformed faults and lists what is pending", () => {
  const faults = new FaultController();
  assert.throws(() => parseFault({ kind: "boom" }), TypeError);
  assert.throws(() => parseFault({ kind: "slow" }), TypeError);
  assert.throws(() => parseFault({ kind: "http429", count: -1 }), TypeError);
  faults.add({ kind: "errorDocument", code: 1015, count: 3 });
  assert.deepEqual(faults.pending, [{ kind: "errorDocument", code: 1015, count: 3, remaining: 3 }]);
  faults.clear();
  assert.deepEqual(faults.pending, []);
});
