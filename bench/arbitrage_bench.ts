/**
 * Arbitrage benchmark: solve time of the dynamic program for one operating day of 5-minute prices (288
 * intervals; 276 and 300 on the 23- and 25-hour days) and of hourly day-ahead prices, with the cycle cap
 * binding, next to HiGHS on the same problem; and the accuracy of the default grid against a grid with 8
 * times the cells and against the HiGHS optimum. Prices are synthetic CAISO-shaped days (seeded), with a
 * negative midday on one of them.
 *
 * @module
 */
import { dpProblem, optimizeArbitrage } from "../src/analytics/arbitrage.ts";
import { solveArbitrageLp } from "../src/analytics/arbitrage_lp.ts";
import { resolveBattery } from "../src/analytics/battery.ts";
import { solveDp } from "../src/analytics/dp.ts";
import type { PriceSeries } from "../src/analytics/price_series.ts";
import { DEFAULT_GRID_BUDGET } from "../src/analytics/soc_grid.ts";
import { type BenchRow, median, timeIt } from "./bench_util.ts";

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function day(intervals: number, minutes: number, seed: number, negative: boolean): PriceSeries {
  const random = seeded(seed);
  const prices = Array.from({ length: intervals }, (_, i) => {
    const hour = (i * minutes) / 60;
    const shape = 40 + 30 * Math.sin(((hour - 9) / 24) * 2 * Math.PI) + (hour > 17 && hour < 21 ? 60 : 0);
    return Math.round((shape - (negative && hour > 9 && hour < 15 ? 60 : 0) + (random() - 0.5) * 40) * 100) /
      100;
  });
  return { startMs: Date.UTC(2024, 6, 1, 7), intervalMinutes: minutes, prices };
}

const pct = (a: number, b: number) => `${((Math.abs(a - b) / Math.abs(b)) * 100).toFixed(4)} %`;

/** Runs the arbitrage benchmarks and returns table rows. */
export async function runArbitrageBench(iterations = 5): Promise<BenchRow[]> {
  const battery = resolveBattery({ powerMw: 1, energyMwh: 4, rte: 0.85 });
  const rows: BenchRow[] = [];
  const rt = day(288, 5, 1, true);
  const problem = dpProblem(rt, battery, 0);
  const one = median(timeIt(() => solveDp(problem, 0), iterations));
  rows.push({
    name: "one DP solve, 288 × 5 min",
    ms: one,
    rowsPerS: 288 / (one / 1000),
    note: `${problem.grid.steps + 1} grid points`,
  });
  const cases: [string, PriceSeries][] = [
    ["24 h of 5-min RT (288)", rt],
    ["23 h of 5-min RT (276)", day(276, 5, 2, false)],
    ["25 h of 5-min RT (300)", day(300, 5, 3, false)],
    ["24 h of 15-min FMM (96)", day(96, 15, 4, true)],
    ["24 h of hourly DA (24)", day(24, 60, 5, false)],
  ];
  for (const [name, series] of cases) {
    let result = optimizeArbitrage(series, battery);
    const ms = median(timeIt(() => (result = optimizeArbitrage(series, battery)), iterations));
    const fine = optimizeArbitrage(series, battery, {
      grid: { ...DEFAULT_GRID_BUDGET, cells: DEFAULT_GRID_BUDGET.cells * 8, maxSteps: 64_000 },
    });
    const lpTimes: number[] = [];
    let lp = await solveArbitrageLp(series, battery);
    for (let i = 0; i < iterations; i++) {
      const t0 = performance.now();
      lp = await solveArbitrageLp(series, battery);
      lpTimes.push(performance.now() - t0);
    }
    rows.push({
      name: `optimizeArbitrage, ${name}`,
      ms,
      rowsPerS: series.prices.length / (ms / 1000),
      note: `${result.optimality.method}, ${result.optimality.grid_points} points; ` +
        `vs 8× cells ${pct(result.value_usd, fine.value_usd)}, vs HiGHS ${
          pct(result.value_usd, lp.value_usd)
        }`,
    });
    rows.push({
      name: `HiGHS LP/MILP, ${name}`,
      ms: median(lpTimes),
      rowsPerS: series.prices.length / (median(lpTimes) / 1000),
    });
  }
  return rows;
}

if (import.meta.main) {
  const { table } = await import("./bench_util.ts");
  console.log(
    table("Battery arbitrage: 1 MW / 4 MWh, RTE 85 %, 1 cycle/day (binding)", await runArbitrageBench()),
  );
}
