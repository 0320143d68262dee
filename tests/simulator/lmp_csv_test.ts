import assert from "node:assert/strict";
import {
  ask,
  type Csv,
  fixedSimulator,
  oasisUrl,
  onlyCsv,
  queryParams,
  readCsv,
  sampleBytes,
  sampleText,
} from "./helpers.ts";
import { unzipSync } from "fflate";

const VALUE = /^-?\d+(\.\d{0,4}[1-9])?$/;
const GMT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00-00:00$/;
const COMPONENTS = ["LMP", "MCC", "MCE", "MCL", "MGHG"];
const ITEMS: Record<string, string> = {
  LMP: "LMP_PRC",
  MCC: "LMP_CONG_PRC",
  MCE: "LMP_ENE_PRC",
  MCL: "LMP_LOSS_PRC",
  MGHG: "LMP_GHG_PRC",
};

/** Rows without the value and GROUP columns, as a sorted list of lines. */
function shapeOf(csv: Csv, value: string, keep: (row: Record<string, string>) => boolean): string[] {
  return csv.rows.filter(keep).map((r) =>
    csv.header.filter((h) => h !== value && h !== "GROUP").map((h) => r[h]).join(",")
  ).sort();
}

/** Checks the row-group rules of the recorded files: one GROUP per (date, node, component), counting up. */
function assertGroups(csv: Csv, consecutive: boolean): void {
  const runs: string[] = [];
  let last = "";
  for (const r of csv.rows) {
    const key = `${r.OPR_DT}|${r.NODE}|${r.LMP_TYPE}|${r.GROUP}`;
    if (key !== last) runs.push(key);
    last = key;
  }
  assert.equal(new Set(runs).size, runs.length, "each group is one contiguous run");
  const groups = runs.map((k) => Number(k.split("|")[3]));
  if (consecutive) assert.deepEqual(groups, groups.map((_, i) => i + 1));
  const order = runs.map((k) => k.split("|"));
  const sorted = [...order].sort((a, b) =>
    (a[0] as string).localeCompare(b[0] as string) || ((a[1] as string) < (b[1] as string) ? -1 : 1) ||
    COMPONENTS.indexOf(a[2] as string) - COMPONENTS.indexOf(b[2] as string)
  );
  assert.deepEqual(order, sorted, "groups ordered by date, node, component");
}

Deno.test("PRC_LMP v1 for the recorded window has the recorded member name, header and row shapes", async () => {
  const recordedZip = unzipSync(
    await sampleBytes("singlezip_PRC_LMP_DAM_v1_ALL_APNODES_start-20200102T00Z.zip"),
  );
  const recordedName = Object.keys(recordedZip)[0] as string;
  const recorded = readCsv(await sampleText("excerpt_PRC_LMP_DAM_v1_trading_hubs_2020-01-02Z.csv"));
  // Generated 2020-06-30 22:50:44 Pacific, as the recorded stamp says.
  const sim = fixedSimulator({}, new Date("2020-07-01T05:50:44Z"));
  const params = queryParams("PRC_LMP", 1, "DAM", "20200102T00:00-0000", "20200103T00:00-0000", {
    grp_type: "ALL_APNODES",
  });
  const answer = await ask(sim, oasisUrl(params));
  assert.deepEqual(Object.keys(answer.files), [recordedName]);
  const ours = onlyCsv(answer);
  assert.deepEqual(ours.header, recorded.header);
  const hubs = (r: Record<string, string>) => r.NODE?.startsWith("TH_") === true && r.LMP_TYPE !== "MGHG";
  assert.deepEqual(shapeOf(ours, "MW", hubs), shapeOf(recorded, "MW", hubs));
  assert.equal(new Set(ours.rows.map((r) => r.NODE)).size, 1700);
  assertGroups(ours, true);
  assertGroups(recorded, false);
});

Deno.test("PRC_LMP rows format values, times and ids like the recorded file", async () => {
  const params = queryParams("PRC_LMP", 1, "DAM", "20260701T07:00-0000", "20260702T07:00-0000", {
    node: "TH_NP15_GEN-APND,CAS_PP_GNODE7",
  });
  const csv = onlyCsv(await ask(fixedSimulator(), oasisUrl(params)));
  assert.equal(csv.rows.length, 2 * 24 * 5);
  for (const r of csv.rows) {
    assert.match(r.MW as string, VALUE);
    assert.match(r.INTERVALSTARTTIME_GMT as string, GMT);
    assert.match(r.OPR_HR as string, /^([1-9]|1\d|2[0-4])$/);
    assert.equal(r.OPR_INTERVAL, "0");
    assert.equal(r.MARKET_RUN_ID, "DAM");
    assert.equal(r.XML_DATA_ITEM, ITEMS[r.LMP_TYPE as string]);
    assert.ok(r.NODE_ID_XML === r.NODE && r.NODE_ID === r.NODE && r.PNODE_RESMRID === r.NODE);
  }
  const hours = csv.rows.filter((r) => r.GROUP === "1").map((r) => Number(r.OPR_HR));
  assert.notDeepEqual(
    hours,
    [...hours].sort((a, b) => a - b),
    "hours are unsorted inside a group, as recorded",
  );
});

Deno.test("PRC_RTPD_LMP v2 for the recorded window equals the recorded file except for prices", async () => {
  const name = "20230917_20230919_PRC_RTPD_LMP_RTPD_20230921_11_49_39_v2.csv";
  const recorded = readCsv(await sampleText(name));
  const sim = fixedSimulator({}, new Date("2023-09-21T18:49:39Z"));
  const params = queryParams("PRC_RTPD_LMP", 2, "RTPD", "20230918T00:00-0000", "20230920T00:00-0000", {
    node: "CAS_PP_GNODE7",
  });
  const answer = await ask(sim, oasisUrl(params));
  assert.deepEqual(Object.keys(answer.files), [name]);
  const ours = onlyCsv(answer);
  assert.deepEqual(ours.header, recorded.header);
  const withoutPrice = (csv: Csv) => csv.rows.map((r) => ({ ...r, PRC: "" }));
  assert.deepEqual(withoutPrice(ours), withoutPrice(recorded));
  for (const r of ours.rows) assert.match(r.PRC as string, VALUE);
});

Deno.test("PRC_INTVL_LMP v3 answers one member per component with VALUE, RTM and intervals 1-12", async () => {
  const params = queryParams("PRC_INTVL_LMP", 3, "RTM", "20260701T18:00-0000", "20260701T19:00-0000", {
    node: "TH_NP15_GEN-APND",
  });
  const answer = await ask(fixedSimulator(), oasisUrl(params));
  const names = Object.keys(answer.files);
  assert.deepEqual(names, COMPONENTS.map((c) => `20260701_20260701_PRC_INTVL_LMP_RTM_${c}_v3.csv`));
  for (const [i, text] of Object.values(answer.files).entries()) {
    const csv = readCsv(text);
    assert.equal(
      csv.header.join(","),
      "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,NODE_ID_XML,NODE_ID,NODE,MARKET_RUN_ID,LMP_TYPE," +
        "XML_DATA_ITEM,PNODE_RESMRID,GRP_TYPE,POS,VALUE,OPR_INTERVAL,GROUP",
    );
    assert.deepEqual(
      csv.rows.map((r) => r.OPR_INTERVAL),
      Array.from({ length: 12 }, (_, k) => String(k + 1)),
    );
    assert.ok(
      csv.rows.every((r) => r.LMP_TYPE === COMPONENTS[i] && r.MARKET_RUN_ID === "RTM" && r.OPR_HR === "12"),
    );
    assert.ok(csv.rows.every((r) => r.GRP_TYPE === "ALL_APNODES" && r.POS === "0" && r.GROUP === "1"));
  }
});

Deno.test("PRC_LMP v12 answers members named per component as OASIS.md §3.1", async () => {
  const params = queryParams("PRC_LMP", 12, "DAM", "20251206T08:00-0000", "20251207T08:00-0000", {
    grp_type: "ALL_APNODES",
  });
  const answer = await ask(fixedSimulator({ allApnodesCount: 10 }), oasisUrl(params));
  assert.equal(
    answer.response.headers.get("Content-Disposition"),
    "inline; filename=20251206_20251206_PRC_LMP_DAM_20260701_13_03_17_v12.zip",
  );
  assert.deepEqual(
    Object.keys(answer.files),
    COMPONENTS.map((c) => `20251206_20251206_PRC_LMP_DAM_${c}_v12.csv`),
  );
  for (const text of Object.values(answer.files)) assert.equal(readCsv(text).rows.length, 10 * 24);
});

Deno.test("PRC_INTVL_LMP v1 uses the MW value column and no GHG component", async () => {
  const params = queryParams("PRC_INTVL_LMP", 1, "RTM", "20260701T18:00-0000", "20260701T18:30-0000", {
    node: "TH_SP15_GEN-APND",
  });
  const csv = onlyCsv(await ask(fixedSimulator(), oasisUrl(params)));
  assert.equal(csv.header[13], "MW");
  assert.deepEqual([...new Set(csv.rows.map((r) => r.LMP_TYPE))], ["LMP", "MCC", "MCE", "MCL"]);
});

Deno.test("LMP components add up to the LMP exactly for every node and interval", async () => {
  const params = queryParams("PRC_LMP", 12, "DAM", "20260701T07:00-0000", "20260702T07:00-0000", {
    grp_type: "ALL",
  });
  const answer = await ask(fixedSimulator({ allNodesCount: 60, allApnodesCount: 30 }), oasisUrl(params));
  const sums = new Map<string, number>();
  for (const text of Object.values(answer.files)) {
    for (const r of readCsv(text).rows) {
      const key = `${r.NODE}|${r.INTERVALSTARTTIME_GMT}`;
      const units = Math.round(Number(r.MW) * 100_000) * (r.LMP_TYPE === "LMP" ? -1 : 1);
      sums.set(key, (sums.get(key) ?? 0) + units);
    }
  }
  assert.equal(sums.size, 60 * 24);
  assert.ok([...sums.values()].every((s) => s === 0));
});
