/**
 * Properties of perfect foresight on random price vectors: it is never beaten by a simple strategy, and
 * more energy or more power never lowers it. The tolerance is the grid's (0.1 % of the value at most).
 */
import assert from "node:assert/strict";
import { optimizeArbitrage } from "../../src/analytics/arbitrage.ts";
import { type BatteryParams, resolveBattery } from "../../src/analytics/battery.ts";
import {
  followWish,
  hourMap,
  scheduleByHour,
  simulateStrategy,
  tbWish,
} from "../../src/analytics/strategies.ts";
import { dayPrices, seeded, series } from "./arbitrage_helpers.ts";

const slack = (value: number) => 1e-3 * Math.max(1, Math.abs(value));

function randomParams(random: () => number, k: number): BatteryParams {
  return {
    powerMw: 0.5 + random() * 2,
    durationH: 1 + Math.floor(random() * 4),
    rte: 0.75 + random() * 0.25,
    cycles: [1, 1.5, 2][k % 3],
    degradation: k % 4 === 0 ? 3 : 0,
  };
}

Deno.test("optimizeArbitrage() is worth at least every simple strategy on the same prices", async () => {
  const random = seeded(31);
  for (let k = 0; k < 16; k++) {
    const battery = resolveBattery(randomParams(random, k));
    const da = series(dayPrices(24, random, k % 2 === 0));
    const rt = series(dayPrices(96, random, k % 2 === 1), 15);
    const daPlan = await optimizeArbitrage(da, battery);
    const rtPlan = await optimizeArbitrage(rt, battery);
    const daHours = hourMap(da);
    for (const n of [1, 2, 4, 6]) {
      const atDa = simulateStrategy(da, battery, tbWish(da, battery, daHours, n));
      const atRt = simulateStrategy(rt, battery, tbWish(rt, battery, daHours, n));
      assert.ok(daPlan.value_usd >= atDa.value_usd - slack(daPlan.value_usd), `case ${k}, TB${n} at DA`);
      assert.ok(rtPlan.value_usd >= atRt.value_usd - slack(rtPlan.value_usd), `case ${k}, TB${n} in RT`);
      assert.ok(atDa.cycles <= battery.cycles + 1e-9 && atRt.cycles <= battery.cycles + 1e-9);
    }
    const follow = simulateStrategy(rt, battery, followWish(rt, scheduleByHour(daPlan)));
    assert.ok(rtPlan.value_usd >= follow.value_usd - slack(rtPlan.value_usd), `case ${k}, follow DA`);
  }
});

Deno.test("optimizeArbitrage() value never falls when energy or power grows", async () => {
  const random = seeded(47);
  for (let k = 0; k < 10; k++) {
    const prices = series(dayPrices(k % 2 ? 24 : 96, random, k % 3 === 0), k % 2 ? 60 : 15);
    const rte = 0.8 + random() * 0.2;
    const value = async (powerMw: number, energyMwh: number) =>
      (await optimizeArbitrage(prices, resolveBattery({ powerMw, energyMwh, rte }))).value_usd;
    let previous = -Infinity;
    for (const energy of [0.5, 1, 2, 3, 4, 6]) {
      const v = await value(1, energy);
      assert.ok(v >= previous - slack(v), `case ${k}: energy ${energy} → ${v} < ${previous}`);
      previous = v;
    }
    previous = -Infinity;
    for (const power of [0.25, 0.5, 1, 2, 4]) {
      const v = await value(power, 4);
      assert.ok(v >= previous - slack(v), `case ${k}: power ${power} → ${v} < ${previous}`);
      previous = v;
    }
  }
});

Deno.test("simulateStrategy() keeps every limit: band, power, cycle cap and the end-of-day charge", () => {
  const random = seeded(3);
  const battery = resolveBattery({ powerMw: 1, energyMwh: 2, rte: 0.81, initialSocMwh: 1, cycles: 1 });
  const prices = series(dayPrices(24, random));
  const wish = prices.prices.map(() => (random() < 0.5 ? -3 : 3));
  const result = simulateStrategy(prices, battery, wish);
  for (const row of result.schedule) {
    assert.ok(row.soc_mwh >= -1e-9 && row.soc_mwh <= 2 + 1e-9);
    assert.ok(Math.abs(row.mw) <= 1 + 1e-9);
  }
  assert.ok(result.cycles <= 1 + 1e-9);
  assert.ok(result.schedule.at(-1)!.soc_mwh >= 1 - 1e-9);
});
