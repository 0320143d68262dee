import assert from "node:assert/strict";
import { ask, type Csv, fixedSimulator, oasisUrl, onlyCsv, queryParams, readCsv } from "./helpers.ts";

const LATER = new Date("2026-12-01T20:00:00Z");
const SPRING = ["20260308T08:00-0000", "20260309T07:00-0000"] as const; // 23 hours
const FALL = ["20261101T07:00-0000", "20261102T08:00-0000"] as const; // 25 hours
const HUB = { node: "TH_ZP26_GEN-APND" };

function lmpRows(csv: Csv): Csv["rows"] {
  return csv.rows.filter((r) => r.LMP_TYPE === "LMP");
}

function byTime(rows: Csv["rows"]): Csv["rows"] {
  return [...rows].sort((a, b) =>
    (a.INTERVALSTARTTIME_GMT as string).localeCompare(b.INTERVALSTARTTIME_GMT as string)
  );
}

Deno.test("the spring-forward DAM day has 23 hours and skips HE3", async () => {
  const csv = onlyCsv(
    await ask(fixedSimulator({}, LATER), oasisUrl(queryParams("PRC_LMP", 1, "DAM", ...SPRING, HUB))),
  );
  const rows = byTime(lmpRows(csv));
  assert.equal(rows.length, 23);
  assert.deepEqual(rows.map((r) => Number(r.OPR_HR)), [1, 2, ...Array.from({ length: 21 }, (_, i) => i + 4)]);
  assert.ok(rows.every((r) => r.OPR_DT === "2026-03-08"));
});

Deno.test("the fall-back DAM day has 25 hours with HE25 between HE2 and HE3 in time", async () => {
  const csv = onlyCsv(
    await ask(fixedSimulator({}, LATER), oasisUrl(queryParams("PRC_LMP", 1, "DAM", ...FALL, HUB))),
  );
  const rows = byTime(lmpRows(csv));
  assert.equal(rows.length, 25);
  assert.deepEqual(rows.slice(0, 5).map((r) => `${r.OPR_HR}@${r.INTERVALSTARTTIME_GMT}`), [
    "1@2026-11-01T07:00:00-00:00",
    "2@2026-11-01T08:00:00-00:00",
    "25@2026-11-01T09:00:00-00:00",
    "3@2026-11-01T10:00:00-00:00",
    "4@2026-11-01T11:00:00-00:00",
  ]);
});

Deno.test("grp_type PRC_LMP from Pacific midnight of the fall-back day answers all 25 hours", async () => {
  const params = queryParams("PRC_LMP", 12, "DAM", FALL[0], FALL[0], { grp_type: "ALL_APNODES" });
  const answer = await ask(fixedSimulator({ allApnodesCount: 3 }, LATER), oasisUrl(params));
  const lmp = readCsv(answer.files["20261101_20261101_PRC_LMP_DAM_LMP_v12.csv"] as string);
  assert.equal(lmp.rows.length, 3 * 25);
});

Deno.test("RT reports count 4 or 12 intervals per hour on DST days, HE25 zero-padded", async () => {
  const sim = fixedSimulator({}, LATER);
  const fmm = onlyCsv(await ask(sim, oasisUrl(queryParams("PRC_RTPD_LMP", 2, "RTPD", ...FALL, HUB))));
  const fmmLmp = lmpRows(fmm);
  assert.equal(fmmLmp.length, 25 * 4);
  assert.deepEqual(fmmLmp.filter((r) => r.OPR_HR === "25").map((r) => r.OPR_INTERVAL).sort(), [
    "1",
    "2",
    "3",
    "4",
  ]);
  const rtm = await ask(sim, oasisUrl(queryParams("PRC_INTVL_LMP", 3, "RTM", ...SPRING, HUB)));
  const rtmLmp = readCsv(rtm.files["20260308_20260309_PRC_INTVL_LMP_RTM_LMP_v3.csv"] as string);
  assert.equal(rtmLmp.rows.length, 23 * 12);
  assert.ok(!rtmLmp.rows.some((r) => r.OPR_HR === "03"));
});

Deno.test("PRC_AS on the fall-back day has 25 hours per type and region", async () => {
  const url = oasisUrl(
    { groupid: "DAM_PRC_AS_GRP", startdatetime: FALL[0], resultformat: "6", version: "12" },
    "GroupZip",
  );
  const csv = onlyCsv(await ask(fixedSimulator({}, LATER), url));
  assert.equal(csv.rows.length, 25 * 36);
  assert.equal(csv.rows.filter((r) => r.OPR_HR === "25").length, 36);
});

Deno.test("XML INTERVAL_NUM of the repeated hour is 25", async () => {
  const { resultformat: _, ...params } = queryParams("PRC_LMP", 1, "DAM", ...FALL, HUB);
  const answer = await ask(fixedSimulator({}, LATER), oasisUrl(params));
  const xml = Object.values(answer.files)[0] as string;
  assert.match(xml, /<INTERVAL_NUM>25<\/INTERVAL_NUM>\n<INTERVAL_START_GMT>2026-11-01T09:00:00-00:00</);
});
