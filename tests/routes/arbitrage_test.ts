/** `GET /api/arbitrage` and `/api/arbitrage/summary` through `app.request()`, on a fake store and on Deno KV. */
import assert from "node:assert/strict";
import { Hono } from "hono";
import { createArbitrageRoutes } from "../../routes/arbitrage.ts";
import { jsonErrorHandler } from "../../routes/errors.ts";
import { operatingDay } from "../../src/oasis/time.ts";
import { openKvStore } from "../../src/store/kv_store.ts";
import { loadStoreConfig } from "../../src/store/settings.ts";
import type { Market, PriceStore, SeriesPoint, StoreRead } from "../../src/store/store.ts";
import { priceRows, SP15, TestClock } from "../store/helpers.ts";

/** 13:02 Pacific on 1 July 2026. */
const NOW = "2026-07-01T20:02:00Z";
const MINUTES: Record<Market, number> = { DA: 60, FMM: 15, RT: 5 };
/** Hourly shape: cheap at 03:00, dear at 19:00. */
const hourly = (h: number) => (h === 3 ? 10 : h === 19 ? 150 : 40 + (h % 5));

/** A store holding whole days of prices for sp15 and np15; RT and FMM only up to `until`. */
function fakeStore(days: string[], until = Date.parse(NOW)): Pick<PriceStore, "history" | "zones"> {
  const series = new Map<string, SeriesPoint[]>();
  for (const zone of ["np15", "sp15"]) {
    for (const market of ["DA", "FMM", "RT"] as Market[]) {
      const points: SeriesPoint[] = [];
      for (const date of days) {
        const { start, end } = operatingDay(date);
        for (let ms = start.getTime(); ms < end.getTime(); ms += MINUTES[market] * 60_000) {
          if (market !== "DA" && ms >= until) break;
          const h = Math.floor((ms - start.getTime()) / 3_600_000);
          const price = hourly(h) + (market === "RT" ? 2 : 0) + (zone === "np15" ? 5 : 0);
          points.push({ timestamp: new Date(ms).toISOString().slice(0, 19) + "Z", ms, price });
        }
      }
      series.set(`${zone}/${market}`, points);
    }
  }
  const fresh = <T>(value: T): StoreRead<T> => ({ value, stale: false, ageMs: 0 });
  return {
    zones: () => Promise.resolve(fresh(["np15", "sp15"])),
    history: (zone, market, range = {}) =>
      Promise.resolve(
        fresh((series.get(`${zone}/${market}`) ?? []).filter((p) =>
          (range.from === undefined || p.ms >= range.from.getTime()) &&
          (range.to === undefined || p.ms <= range.to.getTime())
        )),
      ),
  };
}

function appFor(store: Pick<PriceStore, "history" | "zones">, now = NOW): Hono {
  const app = new Hono();
  app.onError(jsonErrorHandler());
  app.route("/", createArbitrageRoutes({ store, clock: () => new Date(now) }));
  return app;
}

const app = appFor(fakeStore(["2026-06-30", "2026-07-01"]));

async function get(path: string, on = app) {
  const res = await on.request(path);
  return { status: res.status, type: res.headers.get("content-type") ?? "", body: await res.json() };
}

Deno.test("[arbitrage] GET /api/arbitrage answers the day-ahead value, schedule and TB-N spreads", async () => {
  const r = await get("/api/arbitrage?zone=sp15&date=2026-06-30&market=da&power_mw=1&energy_mwh=1&rte=1");
  assert.equal(r.status, 200);
  assert.match(r.type, /application\/json/);
  assert.equal(r.body.zone, "sp15");
  assert.equal(r.body.hours, 24);
  assert.ok(Math.abs(r.body.value_usd - 140) < 1e-6); // buy at 10 (03:00), sell at 150 (19:00)
  assert.ok(Math.abs(r.body.value_usd_per_mw_day - 140) < 1e-6);
  assert.equal(r.body.schedule.length, 24);
  assert.deepEqual(Object.keys(r.body.schedule[0]), ["interval_start", "action", "mw", "soc_mwh", "price"]);
  assert.equal(r.body.schedule[3].action, "charge");
  assert.equal(r.body.schedule[19].action, "discharge");
  assert.equal(r.body.spreads.da[0].spread, 140);
  assert.equal(r.body.spreads.rt.length, 4);
  assert.deepEqual(r.body.capture.map((c: { strategy: string }) => c.strategy), [
    "tb1_da",
    "tb1_rt",
    "follow_da",
  ]);
  assert.equal(r.body.live, undefined); // not today
  assert.equal(r.body.battery.cycles, 1);
});

Deno.test("[arbitrage] GET /api/arbitrage values RT, FMM and two-settlement, and today's live value", async () => {
  const rt = await get("/api/arbitrage?zone=np15&date=2026-06-30&market=rt&energy_mwh=1&rte=1");
  assert.equal(rt.status, 200);
  assert.equal(rt.body.schedule.length, 288);
  assert.ok(Math.abs(rt.body.value_usd - 140) < 1e-3);
  const fmm = await get("/api/arbitrage?zone=np15&date=2026-06-30&market=fmm&energy_mwh=1&rte=1");
  assert.equal(fmm.body.schedule.length, 96);
  const two = await get("/api/arbitrage?zone=np15&date=2026-06-30&market=two-settlement&energy_mwh=1&rte=1");
  assert.equal(two.status, 200);
  assert.ok(Math.abs(two.body.two_settlement.da_value_usd - 140) < 1e-6);
  assert.equal(two.body.two_settlement.rows.length, 288);
  const today = await get("/api/arbitrage?zone=sp15&market=da&soc=0.5&energy_mwh=1&rte=1");
  assert.equal(today.body.date, "2026-07-01");
  assert.equal(today.body.live.soc_mwh, 0.5);
  // Buy 0.5 MWh at 40 (15:00), sell 1 MWh at 150 (19:00): 130.
  assert.ok(
    Math.abs(today.body.live.remaining_value_usd - 130) < 1e-3,
    String(today.body.live.remaining_value_usd),
  );
  assert.deepEqual(today.body.intervals, { known: 24, expected: 24 });
});

Deno.test("[arbitrage] bad parameters answer 400 naming the parameter", async () => {
  const cases: [string, string, RegExp][] = [
    ["power_mw=-1", "power_mw", /-1 is not a power in MW above 0/],
    ["power_mw=abc", "power_mw", /"abc" is not a number/],
    ["energy_mwh=0", "energy_mwh", /above 0/],
    ["rte=1.5", "rte", /at most 1/],
    ["cycles=0", "cycles", /above 0/],
    ["degradation=-3", "degradation", /at least 0/],
    ["soc_min=0.9&soc_max=0.1", "soc_min", /below soc_max/],
    ["initial_soc=9", "initial_soc", /outside the usable band/],
    ["end=full", "end", /not an end rule/],
    ["market=hourly", "market", /"hourly" is not one of da, fmm, rt, two-settlement/],
    ["date=2026-02-30", "date", /no such day/],
    ["date=yesterday", "date", /expected YYYY-MM-DD/],
    ["soc=7", "soc", /from 0 to 4/],
    ["n=0", "n", /whole number from 1 to 12/],
    ["powr_mw=1", "powr_mw", /unknown parameter/],
    ["rte=0.9&rte=0.8", "rte", /given more than once/],
  ];
  for (const [query, parameter, message] of cases) {
    const r = await get(
      `/api/arbitrage?${query}&zone=sp15${query.startsWith("date=") ? "" : "&date=2026-06-30"}`,
    );
    assert.equal(r.status, 400, query);
    assert.equal(r.body.parameter, parameter, query);
    assert.match(r.body.error, message, query);
  }
  const noZone = await get("/api/arbitrage?date=2026-06-30");
  assert.equal(noZone.status, 400);
  assert.match(noZone.body.error, /Invalid parameter "zone": is required/);
  const unknown = await get("/api/arbitrage?zone=zp26");
  assert.match(unknown.body.error, /unknown zone "zp26" \(known: np15, sp15\)/);
  const summary = await get("/api/arbitrage/summary?rte=0");
  assert.equal(summary.status, 400);
  assert.equal(summary.body.parameter, "rte");
});

Deno.test("[arbitrage] a date outside what OASIS keeps (about 39 months) up to tomorrow answers 400 naming it", async () => {
  const window = /is not from 2023-04-01 to 2026-07-02/;
  for (const path of ["/api/arbitrage?zone=sp15&", "/api/arbitrage/summary?"]) {
    for (const date of ["9999-12-31", "0001-01-01", "2023-03-31", "2026-07-03", "1970-01-01"]) {
      const r = await get(`${path}date=${date}`);
      assert.equal(r.status, 400, `${path}${date}`);
      assert.equal(r.body.parameter, "date");
      assert.match(r.body.error, window);
    }
    const none = await get(`${path}date=0000-00-00`);
    assert.equal(none.status, 400);
    assert.match(none.body.error, /no such day/);
  }
  // The bounds themselves are valid dates: no prices in this store, so 404.
  for (const date of ["2023-04-01", "2026-07-02"]) {
    assert.equal((await get(`/api/arbitrage?zone=sp15&date=${date}`)).status, 404, date);
  }
  const n = await get("/api/arbitrage?zone=sp15&date=2026-06-30&n=0x4");
  assert.equal(n.status, 400);
  assert.match(n.body.error, /Invalid parameter "n": "0x4" is not a whole number/);
  const hex = await get("/api/arbitrage?zone=sp15&date=2026-06-30&power_mw=0x10");
  assert.match(hex.body.error, /Invalid parameter "power_mw": "0x10" is not a number \(decimal/);
});

Deno.test("[arbitrage] a day without prices answers 404 and impossible limits 422, never 500", async () => {
  const none = await get("/api/arbitrage?zone=sp15&date=2026-05-01");
  assert.equal(none.status, 404);
  assert.match(none.body.error, /No DA prices for zone "sp15" on 2026-05-01/);
  // Losing half the charge every hour, it cannot end the day full again.
  const lossy = await get("/api/arbitrage?zone=sp15&date=2026-06-30&standing_loss=0.5&initial_soc=4");
  assert.equal(lossy.status, 422);
  assert.match(lossy.body.error, /end-of-day charge cannot be reached/);
  for (const weird of ["power_mw=1e999", "power_mw=", "rte=NaN", "energy_mwh=Infinity", "cycles=-0"]) {
    const r = await get(`/api/arbitrage?zone=sp15&date=2026-06-30&${weird}`);
    assert.equal(r.status, 400, weird);
  }
});

Deno.test("[arbitrage] 23- and 25-hour days have 23 and 25 hourly intervals", async () => {
  // Dates are checked against the clock (OASIS keeps ~39 months up to tomorrow): look back from 2 November.
  const dst = appFor(fakeStore(["2026-03-08", "2026-11-01"], Infinity), "2026-11-02T20:00:00Z");
  for (const [date, hours] of [["2026-03-08", 23], ["2026-11-01", 25]] as const) {
    const r = await get(`/api/arbitrage?zone=sp15&date=${date}&energy_mwh=1&rte=1`, dst);
    assert.equal(r.status, 200);
    assert.equal(r.body.hours, hours);
    assert.equal(r.body.schedule.length, hours);
    assert.equal(r.body.intervals.expected, hours);
    const rt = await get(`/api/arbitrage?zone=sp15&date=${date}&market=rt&energy_mwh=1&rte=1`, dst);
    assert.equal(rt.status, 200, JSON.stringify(rt.body));
    assert.equal(rt.body.schedule.length, hours * 12);
  }
});

Deno.test("[arbitrage] GET /api/arbitrage/summary answers every zone with values, TB4, capture and live", async () => {
  const r = await get("/api/arbitrage/summary?energy_mwh=1&rte=1&soc=0");
  assert.equal(r.status, 200);
  assert.equal(r.body.date, "2026-07-01");
  assert.deepEqual(r.body.zones.map((z: { zone: string }) => z.zone), ["np15", "sp15"]);
  const sp15 = r.body.zones[1];
  assert.ok(Math.abs(sp15.da.value_usd - 140) < 1e-3);
  assert.equal(sp15.rt_intervals.expected, 288);
  assert.ok(sp15.rt_intervals.known < 288); // today, so far
  assert.ok(sp15.tb4.da.spread > 0);
  assert.ok(sp15.live.remaining_value_usd > 0);
  const yesterday = await get("/api/arbitrage/summary?date=2026-06-30&energy_mwh=1&rte=1");
  assert.equal(yesterday.body.zones[0].live, null);
  assert.ok(yesterday.body.zones[0].capture.every((c: { capture_rate: number }) => c.capture_rate > 0.9));
});

Deno.test("[arbitrage] GET /api/arbitrage reads prices ingested into the Deno KV store", async () => {
  const clock = new TestClock(NOW);
  const store = await openKvStore({ config: loadStoreConfig({}), path: ":memory:", clock: clock.now });
  try {
    const { start } = operatingDay("2026-07-01");
    const da = Array.from({ length: 24 }, (_, h) => hourly(h));
    await store.ingest(priceRows("lmp_dam", SP15, start.toISOString(), da));
    const r = await get("/api/arbitrage?zone=sp15&energy_mwh=1&rte=1", appFor(store));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(Math.abs(r.body.value_usd - 140) < 1e-6);
  } finally {
    await store.close();
  }
});
