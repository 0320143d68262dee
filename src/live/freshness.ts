/**
 * Whether each market's newest price is as recent as OASIS's cadence allows, for `/health`, `/api/current`
 * and the dashboard. Each market is `fresh`, `stale` or `missing`, by these rules:
 *
 * - RT (5-minute) and FMM (15-minute): `missing` without any interval; `stale` once the newest interval
 *   ended more than 3 intervals plus a 5-minute publication allowance ago (RT: 20 min after its end, FMM:
 *   50 min), i.e. three intervals in a row that OASIS should have published by now are absent.
 * - DA (hourly, published a day at a time around 13:00 Pacific the day before): `missing` when no DA
 *   interval covers the current hour (today's DA is absent); `stale` from 16:00 Pacific (three hours of
 *   allowance) while no interval of tomorrow's operating day is in.
 *
 * `age_s` is the age of the newest interval's start, as `age_s` of `/api/current`.
 *
 * @module
 */
import { nextDate, operatingDate, pacificHour, pacificMidnight } from "../oasis/time.ts";

/** A market whose freshness is judged. */
export type FreshMarket = "rt" | "fmm" | "da";

/** The markets, in the order they are shown. */
export const FRESH_MARKETS: readonly FreshMarket[] = ["rt", "fmm", "da"];

/** How recent a market's newest price is. */
export type FreshnessStatus = "fresh" | "stale" | "missing";

/** One market's freshness. */
export interface MarketFreshness {
  /** Start of the newest interval, UTC ISO-8601, or null without any. */
  readonly newest: string | null;
  /** Seconds since that interval started, or null. */
  readonly age_s: number | null;
  readonly status: FreshnessStatus;
}

const MINUTE_MS = 60_000;
/** Interval length of each market. */
const STEP_MS: Readonly<Record<FreshMarket, number>> = {
  rt: 5 * MINUTE_MS,
  fmm: 15 * MINUTE_MS,
  da: 60 * MINUTE_MS,
};
/** Real-time intervals in a row that may be missing before a market is stale. */
export const STALE_INTERVALS = 3;
/** How long after an interval's end OASIS may take to publish it (RT and FMM). */
export const PUBLICATION_ALLOWANCE_MS = 5 * MINUTE_MS;
/** Pacific hour from which tomorrow's DA should be in (CAISO publishes it around 13:00). */
export const DA_TOMORROW_BY_HOUR = 16;

/** How long after its end an RT or FMM interval may stay the newest before the market is stale. */
export function staleAfterMs(market: "rt" | "fmm"): number {
  return STALE_INTERVALS * STEP_MS[market] + PUBLICATION_ALLOWANCE_MS;
}

function statusOf(market: FreshMarket, startMs: number, now: Date): FreshnessStatus {
  const endMs = startMs + STEP_MS[market];
  if (market !== "da") return now.getTime() - endMs > staleAfterMs(market) ? "stale" : "fresh";
  if (endMs <= now.getTime()) return "missing";
  const tomorrow = pacificMidnight(nextDate(operatingDate(now))).getTime();
  return pacificHour(now) >= DA_TOMORROW_BY_HOUR && endMs <= tomorrow ? "stale" : "fresh";
}

/** The freshness of `market` whose newest interval started at `newest` (ISO-8601, or null), at `now`. */
export function marketFreshness(market: FreshMarket, newest: string | null, now: Date): MarketFreshness {
  const startMs = newest === null ? NaN : Date.parse(newest);
  if (!Number.isFinite(startMs)) return { newest: null, age_s: null, status: "missing" };
  return {
    newest: new Date(startMs).toISOString(),
    age_s: Math.max(0, Math.round((now.getTime() - startMs) / 1000)),
    status: statusOf(market, startMs, now),
  };
}

/** The dataset whose watermark tells each market's newest interval. */
export const MARKET_DATASETS: Readonly<Record<FreshMarket, string>> = {
  rt: "lmp_rtm",
  fmm: "lmp_fmm",
  da: "lmp_dam",
};

/** The markets whose dataset is in `datasets`; all of them when `datasets` is undefined. */
export function polledMarkets(datasets: readonly string[] | undefined): FreshMarket[] {
  return FRESH_MARKETS.filter((m) => datasets === undefined || datasets.includes(MARKET_DATASETS[m]));
}

/** Freshness of each market whose dataset is in `datasets` (by their newest intervals), at `now`. */
export function marketsOf(
  datasets: Readonly<Record<string, { readonly newestInterval: string | null }>>,
  now: Date,
): Partial<Record<FreshMarket, MarketFreshness>> {
  const out: Partial<Record<FreshMarket, MarketFreshness>> = {};
  for (const market of FRESH_MARKETS) {
    const dataset = datasets[MARKET_DATASETS[market]];
    if (dataset) out[market] = marketFreshness(market, dataset.newestInterval, now);
  }
  return out;
}
