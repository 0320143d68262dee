/**
 * The optimizer against an independent statement of the same problem (`reference_lp.ts`: grid-side MW
 * variables, unscaled, written as CPLEX LP text, a binary at every negative price), solved by HiGHS too.
 */
import assert from "node:assert/strict";
import { optimizeArbitrage } from "../../src/analytics/arbitrage.ts";
import { type BatteryParams, resolveBattery, usableMwh } from "../../src/analytics/battery.ts";
import { storedDischarge } from "../../src/analytics/schedule.ts";
import { dayPrices, relDiff, seeded, series } from "./arbitrage_helpers.ts";
import { solveArbitrageLp } from "./reference_lp.ts";

function randomBattery(random: () => number, k: number): BatteryParams {
  const power = 0.5 + random() * 2;
  return {
    ...(k % 3 === 0 ? { chargeMw: power, dischargeMw: power * (0.6 + random()) } : { powerMw: power }),
    energyMwh: power * (1 + Math.floor(random() * 4)),
    rte: 0.7 + random() * 0.3,
    cycles: [0.5, 1, 1.5, 2][k % 4],
    degradation: k % 5 === 0 ? 4 : 0,
    ...(k % 4 === 1 ? { socMin: 0.1, socMax: 0.9 } : {}),
    ...(k % 6 === 2 ? { end: "free" as const } : {}),
  };
}

Deno.test("optimizeArbitrage() agrees with the reference LP/MILP within 0.1 % on random price vectors", async () => {
  const random = seeded(2024);
  let worst = 0;
  for (let k = 0; k < 36; k++) {
    const minutes = k % 3 === 0 ? 15 : 60;
    const prices = dayPrices(1440 / minutes, random, k % 2 === 0);
    const battery = resolveBattery(randomBattery(random, k));
    const result = await optimizeArbitrage(series(prices, minutes), battery);
    const lp = await solveArbitrageLp(series(prices, minutes), battery);
    // The schedule is feasible for the reference problem, so it can only be below (or at) its optimum.
    assert.ok(result.value_usd <= lp.value_usd + 1e-6 * Math.max(1, Math.abs(lp.value_usd)), `case ${k}`);
    assert.ok(result.cycles <= battery.cycles + 1e-9, `case ${k}: ${result.cycles} cycles`);
    worst = Math.max(worst, relDiff(result.value_usd, lp.value_usd));
  }
  assert.ok(worst <= 1e-3, `worst relative gap ${worst}`);
});

Deno.test("optimizeArbitrage() agrees with the reference on 5-minute days with a standing loss and a start charge", async () => {
  const random = seeded(5);
  for (
    const params of [
      { powerMw: 1, energyMwh: 4, rte: 0.85 },
      { powerMw: 1, energyMwh: 2, rte: 0.9, standingLoss: 0.001, initialSocMwh: 1 },
    ]
  ) {
    const prices = dayPrices(288, random, true);
    const battery = resolveBattery(params);
    const result = await optimizeArbitrage(series(prices, 5), battery);
    const lp = await solveArbitrageLp(series(prices, 5), battery);
    assert.ok(relDiff(result.value_usd, lp.value_usd) <= 1e-3, `${result.value_usd} vs ${lp.value_usd}`);
  }
});

Deno.test("optimizeArbitrage() is exact on capped days with negative prices and never exceeds the discharge budget", async () => {
  const random = seeded(77);
  for (let k = 0; k < 12; k++) {
    const prices = Array.from({ length: 24 }, () => Math.round(random() * 200 - 50));
    const battery = resolveBattery({ powerMw: 1, energyMwh: 1, rte: 1, cycles: [0.5, 1, 1.5][k % 3] });
    const cap = battery.cycles * usableMwh(battery);
    const result = await optimizeArbitrage(series(prices), battery);
    const soc = [battery.initialSocMwh, ...result.schedule.map((r) => r.soc_mwh)];
    assert.ok(storedDischarge(series(prices), battery, soc) <= cap + 1e-9);
    const lp = await solveArbitrageLp(series(prices), battery);
    assert.ok(relDiff(result.value_usd, lp.value_usd) <= 1e-9, `case ${k}`);
  }
});

Deno.test("optimizeArbitrage() solves a MILP when negative prices would make charging and discharging at once pay", async () => {
  // Burning energy pays at these prices: the LP alone would charge and discharge in one interval, and the
  // cycle cap's two bracketing schedules move in opposite directions (the case the old grid optimizer
  // needed a two-dimensional program for).
  const prices = series([-176, -80, -78, 0]);
  const battery = resolveBattery({ powerMw: 1, energyMwh: 1, rte: 0.6, cycles: 0.5, end: "free" });
  const result = await optimizeArbitrage(prices, battery);
  assert.equal(result.optimality.method, "milp");
  assert.ok(result.cycles <= 0.5 + 1e-9);
  assert.ok(result.optimality.bound_usd >= result.value_usd);
  const lp = await solveArbitrageLp(prices, battery);
  assert.ok(relDiff(result.value_usd, lp.value_usd) <= 1e-3, `${result.value_usd} vs ${lp.value_usd}`);
});
