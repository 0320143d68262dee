/**
 * The alert and battery-signal part of the store contract: edge-triggered alerts through `onAlert` and
 * `alerts()`, flapping, re-fetches, revisions, DST days, and signals read through the store.
 *
 * @module
 */
import assert from "node:assert/strict";
import { hoursInDay, operatingDay, toIso } from "../../src/oasis/time.ts";
import type { AlertEvent } from "../../src/store/store.ts";
import { NP15, priceRows, waitFor } from "./helpers.ts";
import { type StoreFactory, withStore } from "./store_contract.ts";

const T0 = "2025-06-10T18:00:00Z";
const summary = (alerts: readonly AlertEvent[]) =>
  alerts.map((a) => `${a.kind}:${a.event}:${a.timestamp.slice(11, 16)}`);

/** Registers the alert and signal contract tests for the store built by `factory`. */
export function storeAlertContract(label: string, factory: StoreFactory): void {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test({ name: `[${label}] ${name}`, fn, sanitizeOps: false, sanitizeResources: false });

  test("a high RT price raises one alert, its end clears it, and a late joiner reads both", async () => {
    await withStore(factory, async (store) => {
      const heard: AlertEvent[] = [];
      const stop = await store.onAlert((a) => heard.push(a));
      const first = await store.ingest(priceRows("lmp_rtm", NP15, T0, [90, 120, 130]));
      assert.deepEqual(summary(first.alerts), ["high:raised:18:05"]);
      const second = await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T18:15:00Z", [95]));
      assert.deepEqual(summary(second.alerts), ["high:cleared:18:15"]);
      await waitFor("2 alerts", () => heard.length === 2);
      assert.deepEqual(summary(heard), ["high:raised:18:05", "high:cleared:18:15"]);
      const late = await store.alerts(10);
      assert.deepEqual(summary(late.value), ["high:cleared:18:15", "high:raised:18:05"]);
      assert.equal(late.value[1]!.id, "np15:RT:high:raised:2025-06-10T18:05:00Z");
      assert.equal(late.value[1]!.price, 120);
      assert.equal(late.value[1]!.threshold, 100);
      assert.match(late.value[1]!.message, /above 100/);
      await stop();
    });
  });

  test("re-fetching the same prices raises nothing again", async () => {
    await withStore(factory, async (store) => {
      const heard: AlertEvent[] = [];
      const stop = await store.onAlert((a) => heard.push(a));
      const rows = priceRows("lmp_fmm", NP15, T0, [80, 140]);
      assert.equal((await store.ingest(rows)).alerts.length, 1);
      assert.deepEqual((await store.ingest(rows)).alerts, []);
      assert.deepEqual((await store.ingest(rows.slice(1))).alerts, []);
      // The clear is a sentinel: a repeated raise would have been heard before it.
      await store.ingest(priceRows("lmp_fmm", NP15, "2025-06-10T18:30:00Z", [70]));
      await waitFor("2 alerts", () => heard.length >= 2);
      assert.deepEqual(summary(heard), ["high:raised:18:15", "high:cleared:18:30"]);
      assert.equal(heard[0]!.market, "FMM");
      assert.equal((await store.alerts()).value.length, 2);
      await stop();
    });
  });

  test("a price flapping around the threshold gives one event per crossing and interval", async () => {
    await withStore(factory, async (store) => {
      const r = await store.ingest(priceRows("lmp_rtm", NP15, T0, [99, 101, 99, 101, 101, 100]));
      assert.deepEqual(summary(r.alerts), [
        "high:raised:18:05",
        "high:cleared:18:10",
        "high:raised:18:15",
        "high:cleared:18:25",
      ]);
      assert.equal(new Set(r.alerts.map((a) => a.id)).size, 4);
    });
  });

  test("with hysteresis a flapping price keeps its alert until it is clearly back", async () => {
    await withStore(factory, async (store) => {
      const r = await store.ingest(priceRows("lmp_rtm", NP15, T0, [99, 101, 99, 101, 96, 94]));
      assert.deepEqual(summary(r.alerts), ["high:raised:18:05", "high:cleared:18:25"]);
    }, { ALERT_HYSTERESIS: "5" });
  });

  test("a revised latest price clears the alert it raised; a revised older price raises nothing", async () => {
    await withStore(factory, async (store) => {
      assert.deepEqual(summary((await store.ingest(priceRows("lmp_rtm", NP15, T0, [90, 120]))).alerts), [
        "high:raised:18:05",
      ]);
      const down = await store.ingest(priceRows("lmp_rtm", NP15, T0, [90, 95]));
      assert.deepEqual(summary(down.alerts), ["high:cleared:18:05"]);
      const older = await store.ingest(priceRows("lmp_rtm", NP15, T0, [150, 95]));
      assert.equal(older.updates.length, 1);
      assert.deepEqual(older.alerts, []);
      const up = await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T18:05:00Z", [130]));
      assert.deepEqual(summary(up.alerts), ["high:raised:18:05"]);
      assert.deepEqual(summary((await store.alerts()).value), [
        "high:raised:18:05",
        "high:cleared:18:05",
        "high:raised:18:05",
      ]);
    });
  });

  test("negative and spread alerts follow their thresholds against the hour's DA price", async () => {
    await withStore(factory, async (store) => {
      await store.ingest(priceRows("lmp_dam", NP15, T0, [40]));
      const r = await store.ingest(priceRows("lmp_rtm", NP15, T0, [45, -5, 95, 60]));
      assert.deepEqual(summary(r.alerts), [
        "negative:raised:18:05",
        "negative:cleared:18:10",
        "spread:raised:18:10",
        "spread:cleared:18:15",
      ]);
      const spread = r.alerts[2]!;
      assert.equal(spread.da_price, 40);
      assert.equal(spread.spread, 55);
      assert.equal(spread.threshold, 50);
    }, { ALERT_SPREAD: "50" });
  });

  test("on the fall-back day the repeated hour's intervals are separate intervals", async () => {
    await withStore(
      factory,
      async (store) => {
        // 01:00–02:00 Pacific happens twice: 08:00Z–09:00Z (PDT), then 09:00Z–10:00Z (PST).
        const r = await store.ingest(
          priceRows("lmp_rtm", NP15, "2025-11-02T08:50:00Z", [90, 120, 120, 90, 130]),
        );
        assert.deepEqual(summary(r.alerts), ["high:raised:08:55", "high:cleared:09:05", "high:raised:09:10"]);
        assert.equal((await store.history("np15", "RT")).value.length, 5);
        assert.deepEqual(
          (await store.ingest(priceRows("lmp_rtm", NP15, "2025-11-02T08:50:00Z", [90, 120]))).alerts,
          [],
        );
      },
      {},
      "2025-11-02T10:00:00Z",
    );
  });

  test("signals charge on cheap or negative prices, discharge on dear or high ones, and give reasons", async () => {
    await withStore(factory, async (store) => {
      const start = toIso(operatingDay("2025-06-10").start);
      const da = Array.from({ length: 24 }, (_, h) => (h < 4 ? 10 + h : h >= 18 && h < 22 ? 70 + h : 50));
      await store.ingest(priceRows("lmp_dam", NP15, start, da));
      const plan = (await store.signals("np15", { date: "2025-06-10", market: "DA" })).value;
      assert.equal(plan.length, 24);
      assert.deepEqual(plan.map((s) => s.action[0]).join(""), "cccchhhhhhhhhhhhhhddddhh");
      assert.match(plan[0]!.reason, /cheapest/);
      assert.match(plan[18]!.reason, /dearest/);
      assert.equal(plan[0]!.interval_start, start);
      await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T18:00:00Z", [-3, 50, 150]));
      const rt = await store.signals("np15", { date: "2025-06-10" });
      assert.equal(rt.stale, false);
      assert.deepEqual(rt.value.map((s) => s.action), ["charge", "hold", "discharge"]);
      assert.match(rt.value[0]!.reason, /below 0/);
      assert.match(rt.value[2]!.reason, /above 100/);
      assert.equal(rt.value[1]!.interval_end, "2025-06-10T18:10:00Z");
    });
  });

  test("signals rank 23 DA hours on the spring-forward day and 25 on the fall-back day", async () => {
    for (const date of ["2025-03-09", "2025-11-02"]) {
      await withStore(
        factory,
        async (store) => {
          const n = hoursInDay(date);
          const start = operatingDay(date).start.toISOString();
          await store.ingest(priceRows("lmp_dam", NP15, start, Array.from({ length: n }, (_, h) => 100 - h)));
          const plan = (await store.signals("np15", { date, market: "DA" })).value;
          assert.equal(plan.length, n);
          assert.match(plan[0]!.reason, new RegExp(`rank ${n} of ${n} .*${date}`));
          assert.deepEqual(plan.slice(-4).map((s) => s.action), ["charge", "charge", "charge", "charge"]);
        },
        {},
        `${date}T20:00:00Z`,
      );
    }
  });
}
