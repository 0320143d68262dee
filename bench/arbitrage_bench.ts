/**
 * Arbitrage benchmark: solve time of the optimizer (HiGHS on the program of `arbitrage_model.ts`) for one
 * operating day of 5-minute prices (288 intervals; 276 and 300 on the 23- and 25-hour days), of 15-minute FMM
 * and hourly day-ahead prices, and of a 5-minute day with a standing loss, with the cycle cap binding; next to
 * a reference measured in the same run, the textbook LP of `tests/analytics/reference_lp.ts` (grid-side MW,
 * LP text, a binary at every negative price), whose optimum the optimizer's value must equal. Prices are
 * synthetic CAISO-shaped days (seeded), with a negative midday on some of them.
 *
 * @module
 */
import { optimizeArbitrage } from "../src/analytics/arbitrage.ts";
import { type Battery, resolveBattery } from "../src/analytics/battery.ts";
import { loadHighs } from "../src/analytics/highs_solver.ts";
import type { PriceSeries } from "../src/analytics/price_series.ts";
import { solveArbitrageLp } from "../tests/analytics/reference_lp.ts";
import { type BenchRow, median } from "./bench_util.ts";

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

/** Median ms of `n` runs of `fn` after one warm-up run, and the warm-up's result. */
async function timeAsync<T>(fn: () => Promise<T>, n: number): Promise<{ ms: number; result: T }> {
  const result = await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), result };
}

/** Runs the arbitrage benchmarks and returns table rows. */
export async function runArbitrageBench(iterations = 5): Promise<BenchRow[]> {
  const battery = resolveBattery({ powerMw: 1, energyMwh: 4, rte: 0.85 });
  const lossy = resolveBattery({ powerMw: 1, energyMwh: 4, rte: 0.85, standingLoss: 0.01 });
  const t0 = performance.now();
  await loadHighs();
  const rows: BenchRow[] = [{ name: "loading HiGHS (once per thread)", ms: performance.now() - t0 }];
  const cases: [string, PriceSeries, Battery][] = [
    ["24 h of 5-min RT (288)", day(288, 5, 1, true), battery],
    ["23 h of 5-min RT (276)", day(276, 5, 2, false), battery],
    ["25 h of 5-min RT (300)", day(300, 5, 3, false), battery],
    ["24 h of 15-min FMM (96)", day(96, 15, 4, true), battery],
    ["24 h of hourly DA (24)", day(24, 60, 5, false), battery],
    ["5-min day, standing loss 1 %/h (288)", day(288, 5, 6, true), lossy],
  ];
  for (const [name, series, b] of cases) {
    const ours = await timeAsync(() => optimizeArbitrage(series, b), iterations);
    const ref = await timeAsync(() => solveArbitrageLp(series, b), iterations);
    const result = ours.result;
    rows.push({
      name: `optimizeArbitrage, ${name}`,
      ms: ours.ms,
      rowsPerS: series.prices.length / (ours.ms / 1000),
      note: `${result.optimality.method}, $${result.value_usd.toFixed(4)}; ` +
        `vs reference ${pct(result.value_usd, ref.result.value_usd)}; reference time ÷ this ${
          (ref.ms / ours.ms).toFixed(1)
        }×`,
    });
    rows.push({
      name: `reference: textbook LP/MILP, ${name}`,
      ms: ref.ms,
      rowsPerS: series.prices.length / (ref.ms / 1000),
      note: `$${ref.result.value_usd.toFixed(4)}`,
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
