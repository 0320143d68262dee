/**
 * Prices at regular intervals, the input of every arbitrage calculation: a start, an interval length and
 * one price per interval (`null` where no price is known, so the battery can only stand by there).
 *
 * @module
 */

/** Prices at regular intervals from `startMs`. */
export interface PriceSeries {
  /** Start of the first interval, epoch ms. */
  readonly startMs: number;
  /** Length of every interval in minutes. */
  readonly intervalMinutes: number;
  /** $/MWh per interval; `null` where unknown. */
  readonly prices: readonly (number | null)[];
}

/** A price at an interval start, as the store and the CSV reader give it. */
export interface TimedPrice {
  readonly ms: number;
  readonly price: number;
}

/** Lays `points` on the intervals of `[startMs, endMs)`; intervals without a point get `null`. */
export function seriesFromPoints(
  points: readonly TimedPrice[],
  startMs: number,
  endMs: number,
  intervalMinutes: number,
): PriceSeries {
  const stepMs = intervalMinutes * 60_000;
  const prices: (number | null)[] = new Array(Math.max(0, Math.round((endMs - startMs) / stepMs))).fill(null);
  for (const p of points) {
    const offset = p.ms - startMs;
    if (offset < 0 || offset % stepMs !== 0 || !Number.isFinite(p.price)) continue;
    const i = offset / stepMs;
    if (i < prices.length) prices[i] = p.price;
  }
  return { startMs, intervalMinutes, prices };
}

/** Start of interval `i` of `series`, epoch ms. */
export function intervalStart(series: PriceSeries, i: number): number {
  return series.startMs + i * series.intervalMinutes * 60_000;
}

/** Length of one interval of `series` in hours. */
export function intervalHours(series: PriceSeries): number {
  return series.intervalMinutes / 60;
}

/** How many intervals of `series` have a price. */
export function knownCount(series: PriceSeries): number {
  return series.prices.reduce<number>((n, p) => (p === null ? n : n + 1), 0);
}
