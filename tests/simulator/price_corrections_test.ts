/** Price corrections in the simulator: PRC_CORR_GRP lists them and SingleZip answers carry them. */
import assert from "node:assert/strict";
import { parseCorrections } from "../../src/oasis/price_corrections.ts";
import { ask, fixedSimulator, oasisUrl, queryParams, readCsv } from "./helpers.ts";

const DAM_DAY = queryParams("PRC_LMP", 12, "DAM", "20260625T07:00-0000", "20260626T07:00-0000", {
  node: "TH_SP15_GEN-APND",
});

function lmpOf(files: Record<string, string>, hour: number): number {
  const text = Object.entries(files).find(([name]) => name.includes("LMP"))![1];
  const row = readCsv(text).rows.find((r) => r.LMP_TYPE === "LMP" && Number(r.OPR_HR) === hour)!;
  return Number(row.MW);
}

Deno.test("POST /sim/corrections changes the DAM prices of the hours named and lists them in PRC_CORR_GRP", async () => {
  const sim = fixedSimulator();
  const before = await ask(sim, oasisUrl(DAM_DAY));
  const posted = await sim.handler(
    new Request("http://sim/sim/corrections", {
      method: "POST",
      body: JSON.stringify({ market: "DAM", trade_date: "2026-06-25", hours: [14, 15], delta: 12.5 }),
    }),
  );
  assert.equal(posted.status, 201);
  const after = await ask(sim, oasisUrl(DAM_DAY));
  assert.equal(Math.round((lmpOf(after.files, 14) - lmpOf(before.files, 14)) * 1000) / 1000, 12.5);
  assert.equal(lmpOf(after.files, 13), lmpOf(before.files, 13));

  const list = await ask(
    sim,
    oasisUrl({
      groupid: "PRC_CORR_GRP",
      startdatetime: "20260625T07:00-0000",
      version: "1",
      resultformat: "6",
    }, "GroupZip"),
  );
  const parsed = parseCorrections(list.body);
  assert.equal(parsed.kind, "corrections");
  assert.deepEqual(
    parsed.kind === "corrections" ? parsed.corrections.map((c) => [c.tradeDate, c.market, c.hourEnding]) : [],
    [["2026-06-25", "DAM", 14], ["2026-06-25", "DAM", 15]],
  );
});

Deno.test("PRC_CORR_GRP for a day without corrections holds only the placeholder row", async () => {
  const sim = fixedSimulator();
  const list = await ask(
    sim,
    oasisUrl({
      groupid: "PRC_CORR_GRP",
      startdatetime: "20260620T07:00-0000",
      version: "1",
      resultformat: "6",
    }, "GroupZip"),
  );
  const text = Object.values(list.files)[0]!;
  assert.match(text, /No records found for report\./);
  assert.deepEqual(parseCorrections(list.body), { kind: "corrections", corrections: [] });
});

Deno.test("POST /sim/corrections answers 400 naming the field for a bad market or hour", async () => {
  const sim = fixedSimulator();
  for (
    const body of [{ market: "XYZ", trade_date: "2026-06-25", hours: [1], delta: 1 }, {
      market: "DAM",
      trade_date: "2026-06-25",
      hours: [26],
      delta: 1,
    }]
  ) {
    const r = await sim.handler(
      new Request("http://sim/sim/corrections", { method: "POST", body: JSON.stringify(body) }),
    );
    assert.equal(r.status, 400);
    assert.match((await r.json()).error, /"(market|hours)"/);
  }
});
