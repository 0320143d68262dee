/**
 * Test helpers for the arbitrage analytics: price series from plain arrays, a seeded random generator and
 * random day-shaped price vectors.
 *
 * @module
 */
import type { PriceSeries } from "../../src/analytics/price_series.ts";

/** 07:00Z = midnight Pacific on 1 July 2024 (a 24-hour day). */
export const JULY_1 = Date.UTC(2024, 6, 1, 7);

/** A series of `prices` from `startMs` at `minutes` intervals. */
export function series(prices: readonly (number | null)[], minutes = 60, startMs = JULY_1): PriceSeries {
  return { startMs, intervalMinutes: minutes, prices };
}

/** A deterministic generator of numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** `n` prices shaped like a CAISO day (midday dip, evening peak) with noise; some negative when `negative`. */
export function dayPrices(n: number, random: () => number, negative = false): number[] {
  return Array.from({ length: n }, (_, i) => {
    const hour = (i / n) * 24;
    const shape = 40 + 30 * Math.sin(((hour - 9) / 24) * 2 * Math.PI) + (hour > 17 && hour < 21 ? 60 : 0);
    const dip = negative && hour > 9 && hour < 15 ? 60 : 0;
    return Math.round((shape - dip + (random() - 0.5) * 40) * 100) / 100;
  });
}

/** Relative difference of `a` from `b` (absolute below $1). */
export function relDiff(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.abs(b));
}
