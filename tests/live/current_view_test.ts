import assert from "node:assert/strict";
import { currentView, type CurrentViewOptions } from "../../src/live/current_view.ts";
import { loadLiveConfig } from "../../src/live/settings.ts";
import { type KvStore, openKvStore } from "../../src/store/kv_store.ts";
import { loadStoreConfig } from "../../src/store/settings.ts";
import type { PriceStore } from "../../src/store/store.ts";
import { NOW, priceRows, seedPrices, SP15, TestClock } from "../routes/helpers.ts";

const MIN = 60_000;

async function withStore(
  fn: (store: KvStore, clock: TestClock, options: CurrentViewOptions) => Promise<void>,
  env: Record<string, string> = {},
): Promise<void> {
  const clock = new TestClock(NOW);
  const store = await openKvStore({ config: loadStoreConfig(env), path: ":memory:", clock: clock.now });
  try {
    await seedPrices(store); // SP15 RT through 19:55; NOW is 20:02
    await fn(store, clock, loadLiveConfig(env));
  } finally {
    await store.close();
  }
}

Deno.test("currentView() has no estimate while the newest RT interval OASIS could publish is in", () =>
  withStore(async (store, clock, options) => {
    const view = await currentView(store, "sp15", clock.now(), options);
    assert.equal(view.rt_timestamp, "2026-07-01T19:55:00Z");
    assert.equal(view.estimate, null, "20:00 ended 2 minutes ago, within ESTIMATE_AFTER_S");
  }));

Deno.test("currentView() estimates the missing newest interval beside the last real price, which stays as it was", () =>
  withStore(async (store, clock, options) => {
    const before = await currentView(store, "sp15", clock.now(), options);
    clock.advance(5 * MIN); // 20:07: 20:00 ended 7 minutes ago and is still missing
    const view = await currentView(store, "sp15", clock.now(), options);
    assert.deepEqual(view.estimate, {
      value: 35,
      method: "da",
      interval_start: "2026-07-01T20:00:00Z",
      fallback: false,
      basis: [{ market: "DA", timestamp: "2026-07-01T20:00:00Z", price: 35 }],
    });
    assert.equal(view.rt_price, before.rt_price);
    assert.equal(view.rt_timestamp, "2026-07-01T19:55:00Z");
    assert.equal(view.spread, before.spread);
    assert.equal(view.age_s, 720);
    assert.equal(view.stale, false);
  }));

Deno.test("currentView() drops the estimate as soon as the real price of the interval arrives", () =>
  withStore(async (store, clock, options) => {
    clock.advance(5 * MIN);
    assert.notEqual((await currentView(store, "sp15", clock.now(), options)).estimate, null);
    await store.ingest(priceRows("lmp_rtm", SP15, "2026-07-01T20:00:00Z", [61.25]));
    const view = await currentView(store, "sp15", clock.now(), options);
    assert.equal(view.estimate, null);
    assert.equal(view.rt_price, 61.25);
  }));

Deno.test("currentView() estimates through an outage: the interval due now, from the DA price of its hour", () =>
  withStore(async (store, clock, options) => {
    clock.set("2026-07-01T23:32:00Z"); // 3.5 hours without RT prices
    const view = await currentView(store, "sp15", clock.now(), options);
    assert.equal(view.estimate?.interval_start, "2026-07-01T23:25:00Z");
    assert.equal(view.estimate?.value, 35 + (27 % 12), "DA of 23:00Z, the seed's 28th hour");
    assert.equal(view.stale, true);
  }));

Deno.test("currentView() follows ESTIMATE_METHOD and labels a fallback with the method used", () =>
  withStore(async (store, clock, options) => {
    clock.advance(5 * MIN);
    const view = await currentView(store, "sp15", clock.now(), options);
    assert.equal(view.estimate?.method, "previous_day");
    assert.equal(view.estimate?.value, 30, "RT of 2026-06-30T20:00Z, the seed's first interval");
    assert.equal(view.estimate?.fallback, false);
    clock.set("2026-07-01T20:17:00Z"); // 20:10 yesterday is in the seed too
    assert.equal((await currentView(store, "sp15", clock.now(), options)).estimate?.value, 32);
  }, { ESTIMATE_METHOD: "previous_day" }));

Deno.test("currentView() with interpolate falls back to the DA price for the newest interval (nothing after it yet)", () =>
  withStore(async (store, clock, options) => {
    clock.advance(5 * MIN);
    const e = (await currentView(store, "sp15", clock.now(), options)).estimate;
    assert.equal(e?.method, "da");
    assert.equal(e?.fallback, true);
  }, { ESTIMATE_METHOD: "interpolate" }));

Deno.test("estimates are computed on read: never stored, published or alerted on, even above an alert threshold", () =>
  withStore(async (store, clock, options) => {
    // A DA price far above ALERT_HIGH_PRICE (100) for the hour of the missing interval.
    await store.ingest(priceRows("lmp_dam", SP15, "2026-07-01T20:00:00Z", [450]));
    const alertsBefore = (await store.alerts(1000)).value;
    const historyBefore = (await store.history("sp15", "RT")).value;
    const ingestsBefore = store.stats().ingests;
    const published: string[] = [];
    const stopUpdates = await store.onUpdate(null, (u) => published.push(`update ${u.timestamp}`));
    const stopAlerts = await store.onAlert((a) => published.push(`alert ${a.id}`));
    // Only reads reach the store: every other call would throw.
    const calls: string[] = [];
    const readOnly = new Proxy(store, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          calls.push(String(name));
          if (name !== "current" && name !== "history") {
            throw new Error(`currentView() called ${String(name)}`);
          }
          return value.apply(target, args);
        };
      },
    }) as PriceStore;
    try {
      clock.advance(5 * MIN);
      for (let i = 0; i < 3; i++) {
        const view = await currentView(readOnly, "sp15", clock.now(), options);
        assert.equal(view.estimate?.value, 450);
        assert.equal(view.rt_price, 53, "the real price is untouched");
      }
      assert.ok(calls.length > 0 && calls.every((c) => c === "current" || c === "history"), calls.join());
      assert.equal(store.stats().ingests, ingestsBefore);
      assert.deepEqual((await store.history("sp15", "RT")).value, historyBefore);
      assert.deepEqual(
        (await store.history("sp15", "RT", { from: new Date("2026-07-01T20:00:00Z") })).value,
        [],
        "no estimate-derived point in history",
      );
      assert.deepEqual((await store.alerts(1000)).value, alertsBefore);
      assert.equal((await store.current("sp15")).value?.rt_timestamp, "2026-07-01T19:55:00Z");
      await new Promise((resolve) => setTimeout(resolve, 50)); // let any in-process event arrive
      assert.deepEqual(published, []);
    } finally {
      await stopUpdates();
      await stopAlerts();
    }
  }));
