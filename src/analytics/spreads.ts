/**
 * TB-N spreads ("top-bottom N"): the average of a day's N dearest hourly prices minus the average of its N
 * cheapest, and the efficiency-adjusted form (dearest × round-trip efficiency − cheapest), what one cycle of
 * an N-hour battery could earn per MWh at best. Real-time 5-minute prices are first averaged per hour.
 *
 * @module
 */
import { intervalStart, type PriceSeries } from "./price_series.ts";

/** One TB-N spread in $/MWh; null when the day has fewer than 2N hours with a price. */
export interface TbSpread {
  readonly n: number;
  /** Average of the N dearest hours minus average of the N cheapest. */
  readonly spread: number | null;
  /** Average of the N dearest × round-trip efficiency minus average of the N cheapest. */
  readonly adjusted: number | null;
}

const HOUR_MS = 3_600_000;

/** One price per clock hour: the average of the hour's known prices, hours without a price left out. */
export function hourlyPrices(series: PriceSeries): number[] {
  const sums = new Map<number, [number, number]>();
  series.prices.forEach((price, i) => {
    if (price === null) return;
    // Pacific offsets are whole hours, so UTC hour boundaries are Pacific hour boundaries.
    const hour = Math.floor(intervalStart(series, i) / HOUR_MS);
    const [sum, n] = sums.get(hour) ?? [0, 0];
    sums.set(hour, [sum + price, n + 1]);
  });
  return [...sums.values()].map(([sum, n]) => sum / n);
}

/** TB1 … TB`maxN` of `hourly` prices with round-trip efficiency `rte`. */
export function tbSpreads(hourly: readonly number[], rte: number, maxN = 4): TbSpread[] {
  const sorted = [...hourly].sort((a, b) => a - b);
  const out: TbSpread[] = [];
  for (let n = 1; n <= maxN; n++) {
    if (sorted.length < 2 * n) {
      out.push({ n, spread: null, adjusted: null });
      continue;
    }
    const cheap = average(sorted.slice(0, n));
    const dear = average(sorted.slice(sorted.length - n));
    out.push({ n, spread: dear - cheap, adjusted: dear * rte - cheap });
  }
  return out;
}

/** TB1–TB4 of a price series (averaged per hour first). */
export function seriesSpreads(series: PriceSeries, rte: number): TbSpread[] {
  return tbSpreads(hourlyPrices(series), rte);
}

function average(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
