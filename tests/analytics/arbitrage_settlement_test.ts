/** Two-settlement value, the live remaining value and the day report that combines them. */
import assert from "node:assert/strict";
import { optimizeArbitrage } from "../../src/analytics/arbitrage.ts";
import { arbitrageDay, NoPricesError } from "../../src/analytics/arbitrage_day.ts";
import { resolveBattery } from "../../src/analytics/battery.ts";
import { liveValue } from "../../src/analytics/live_value.ts";
import { twoSettlement } from "../../src/analytics/two_settlement.ts";
import { JULY_1, relDiff, series } from "./arbitrage_helpers.ts";

const battery = resolveBattery({ powerMw: 1, energyMwh: 1, rte: 1 });
const HOUR = 3_600_000;
/** DA: cheap at 02:00, dear at 20:00 (Pacific), 50 otherwise. */
const daPrices = Array.from({ length: 24 }, (_, h) => (h === 2 ? 20 : h === 20 ? 200 : 50));
const rtOf = (hourly: readonly number[]) =>
  Array.from({ length: 288 }, (_, i) => hourly[Math.floor(i / 12)]!);

Deno.test("twoSettlement() equals the day-ahead value when real-time prices repeat day-ahead", async () => {
  const da = series(daPrices);
  const result = await twoSettlement(da, series(rtOf(daPrices), 5), battery);
  assert.ok(relDiff(result.value_usd, 180) < 1e-6);
  assert.ok(relDiff(result.da_value_usd, 180) < 1e-6);
  assert.ok(Math.abs(result.deviation_value_usd) < 1e-6);
  assert.equal(result.rows.length, 288);
});

Deno.test("twoSettlement() adds the best real-time deviations, settled at real-time prices", async () => {
  const rtHourly = daPrices.map((p, h) => (h === 12 ? 400 : p)); // an RT spike the DA schedule missed
  const da = series(daPrices);
  const rt = series(rtOf(rtHourly), 5);
  const result = await twoSettlement(da, rt, battery);
  // Physically one cycle, buy at 20 and sell at 400: 380. The DA position (buy at 02:00, sell at 20:00)
  // settles 180 at DA and is bought back and sold again at the same RT prices, so the total is 380.
  assert.ok(relDiff(result.physical.value_usd, 380) < 1e-4);
  assert.ok(relDiff(result.value_usd, 380) < 1e-4);
  assert.ok(relDiff(result.value_usd, result.da_value_usd + result.deviation_value_usd) < 1e-9);
  assert.ok(result.deviation_value_usd > 0);
});

Deno.test("twoSettlement() settles missing real-time intervals at the day-ahead price", async () => {
  const rt = rtOf(daPrices).map((p, i) => (i % 2 ? null : p));
  const result = await twoSettlement(series(daPrices), series(rt, 5), battery);
  assert.ok(relDiff(result.value_usd, 180) < 1e-4);
  assert.equal(result.rows[1]!.rt_price, null);
  assert.equal(result.rows[1]!.da_price, 50);
});

Deno.test("liveValue() values what is left of today from the state of charge now, at day-ahead prices", async () => {
  const da = series(daPrices);
  const rt = series(rtOf(daPrices).map((p) => p + 5), 5);
  const at10 = await liveValue({ da, rt, battery, nowMs: JULY_1 + 10 * HOUR + 60_000, socMwh: 0 });
  assert.equal(at10.from, new Date(JULY_1 + 10 * HOUR + 300_000).toISOString().slice(0, 19) + "Z");
  assert.ok(relDiff(at10.remaining_value_usd!, 150) < 1e-4); // buy at 50, sell at 200
  assert.equal(at10.remaining_intervals, 288 - 121);
  const full = await liveValue({ da, rt, battery, nowMs: JULY_1 + 10 * HOUR, socMwh: 1 });
  assert.ok(relDiff(full.remaining_value_usd!, 200) < 1e-4); // sell the stored MWh at 200
  const late = await liveValue({ da, rt, battery, nowMs: JULY_1 + 21 * HOUR, socMwh: 0 });
  assert.ok(Math.abs(late.remaining_value_usd!) < 1e-6);
  // The day as it stands: RT (DA + 5) before 21:00, DA after: buy at 25 (02:00 RT), sell at 205 (20:00 RT).
  assert.ok(relDiff(late.day_value_usd!, 180) < 1e-4);
});

Deno.test("liveValue() explains a state of charge from which the end-of-day rule cannot be met", async () => {
  const startsFull = resolveBattery({ powerMw: 1, energyMwh: 1, rte: 1, initialSocMwh: 1 });
  const now = JULY_1 + 23.9 * HOUR; // one 5-minute interval left: too little to charge back to 1 MWh
  const result = await liveValue({
    da: series(daPrices),
    rt: series(rtOf(daPrices), 5),
    battery: startsFull,
    nowMs: now,
    socMwh: 0,
  });
  assert.equal(result.remaining_value_usd, null);
  assert.match(result.note ?? "", /cannot be reached/);
});

Deno.test("arbitrageDay() reports value, spreads, capture rates and the live value of a day", async () => {
  const day = {
    da: series(daPrices),
    rt: series(rtOf(daPrices), 5),
    fmm: series(new Array(96).fill(null), 15),
  };
  const report = await arbitrageDay(day, battery, {
    market: "da",
    live: { nowMs: JULY_1 + 10 * HOUR, socMwh: 0 },
  });
  assert.ok(relDiff(report.value_usd, 180) < 1e-6);
  assert.deepEqual(report.intervals, { known: 24, expected: 24 });
  assert.equal(report.spreads.da[0]!.spread, 180);
  assert.deepEqual(report.capture.map((c) => c.strategy), ["tb1_da", "tb1_rt", "follow_da"]);
  for (const c of report.capture) assert.ok(c.capture_rate! > 0.99 && c.capture_rate! <= 1 + 1e-3);
  assert.ok(report.live !== undefined);
  const two = await arbitrageDay(day, battery, { market: "two-settlement" });
  assert.ok(two.two_settlement !== undefined && !("physical" in two.two_settlement));
  assert.ok(relDiff(two.value_usd, 180) < 1e-4);
  await assert.rejects(() => arbitrageDay(day, battery, { market: "fmm" }), NoPricesError);
  const rtOnly = { ...day, da: series(new Array(24).fill(null)) };
  assert.equal((await arbitrageDay(rtOnly, battery, { market: "rt" })).capture.length, 0);
  assert.ok(relDiff((await optimizeArbitrage(day.rt, battery)).value_usd, 180) < 1e-4);
});
