/**
 * The dynamic program against an independent solver: HiGHS on the same problem as an LP (a MILP where a
 * negative price could make burning energy pay), and the two-dimensional cycle-cap program.
 */
import assert from "node:assert/strict";
import { dpProblem, optimizeArbitrage } from "../../src/analytics/arbitrage.ts";
import { solveArbitrageLp } from "../../src/analytics/arbitrage_lp.ts";
import { type BatteryParams, resolveBattery, usableMwh } from "../../src/analytics/battery.ts";
import { solveCappedDp } from "../../src/analytics/dp_capped.ts";
import { storedDischarge, trajectoryValue } from "../../src/analytics/schedule.ts";
import { dayPrices, relDiff, seeded, series } from "./arbitrage_helpers.ts";

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

Deno.test("optimizeArbitrage() agrees with the HiGHS LP/MILP within 0.1 % on random price vectors", async () => {
  const random = seeded(2024);
  let worst = 0;
  for (let k = 0; k < 36; k++) {
    const minutes = k % 3 === 0 ? 15 : 60;
    const prices = dayPrices(1440 / minutes, random, k % 2 === 0);
    const battery = resolveBattery(randomBattery(random, k));
    const dp = optimizeArbitrage(series(prices, minutes), battery);
    const lp = await solveArbitrageLp(series(prices, minutes), battery);
    // The DP schedule is feasible for the continuous problem, so it can only be below the LP optimum.
    assert.ok(dp.value_usd <= lp.value_usd + 1e-6 * Math.max(1, Math.abs(lp.value_usd)), `case ${k}`);
    assert.ok(dp.cycles <= battery.cycles + 1e-9, `case ${k}: ${dp.cycles} cycles`);
    worst = Math.max(worst, relDiff(dp.value_usd, lp.value_usd));
  }
  assert.ok(worst <= 1e-3, `worst relative gap ${worst}`);
});

Deno.test("optimizeArbitrage() agrees with HiGHS on 5-minute days with a standing loss and a start charge", async () => {
  const random = seeded(5);
  for (
    const params of [
      { powerMw: 1, energyMwh: 4, rte: 0.85 },
      { powerMw: 1, energyMwh: 2, rte: 0.9, standingLoss: 0.001, initialSocMwh: 1 },
    ]
  ) {
    const prices = dayPrices(288, random, true);
    const battery = resolveBattery(params);
    const dp = optimizeArbitrage(series(prices, 5), battery);
    const lp = await solveArbitrageLp(series(prices, 5), battery);
    assert.ok(relDiff(dp.value_usd, lp.value_usd) <= 1e-3, `${dp.value_usd} vs ${lp.value_usd}`);
  }
});

Deno.test("solveCappedDp() is exact on an aligned grid and never exceeds the discharge budget", async () => {
  const random = seeded(77);
  for (let k = 0; k < 12; k++) {
    const prices = Array.from({ length: 24 }, () => Math.round(random() * 200 - 50));
    // 100 % efficiency and 1 MW / 1 MWh: full-power moves are whole grid steps, so the grid loses nothing.
    const battery = resolveBattery({ powerMw: 1, energyMwh: 1, rte: 1, cycles: [0.5, 1, 1.5][k % 3] });
    const problem = { ...dpProblem(series(prices), battery, 0), grid: { lo: 0, step: 0.05, steps: 20 } };
    const cap = battery.cycles * usableMwh(battery);
    const soc = solveCappedDp(problem, 0, Math.round(cap / 0.05));
    assert.ok(soc !== null);
    assert.ok(storedDischarge(series(prices), battery, soc) <= cap + 1e-9);
    const lp = await solveArbitrageLp(series(prices), battery);
    assert.ok(relDiff(trajectoryValue(series(prices), battery, soc), lp.value_usd) <= 1e-9, `case ${k}`);
    assert.ok(
      relDiff(optimizeArbitrage(series(prices), battery).value_usd, lp.value_usd) <= 1e-9,
      `case ${k}`,
    );
  }
});

Deno.test("optimizeArbitrage() falls back to the two-dimensional program when negative prices leave a dual gap", async () => {
  // At the cap's shadow price one schedule charges where the other discharges, at a strongly negative price:
  // their mix nets the two moves and loses value, so the Lagrangian alone cannot prove optimality.
  const prices = series([-176, -80, -78, 0]);
  const battery = resolveBattery({ powerMw: 1, energyMwh: 1, rte: 0.6, cycles: 0.5, end: "free" });
  const result = optimizeArbitrage(prices, battery);
  assert.equal(result.optimality.method, "dp-2d");
  assert.ok(result.cycles <= 0.5 + 1e-9);
  assert.ok(result.optimality.bound_usd >= result.value_usd);
  const lp = await solveArbitrageLp(prices, battery);
  assert.ok(relDiff(result.value_usd, lp.value_usd) <= 1e-3, `${result.value_usd} vs ${lp.value_usd}`);
});
