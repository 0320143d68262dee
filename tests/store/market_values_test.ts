/**
 * The store's reads for the dashboard's market panels, on Deno KV and on the real Redis: AS and CRR clearing
 * prices kept per interval (a revision overwrites), and one interval's LMP components from the zone stream.
 */
import assert from "node:assert/strict";
import type { OasisRow } from "../../src/oasis/row.ts";
import { openKvStore } from "../../src/store/kv_store.ts";
import { toMarketValues } from "../../src/store/market_values.ts";
import { createRedisStore } from "../../src/store/redis_store.ts";
import type { PriceStore } from "../../src/store/store.ts";
import { deletePrefix, NP15, priceRows, requireRedisUrl, testConfig } from "./helpers.ts";

const NOW = new Date("2025-06-10T19:07:00Z");

function asRow(
  dataset: "as_dam" | "as_fmm",
  region: string,
  type: string,
  start: string,
  value: number | null,
) {
  const minutes = dataset === "as_dam" ? 60 : 15;
  return {
    dataset,
    report: dataset === "as_dam" ? "PRC_AS" : "PRC_INTVL_AS",
    node: region,
    qualifier: null,
    interval_start: start,
    interval_end: new Date(Date.parse(start) + minutes * 60_000).toISOString().replace(".000", ""),
    opr_date: "2025-06-10",
    opr_hour: null,
    opr_interval: null,
    component: type,
    value,
    raw: {},
    source_file: "as.csv",
    row_number: 1,
  } satisfies OasisRow;
}

const crrRow = (report: "CRR_CLEARING" | "CRR_INVENTORY", tou: string, value: number): OasisRow => ({
  ...asRow("as_dam", NP15, `${tou}_PRC`, "2025-06-01T07:00:00Z", value),
  dataset: "crr",
  report,
  qualifier: `AUC_MN_2025_M06_TR/MONTHLY/${tou}`,
  interval_end: "2025-07-01T07:00:00Z",
});

Deno.test("toMarketValues() keeps AS and CRR clearing prices, not LMP, CRR inventory or empty cells", () => {
  const values = toMarketValues([
    asRow("as_dam", "AS_CAISO_EXP", "RU", "2025-06-10T19:00:00Z", 12.5),
    asRow("as_dam", "AS_CAISO_EXP", "RD", "2025-06-10T19:00:00Z", null),
    asRow("as_fmm", "AS_SP26_EXP", "SR", "2025-06-10T19:00:00Z", 3),
    crrRow("CRR_CLEARING", "ON", -1.25),
    crrRow("CRR_INVENTORY", "ON", 40),
    ...priceRows("lmp_rtm", NP15, "2025-06-10T19:00:00Z", [40]),
  ]);
  assert.deepEqual(values.map((v) => [v.market, v.node, v.item, v.price]), [
    ["AS_DAM", "AS_CAISO_EXP", "RU", 12.5],
    ["AS_RTM", "AS_SP26_EXP", "SR", 3],
    ["CRR", NP15, "ON_PRC", -1.25],
  ]);
});

async function valueContract(store: PriceStore): Promise<void> {
  const at = "2025-06-10T19:00:00Z";
  assert.equal(await store.keepValues([asRow("as_fmm", "AS_CAISO_EXP", "RU", at, 4)], NOW), true);
  await store.keepValues([
    asRow("as_fmm", "AS_CAISO_EXP", "RU", at, 5), // a revision
    asRow("as_fmm", "AS_CAISO_EXP", "RD", at, 1),
    asRow("as_fmm", "AS_CAISO_EXP", "RU", "2025-06-10T18:45:00Z", 6),
    crrRow("CRR_CLEARING", "OFF", 2.5),
  ], NOW);
  const read = await store.values("AS_RTM", { from: new Date("2025-06-10T18:00:00Z"), to: NOW });
  assert.equal(read.stale, false);
  assert.deepEqual(read.value.map((v) => [v.timestamp, v.item, v.price, v.end]), [
    ["2025-06-10T18:45:00Z", "RU", 6, "2025-06-10T19:00:00Z"],
    ["2025-06-10T19:00:00Z", "RD", 1, "2025-06-10T19:15:00Z"],
    ["2025-06-10T19:00:00Z", "RU", 5, "2025-06-10T19:15:00Z"],
  ]);
  const later = await store.values("AS_RTM", { from: new Date("2025-06-10T18:50:00Z") });
  assert.equal(later.value.length, 2);
  assert.deepEqual((await store.values("AS_DAM")).value, []);
  const crr = (await store.values("CRR")).value;
  assert.deepEqual(crr.map((v) => [v.node, v.qualifier, v.price]), [
    [NP15, "AUC_MN_2025_M06_TR/MONTHLY/OFF", 2.5],
  ]);
}

async function intervalContract(store: PriceStore): Promise<void> {
  await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T18:50:00Z", [40, 41, 42], true), NOW);
  await store.ingest(priceRows("lmp_dam", NP15, "2025-06-10T18:00:00Z", [30], false), NOW);
  const newest = await store.interval("np15", { market: "RT" });
  assert.equal(newest.value?.timestamp, "2025-06-10T19:00:00Z");
  assert.equal(newest.value?.price, 42);
  assert.deepEqual(newest.value?.components, { MCE: 40, MCC: 1.5, MCL: 0.5 });
  const one = await store.interval("np15", { market: "RT", timestamp: "2025-06-10T18:55:00Z" });
  assert.deepEqual([one.value?.price, one.value?.components.MCE], [41, 39]);
  const da = await store.interval("np15", { market: "DA" });
  assert.deepEqual([da.value?.price, da.value?.components], [30, {}]);
  assert.equal((await store.interval("np15", { market: "FMM" })).value, null);
  assert.equal(
    (await store.interval("np15", { market: "RT", timestamp: "2025-06-09T00:00:00Z" })).value,
    null,
  );
}

Deno.test("[kv] AS and CRR values are kept per interval, a revision overwriting; an interval's components are read back", async () => {
  const store = await openKvStore({ config: testConfig(), path: ":memory:", clock: () => NOW });
  try {
    await valueContract(store);
    await intervalContract(store);
  } finally {
    await store.close();
  }
});

Deno.test({
  name:
    "[redis] AS and CRR values are kept per interval, a revision overwriting; an interval's components are read back",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const url = requireRedisUrl();
    const prefix = `test:${crypto.randomUUID()}:`;
    const store = createRedisStore({ config: testConfig({ REDIS_URL: url }), prefix, clock: () => NOW });
    try {
      await store.waitUntilReady(10_000);
      await valueContract(store);
      await intervalContract(store);
    } finally {
      await store.close();
      await deletePrefix(url, prefix);
    }
  },
});
