import assert from "node:assert/strict";
import { ask, errorCode, fixedSimulator, oasisUrl, onlyCsv, queryParams, readCsv } from "./helpers.ts";
import { startSimulator } from "../../simulator/simulator.ts";

const HUB = { node: "TH_NP15_GEN-APND" };
const DAY = ["20260630T07:00-0000", "20260701T07:00-0000"] as const;

async function codeOf(
  params: Record<string, string>,
  now?: Date,
  endpoint?: string,
): Promise<number | undefined> {
  return errorCode(await ask(fixedSimulator({}, now), oasisUrl(params, endpoint)));
}

Deno.test("a malformed or missing datetime answers 1002", async () => {
  assert.equal(await codeOf(queryParams("PRC_LMP", 12, "DAM", "2026-06-30", DAY[1], HUB)), 1002);
  const { enddatetime: _, ...withoutEnd } = queryParams("PRC_LMP", 12, "DAM", ...DAY, HUB);
  assert.equal(await codeOf(withoutEnd), 1002);
});

Deno.test("a missing or unknown version answers 1020", async () => {
  const { version: _, ...withoutVersion } = queryParams("PRC_LMP", 12, "DAM", ...DAY, HUB);
  assert.equal(await codeOf(withoutVersion), 1020);
  assert.equal(await codeOf(queryParams("PRC_LMP", 13, "DAM", ...DAY, HUB)), 1020);
  assert.equal(await codeOf(queryParams("PRC_INTVL_AS", 2, "RTM", ...DAY)), 1020);
});

Deno.test("a wrong market_run_id or grp_type answers 1001", async () => {
  assert.equal(await codeOf(queryParams("PRC_LMP", 12, "RTM", ...DAY, HUB)), 1001);
  assert.equal(await codeOf(queryParams("PRC_LMP", 12, "DAM", ...DAY, { grp_type: "SOME" })), 1001);
});

Deno.test("more than 10 nodes answers 1017, ten are served", async () => {
  const nodes = Array.from({ length: 11 }, (_, i) => `NODE_${i}`);
  const eleven = queryParams("PRC_LMP", 12, "DAM", ...DAY, { node: nodes.join(",") });
  assert.equal(await codeOf(eleven), 1017);
  const ten = queryParams("PRC_LMP", 12, "DAM", ...DAY, { node: nodes.slice(0, 10).join(",") });
  assert.equal(await codeOf(ten), undefined);
});

Deno.test("a node-list window over 31 days answers 1004, 31 days are served", async () => {
  assert.equal(
    await codeOf(queryParams("PRC_LMP", 12, "DAM", "20260501T07:00-0000", "20260602T07:00-0000", HUB)),
    1004,
  );
  const answer = await ask(
    fixedSimulator(),
    oasisUrl(queryParams("PRC_LMP", 12, "DAM", "20260501T07:00-0000", "20260601T07:00-0000", HUB)),
  );
  assert.equal(readCsv(Object.values(answer.files)[0] as string).rows.length, 31 * 24);
});

Deno.test("grp_type on PRC_INTVL_LMP ignores enddatetime and answers one hour", async () => {
  const params = queryParams("PRC_INTVL_LMP", 3, "RTM", "20260701T10:00-0000", "20260705T00:00-0000", {
    grp_type: "ALL_APNODES",
  });
  const answer = await ask(fixedSimulator({ allApnodesCount: 7 }), oasisUrl(params));
  const lmp = readCsv(answer.files["20260701_20260701_PRC_INTVL_LMP_RTM_LMP_v3.csv"] as string);
  assert.equal(lmp.rows.length, 7 * 12);
  assert.deepEqual(
    new Set(lmp.rows.map((r) => r.INTERVALSTARTTIME_GMT?.slice(0, 13))),
    new Set(["2026-07-01T10"]),
  );
});

Deno.test("grp_type on PRC_LMP answers the operating day of startdatetime whatever the end", async () => {
  const params = queryParams("PRC_LMP", 1, "DAM", "20260630T07:00-0000", "20260830T07:00-0000", {
    grp_type: "ALL_APNODES",
  });
  const csv = onlyCsv(await ask(fixedSimulator({ allApnodesCount: 7 }), oasisUrl(params)));
  assert.equal(csv.rows.length, 7 * 24 * 5);
  assert.ok(csv.rows.every((r) => r.OPR_DT === "2026-06-30"));
});

Deno.test("a SingleZip PRC_AS request for every type and region is redirected to GroupZip", async () => {
  const params = queryParams("PRC_AS", 12, "DAM", "20260701T07:00-0000", "20260702T07:00-0000", {
    anc_type: "ALL",
    anc_region: "ALL",
  });
  const answer = await ask(fixedSimulator(), oasisUrl(params));
  assert.equal(answer.response.status, 302);
  assert.equal(
    answer.response.headers.get("Location"),
    "http://127.0.0.1:8090/oasisapi/GroupZip?groupid=DAM_PRC_AS_GRP&startdatetime=20260701T07:00-0000&resultformat=6&version=12",
  );
});

Deno.test("PRC_AS answers the whole operating day of startdatetime whatever the range", async () => {
  const url = oasisUrl(
    { groupid: "DAM_PRC_AS_GRP", startdatetime: "20260701T15:00-0000", resultformat: "6", version: "12" },
    "GroupZip",
  );
  const csv = onlyCsv(await ask(fixedSimulator(), url));
  assert.deepEqual(new Set(csv.rows.map((r) => r.OPR_DT)), new Set(["2026-07-01"]));
  assert.equal(new Set(csv.rows.map((r) => r.OPR_HR)).size, 24);
});

Deno.test("an unknown GroupZip groupid answers 1016", async () => {
  assert.equal(
    await codeOf(
      { groupid: "NOPE_GRP", startdatetime: "20260701T07:00-0000", version: "1" },
      undefined,
      "GroupZip",
    ),
    1016,
  );
});

Deno.test("a window older than the 39-month retention answers 1000 named after the request", async () => {
  const old = queryParams("PRC_LMP", 12, "DAM", "20230330T07:00-0000", "20230331T07:00-0000", HUB);
  const answer = await ask(fixedSimulator(), oasisUrl(old));
  assert.equal(errorCode(answer), 1000);
  assert.deepEqual(Object.keys(answer.files), ["20230330_20230331_PRC_LMP_DAM_20260701_13_03_17_v12.xml"]);
  const recent = queryParams("PRC_LMP", 12, "DAM", "20230430T07:00-0000", "20230501T07:00-0000", HUB);
  assert.equal(await codeOf(recent), undefined);
});

Deno.test("the next DAM operating day is published at 13:00 Pacific the day before", async () => {
  const tomorrow = queryParams("PRC_LMP", 12, "DAM", "20260702T07:00-0000", "20260703T07:00-0000", HUB);
  assert.equal(await codeOf(tomorrow, new Date("2026-07-01T19:59:00Z")), 1000);
  assert.equal(await codeOf(tomorrow, new Date("2026-07-01T20:00:00Z")), undefined);
});

Deno.test("real-time intervals appear once they have ended", async () => {
  const params = queryParams("PRC_INTVL_LMP", 3, "RTM", "20260701T19:00-0000", "20260701T21:00-0000", HUB);
  const answer = await ask(fixedSimulator({}, new Date("2026-07-01T19:10:30Z")), oasisUrl(params));
  const lmp = readCsv(answer.files["20260701_20260701_PRC_INTVL_LMP_RTM_LMP_v3.csv"] as string);
  assert.deepEqual(lmp.rows.map((r) => r.INTERVALENDTIME_GMT), [
    "2026-07-01T19:05:00-00:00",
    "2026-07-01T19:10:00-00:00",
  ]);
  assert.equal(await codeOf(params, new Date("2026-07-01T19:04:59Z")), 1000);
});

Deno.test("the throttle does not count fetch following the simulator's own PRC_AS redirect", async () => {
  const server = startSimulator({ port: 0, throttleMs: 60_000, now: () => new Date("2026-11-20T20:00:00Z") });
  try {
    const url = `${server.url}?resultformat=6&queryname=PRC_AS&version=12&market_run_id=DAM&anc_type=ALL` +
      "&anc_region=ALL&startdatetime=20261119T08:00-0000&enddatetime=20261120T08:00-0000";
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.equal(response.redirected, true);
    await response.arrayBuffer();
    const again = await fetch(url, { redirect: "manual" });
    assert.equal(again.status, 429); // a new request inside the window is throttled as before
    await again.arrayBuffer();
  } finally {
    await server.shutdown();
  }
});
