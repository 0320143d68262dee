/** Hand-checkable cases of the perfect-foresight optimizer. */
import assert from "node:assert/strict";
import { InfeasibleScheduleError, optimizeArbitrage } from "../../src/analytics/arbitrage.ts";
import { resolveBattery } from "../../src/analytics/battery.ts";
import { seriesFromPoints } from "../../src/analytics/price_series.ts";
import { operatingDay } from "../../src/oasis/time.ts";
import { seeded, series } from "./arbitrage_helpers.ts";

const close = (actual: number, expected: number, tol = 1e-6) =>
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${actual} ≠ ${expected}`);

Deno.test("optimizeArbitrage() earns nothing and stays idle on flat prices", async () => {
  const battery = resolveBattery({ powerMw: 1, energyMwh: 4, rte: 0.85 });
  for (const minutes of [60, 5]) {
    const result = await optimizeArbitrage(series(new Array(1440 / minutes).fill(42), minutes), battery);
    close(result.value_usd, 0);
    assert.ok(result.schedule.every((r) => r.action === "idle"));
    assert.equal(result.cycles, 0);
  }
});

Deno.test("optimizeArbitrage() values one cheap then one dear hour at exactly x·(ηc·ηd·p_hi − p_lo)", async () => {
  const [lo, hi] = [20, 100];
  const cases = [
    { params: { powerMw: 1, energyMwh: 10, rte: 0.81 }, x: 1 }, // charge power binds
    { params: { powerMw: 1, energyMwh: 0.45, rte: 0.81 }, x: 0.5 }, // energy binds: x = E / ηc
    { params: { chargeMw: 2, dischargeMw: 0.5, energyMwh: 10, rte: 0.81 }, x: 0.5 / 0.81 }, // discharge binds
  ];
  for (const { params, x } of cases) {
    const battery = resolveBattery(params);
    const result = await optimizeArbitrage(series([lo, hi]), battery);
    close(result.value_usd, x * (0.81 * hi - lo));
    close(result.charged_mwh, x);
    assert.deepEqual(result.schedule.map((r) => r.action), ["charge", "discharge"]);
  }
});

Deno.test("optimizeArbitrage() never charges and discharges in one interval, even at negative prices", async () => {
  const battery = resolveBattery({ powerMw: 1, energyMwh: 0.9, rte: 0.81, end: "free" });
  // Burning energy (charge 1 MW while discharging 0.81 MW) would earn 19 $/h more in the second hour.
  const result = await optimizeArbitrage(series([-100, -100]), battery);
  close(result.value_usd, 100);
  assert.equal(result.negative_price_charge_hours, 1);
  // Starting full, it must discharge (0.81 MWh at −100) to make room, then recharge to full by the end.
  const full = resolveBattery({ powerMw: 1, energyMwh: 0.9, rte: 0.81, initialSocMwh: 0.9 });
  const back = await optimizeArbitrage(series([-100, -100]), full);
  close(back.value_usd, 100 - 81);
  assert.deepEqual(back.schedule.map((r) => r.action), ["discharge", "charge"]);
  for (const row of [...result.schedule, ...back.schedule]) {
    assert.ok(row.action === "idle" ? row.mw === 0 : (row.action === "charge") === row.mw < 0);
  }
});

Deno.test("optimizeArbitrage() keeps to the cycle cap, including fractional caps", async () => {
  const prices = series([0, 100, 0, 100]);
  const value = (cycles: number) =>
    optimizeArbitrage(prices, resolveBattery({ powerMw: 1, energyMwh: 1, rte: 1, cycles }));
  close((await value(2)).value_usd, 200);
  const one = await value(1);
  close(one.value_usd, 100);
  close(one.cycles, 1);
  assert.ok(one.optimality.cycle_price > 0);
  const half = await value(1.5);
  close(half.value_usd, 150);
  close(half.cycles, 1.5);
  close(half.optimality.bound_usd, 150);
});

Deno.test("optimizeArbitrage() schedules 23- and 25-hour operating days", async () => {
  const battery = resolveBattery({ powerMw: 1, energyMwh: 1, rte: 1 });
  for (const [date, hours] of [["2024-03-10", 23], ["2024-11-03", 25]] as const) {
    const { start, end } = operatingDay(date);
    const hourly = Array.from({ length: hours }, (_, i) => (i === 0 ? 10 : i === hours - 1 ? 90 : 50));
    const points = hourly.map((price, i) => ({ ms: start.getTime() + i * 3_600_000, price }));
    const day = seriesFromPoints(points, start.getTime(), end.getTime(), 60);
    assert.equal(day.prices.length, hours);
    const result = await optimizeArbitrage(day, battery);
    assert.equal(result.schedule.length, hours);
    close(result.value_usd, 80);
    const fiveMin = seriesFromPoints([], start.getTime(), end.getTime(), 5);
    const rt = await optimizeArbitrage({
      ...fiveMin,
      prices: fiveMin.prices.map((_, i) => hourly[Math.floor(i / 12)]!),
    }, battery);
    assert.equal(rt.schedule.length, hours * 12);
    close(rt.value_usd, 80, 1e-4);
  }
});

Deno.test("optimizeArbitrage() with 100 % efficiency, 1 h and 1 cycle equals the best rise from an earlier hour", async () => {
  const random = seeded(11);
  const battery = resolveBattery({ powerMw: 1, energyMwh: 1, rte: 1, cycles: 1 });
  for (let k = 0; k < 25; k++) {
    // Non-negative prices: below zero, charging alone earns money and the value is more than a rise.
    const prices = Array.from({ length: 24 }, () => Math.round(random() * 300));
    let best = 0;
    for (let i = 0; i < 24; i++) {
      for (let j = i + 1; j < 24; j++) best = Math.max(best, prices[j]! - prices[i]!);
    }
    close((await optimizeArbitrage(series(prices), battery)).value_usd, best);
  }
});

Deno.test("optimizeArbitrage() stands by where the price is unknown", async () => {
  const battery = resolveBattery({ powerMw: 1, energyMwh: 1, rte: 1 });
  const result = await optimizeArbitrage(series([10, null, 90, null]), battery);
  close(result.value_usd, 80);
  assert.deepEqual(result.schedule.map((r) => r.action), ["charge", "idle", "discharge", "idle"]);
});

Deno.test("optimizeArbitrage() starts from a given charge and reports $/MW-day", async () => {
  const battery = resolveBattery({ powerMw: 2, energyMwh: 2, rte: 1, end: "free" });
  const result = await optimizeArbitrage(series([50, 80]), battery, { startSocMwh: 1.5 });
  close(result.value_usd, 160 - 25); // top up 0.5 MWh at 50, sell 2 MWh at 80
  close(result.value_usd_per_mw_day, 67.5);
});

Deno.test("optimizeArbitrage() reports a standing loss that makes the end-of-day charge unreachable", async () => {
  const battery = resolveBattery({ powerMw: 1, energyMwh: 4, initialSocMwh: 2, standingLoss: 0.01 });
  await assert.rejects(() => optimizeArbitrage(series([null, null, null]), battery), InfeasibleScheduleError);
  // With prices it recharges what the loss takes.
  const result = await optimizeArbitrage(series([30, 30, 30]), battery);
  assert.ok(result.value_usd < 0);
  assert.ok(result.schedule.at(-1)!.soc_mwh >= 2 - 1e-9);
});
