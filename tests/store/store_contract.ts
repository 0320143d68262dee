/**
 * The contract every `PriceStore` keeps, as a function that registers the tests for one implementation:
 * `storeContract("kv", factory)` and `storeContract("redis", factory)` run the same cases. Alert and
 * signal cases live in `store_contract_alerts.ts`.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { StoreConfig } from "../../src/store/settings.ts";
import type { PriceStore, PriceUpdate } from "../../src/store/store.ts";
import { NP15, priceRows, SP15, TestClock, testConfig, waitFor, ZP26 } from "./helpers.ts";
import { storeAlertContract } from "./store_contract_alerts.ts";
import { storeRuleContract } from "./store_contract_rules.ts";
import { storeRevisionContract } from "./store_contract_revisions.ts";

/** A store built for one test, and how to clean up after it. */
export interface StoreUnderTest {
  readonly store: PriceStore;
  readonly cleanup: () => Promise<void>;
  /** Another store on the same backend (closed by the test). */
  readonly twin: () => Promise<PriceStore>;
}

/** Builds a fresh, empty store on `clock` with `config`. */
export type StoreFactory = (clock: () => Date, config: StoreConfig) => Promise<StoreUnderTest>;

/** 12:07 PDT on 2025-06-10. */
export const NOW = "2025-06-10T19:07:00Z";
const DAY = 86_400_000;

/** Runs `fn` with a fresh store from `factory`, closing and cleaning it afterwards. */
export async function withStore(
  factory: StoreFactory,
  fn: (store: PriceStore, clock: TestClock, twin: () => Promise<PriceStore>) => Promise<void>,
  env: Record<string, string> = {},
  now = NOW,
): Promise<void> {
  const clock = new TestClock(now);
  const { store, cleanup, twin } = await factory(clock.now, testConfig(env));
  try {
    await fn(store, clock, twin);
  } finally {
    await store.close();
    await cleanup();
  }
}

/** Registers the contract tests for the store built by `factory`. */
export function storeContract(label: string, factory: StoreFactory): void {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test({ name: `[${label}] ${name}`, fn, sanitizeOps: false, sanitizeResources: false });

  test("concurrent ingests of different datasets keep each other's current prices (no lost update)", async () => {
    await withStore(factory, async (store) => {
      // The service polls every dataset at once at start: day-ahead, 5-minute and 15-minute rows arrive
      // together for the same zones, and each must leave the others' fields in the current hash.
      const da = Array.from({ length: 24 }, (_, i) => 30 + i);
      const results = await Promise.all([
        store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T18:30:00Z", [40, 41, 42, 43, 44, 45, 46])),
        store.ingest(priceRows("lmp_dam", NP15, "2025-06-10T07:00:00Z", da)),
        store.ingest(priceRows("lmp_fmm", NP15, "2025-06-10T18:30:00Z", [50, 51, 52])),
      ]);
      assert.ok(results.every((r) => r.stored));
      const current = (await store.current("np15")).value;
      assert.ok(current);
      assert.equal(current.rt_price, 46);
      assert.equal(current.rt_timestamp, "2025-06-10T19:00:00Z");
      assert.equal(current.fmm_price, 52);
      assert.equal(current.da_price, 30 + 12, "the DA price of 12:00 PDT");
      assert.equal(current.spread, 46 - 42);
    });
  });

  test("ingest stores per-zone current prices, history and the RT − DA spread", async () => {
    await withStore(factory, async (store) => {
      const da = Array.from({ length: 24 }, (_, i) => 30 + i);
      const result = await store.ingest([
        ...priceRows("lmp_dam", NP15, "2025-06-10T07:00:00Z", da),
        ...priceRows("lmp_rtm", NP15, "2025-06-10T18:30:00Z", [40, 41, 42, 43, 44, 45, 46], true),
        ...priceRows("lmp_fmm", NP15, "2025-06-10T18:30:00Z", [50, 51, 52]),
        ...priceRows("lmp_rtm", SP15, "2025-06-10T19:00:00Z", [60]),
      ]);
      assert.equal(result.stored, true);
      assert.equal(result.updates.length, 24 + 7 + 3 + 1);
      assert.deepEqual(result.skipped, []);
      const current = await store.current("np15");
      assert.equal(current.stale, false);
      assert.deepEqual(current.value, {
        zone: "np15",
        rt_price: 46,
        rt_timestamp: "2025-06-10T19:00:00Z",
        fmm_price: 52,
        fmm_timestamp: "2025-06-10T19:00:00Z",
        da_price: 42,
        da_timestamp: "2025-06-10T19:00:00Z",
        spread: 4,
        last_update: new Date(NOW).toISOString(),
      });
      const rt = await store.history("np15", "RT");
      assert.deepEqual(rt.value.map((p) => p.price), [40, 41, 42, 43, 44, 45, 46]);
      assert.equal(rt.value[0]!.timestamp, "2025-06-10T18:30:00Z");
      assert.equal(rt.value[0]!.ms, Date.parse("2025-06-10T18:30:00Z"));
      const window = await store.history("np15", "RT", {
        from: new Date("2025-06-10T18:40:00Z"),
        to: new Date("2025-06-10T18:50:00Z"),
      });
      assert.deepEqual(window.value.map((p) => p.price), [42, 43, 44]);
      assert.equal((await store.history("np15", "DA")).value.length, 24);
      assert.equal((await store.current("zp26")).value, null);
      assert.deepEqual((await store.zones()).value, ["np15", "sp15"]);
      assert.equal(result.updates.find((u) => u.market === "RT")?.components.MCE, 38);
    });
  });

  test("re-ingesting the same intervals changes nothing and publishes nothing", async () => {
    await withStore(factory, async (store, clock) => {
      const seen: PriceUpdate[] = [];
      const stop = await store.onUpdate(null, (u) => seen.push(u));
      const rows = [
        ...priceRows("lmp_rtm", NP15, "2025-06-10T18:00:00Z", [40, 41, 42, 101]),
        ...priceRows("lmp_dam", NP15, "2025-06-10T18:00:00Z", [80, 81]),
      ];
      const first = await store.ingest(rows);
      assert.equal(first.alerts.length, 1);
      await waitFor("6 updates", () => seen.length === 6);
      const before = await store.current("np15");
      clock.advance(60_000);
      const again = await store.ingest(rows);
      assert.deepEqual(again.updates, []);
      assert.deepEqual(again.alerts, []);
      assert.equal(again.unchanged, 6);
      assert.deepEqual(await store.current("np15"), before);
      assert.equal((await store.alerts()).value.length, 1);
      // A sentinel interval: once it arrives, anything the re-ingest published would have arrived before it.
      await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T18:20:00Z", [43]));
      await waitFor("the sentinel update", () => seen.length >= 7);
      assert.equal(seen.length, 7);
      assert.equal(seen[6]!.timestamp, "2025-06-10T18:20:00Z");
      await stop();
    });
  });

  test("a revised price replaces the interval's member and is published as revised", async () => {
    await withStore(factory, async (store) => {
      const seen: PriceUpdate[] = [];
      const stop = await store.onUpdate("np15", (u) => seen.push(u));
      await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T18:00:00Z", [50, 60]));
      const revised = await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T18:00:00Z", [50, 65]));
      assert.equal(revised.updates.length, 1);
      assert.equal(revised.unchanged, 1);
      assert.equal(revised.updates[0]!.revised, true);
      assert.equal(revised.updates[0]!.previous_price, 60);
      assert.deepEqual((await store.history("np15", "RT")).value.map((p) => p.price), [50, 65]);
      assert.equal((await store.current("np15")).value?.rt_price, 65);
      await waitFor("3 updates", () => seen.length === 3);
      assert.deepEqual(seen.map((u) => [u.price, u.revised, u.previous_price]), [
        [50, false, null],
        [60, false, null],
        [65, true, 60],
      ]);
      await stop();
    });
  });

  test("onUpdate(zone) hears only its zone, onUpdate(null) every zone, and unsubscribing stops delivery", async () => {
    await withStore(factory, async (store) => {
      const np15: PriceUpdate[] = [];
      const all: PriceUpdate[] = [];
      const stopNp15 = await store.onUpdate("np15", (u) => np15.push(u));
      const stopAll = await store.onUpdate(null, (u) => all.push(u));
      await store.ingest([
        ...priceRows("lmp_rtm", NP15, "2025-06-10T18:00:00Z", [10]),
        ...priceRows("lmp_rtm", SP15, "2025-06-10T18:00:00Z", [20]),
        ...priceRows("lmp_fmm", ZP26, "2025-06-10T18:00:00Z", [30]),
      ]);
      await waitFor("3 updates on the pattern", () => all.length === 3);
      await waitFor("1 np15 update", () => np15.length === 1);
      assert.deepEqual(all.map((u) => `${u.zone}:${u.market}:${u.price}`).sort(), [
        "np15:RT:10",
        "sp15:RT:20",
        "zp26:FMM:30",
      ]);
      assert.equal(np15[0]!.node, NP15);
      await stopNp15();
      await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T18:05:00Z", [11]));
      await waitFor("4 updates on the pattern", () => all.length === 4);
      assert.equal(np15.length, 1);
      await stopAll();
    });
  });

  test("retention trims RT and FMM after 7 days and DA after 30, by the injected clock", async () => {
    await withStore(factory, async (store, clock) => {
      await store.ingest([
        ...priceRows("lmp_rtm", NP15, "2025-06-10T18:00:00Z", [1, 2]),
        ...priceRows("lmp_fmm", NP15, "2025-06-10T18:00:00Z", [3]),
        ...priceRows("lmp_dam", NP15, "2025-06-10T18:00:00Z", [4]),
      ]);
      clock.advance(8 * DAY);
      const later = await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-18T18:00:00Z", [5]));
      assert.equal(later.updates.length, 1);
      assert.deepEqual((await store.history("np15", "RT")).value.map((p) => p.price), [5]);
      assert.deepEqual((await store.history("np15", "FMM")).value, []);
      assert.deepEqual((await store.history("np15", "DA")).value.map((p) => p.price), [4]);
      const old = await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T18:10:00Z", [6]));
      assert.equal(old.expired, 1);
      assert.deepEqual(old.updates, []);
      clock.advance(23 * DAY);
      await store.ingest(priceRows("lmp_dam", NP15, "2025-07-11T18:00:00Z", [7]));
      assert.deepEqual((await store.history("np15", "DA")).value.map((p) => p.price), [7]);
    });
  });

  test("retention days come from the configuration", async () => {
    await withStore(factory, async (store, clock) => {
      await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T18:00:00Z", [1]));
      clock.advance(2 * DAY);
      await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-12T18:00:00Z", [2]));
      assert.deepEqual((await store.history("np15", "RT")).value.map((p) => p.price), [2]);
    }, { STORE_RETENTION_RT_DAYS: "1" });
  });

  test("bad input is counted and skipped with a reason, never thrown", async () => {
    await withStore(factory, async (store) => {
      const good = priceRows("lmp_rtm", NP15, "2025-06-10T18:00:00Z", [40]);
      const template = good[0]!;
      const garbage = [
        ...priceRows("lmp_rtm", NP15, "2025-06-10T18:05:00Z", [null]),
        { ...template, component: "XYZ" },
        { ...template, dataset: "as_dam" },
        { ...template, node: "!!!" },
        { ...template, interval_start: "yesterday-ish" },
        { ...template, value: Number.NaN },
        { ...template, value: "12" },
        null,
        42,
        "text",
      ] as unknown as typeof good;
      const result = await store.ingest([...good, ...garbage]);
      assert.equal(result.updates.length, 1);
      assert.deepEqual(result.skipped.map((s) => s.code).sort(), [
        "bad_node",
        "bad_timestamp",
        "bad_value",
        "bad_value",
        "not_a_row",
        "not_a_row",
        "not_a_row",
        "not_lmp",
        "null_value",
        "unknown_component",
      ]);
      for (const s of result.skipped) assert.ok(s.reason.length > 0);
      assert.equal(store.stats().skippedRows.not_a_row, 3);
      assert.deepEqual((await store.history("np15", "RT")).value.map((p) => p.price), [40]);
    });
  });

  test("stats count polls and no failed writes while the backend is up", async () => {
    await withStore(factory, async (store) => {
      await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T18:00:00Z", [40]));
      await store.ingest([]);
      const stats = store.stats();
      assert.equal(stats.ingests, 2);
      assert.equal(stats.failedWrites, 0);
      assert.equal(stats.connected, true);
    });
  });

  test("reads reject a malformed zone name", async () => {
    await withStore(factory, async (store) => {
      await assert.rejects(() => store.current("NP15:*"), RangeError);
    });
  });

  storeAlertContract(label, factory);
  storeRuleContract(label, factory);
  storeRevisionContract(label, factory);
}
