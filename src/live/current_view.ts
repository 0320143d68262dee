/**
 * What `GET /api/current` and the WebSocket snapshot say about one zone: the store's current prices with
 * the day-ahead price of the hour that contains now, the age of the newest real-time price, whether it is
 * stale and, when the interval that should have a real price by now has none, a labelled estimate of it
 * (`estimate.ts`), computed here on every read and never stored, and the freshness of each market's newest
 * price (`freshness.ts`).
 *
 * @module
 */
import type { CurrentPrices, PriceStore, SeriesPoint } from "../store/store.ts";
import {
  type Estimate,
  estimateInterval,
  estimateReads,
  type EstimateSettings,
  estimateTarget,
} from "./estimate.ts";
import { FRESH_MARKETS, type FreshMarket, type MarketFreshness, marketFreshness } from "./freshness.ts";

const HOUR_MS = 3_600_000;
/** How far ahead of the current hour DA prices are read: past the end of tomorrow's operating day. */
const DA_AHEAD_MS = 50 * HOUR_MS;

function judgeMarkets(
  markets: readonly FreshMarket[],
  newest: Readonly<Record<FreshMarket, string | null>>,
  now: Date,
): Partial<Record<FreshMarket, MarketFreshness>> {
  return Object.fromEntries(markets.map((m) => [m, marketFreshness(m, newest[m], now)]));
}

/** Current prices of one zone as the API and dashboard show them. */
export interface CurrentView extends CurrentPrices {
  /** Seconds since the newest real-time interval started, or null without a real-time price. */
  readonly age_s: number | null;
  /** True without a real-time price, when it is older than `STALE_AFTER_S`, or when the store is unreachable. */
  readonly stale: boolean;
  /** True when the store could not be read and these are its last known values. */
  readonly store_stale: boolean;
  /**
   * An estimate of the interval that should have a real price by now, when it has none and nothing newer
   * does; null otherwise. Never mixed into `rt_price` or `spread`.
   */
  readonly estimate: Estimate | null;
  /** Freshness of each judged market: the newest interval, its age and `fresh`, `stale` or `missing`. */
  readonly markets: Readonly<Partial<Record<FreshMarket, MarketFreshness>>>;
}

/** What a current view depends on besides the store. */
export interface CurrentViewOptions {
  /** Age of the newest RT interval start beyond which the view is stale, in ms. */
  readonly staleAfterMs: number;
  /** How a missing newest RT price is estimated. */
  readonly estimates: EstimateSettings;
  /** Markets whose freshness is judged: those whose dataset is polled (default all). */
  readonly markets?: readonly FreshMarket[];
}

const EMPTY: Omit<CurrentPrices, "zone"> = {
  rt_price: null,
  rt_timestamp: null,
  fmm_price: null,
  fmm_timestamp: null,
  da_price: null,
  da_timestamp: null,
  spread: null,
  last_update: null,
};

/** Reads what an estimate needs; null without a missing interval to estimate. */
async function readEstimate(
  store: Pick<PriceStore, "history">,
  zone: string,
  newestRtMs: number,
  now: Date,
  settings: EstimateSettings,
): Promise<{ estimate: Estimate | null; stale: boolean }> {
  const target = estimateTarget(now, settings.afterMs);
  if (newestRtMs >= target.getTime()) return { estimate: null, stale: false };
  const reads = estimateReads(target, settings.maxGapMs);
  const [rt, da] = await Promise.all([
    Promise.all(reads.rt.map((range) => store.history(zone, "RT", range))),
    store.history(zone, "DA", reads.da),
  ]);
  const points: SeriesPoint[] = rt.flatMap((r) => r.value);
  return {
    estimate: estimateInterval(target, { rt: points, da: da.value }, settings),
    stale: da.stale || rt.some((r) => r.stale),
  };
}

/** The current view of `zone` at `now`; a zone without data gives null prices and `stale: true`. */
export async function currentView(
  store: Pick<PriceStore, "current" | "history">,
  zone: string,
  now: Date,
  options: CurrentViewOptions,
): Promise<CurrentView> {
  const hour = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  const [read, da] = await Promise.all([
    store.current(zone),
    // This hour's DA price, and whether tomorrow's is in (freshness).
    store.history(zone, "DA", { from: hour, to: new Date(hour.getTime() + DA_AHEAD_MS) }),
  ]);
  const current: CurrentPrices = read.value ?? { zone, ...EMPTY };
  // The store's DA price is that of the hour of its last write; the current hour's may be newer.
  const daPoint = da.value.find((p) => p.ms === hour.getTime());
  const rtMs = current.rt_timestamp === null ? NaN : Date.parse(current.rt_timestamp);
  const ageMs = now.getTime() - rtMs;
  // NaN (no RT price at all) is never at or after the target: estimate then too.
  const estimated = await readEstimate(store, zone, rtMs, now, options.estimates);
  const storeStale = read.stale || da.stale || estimated.stale;
  return {
    ...current,
    da_price: daPoint?.price ?? null,
    da_timestamp: daPoint?.timestamp ?? null,
    age_s: Number.isFinite(ageMs) ? Math.max(0, Math.round(ageMs / 1000)) : null,
    stale: !Number.isFinite(ageMs) || ageMs > options.staleAfterMs || storeStale,
    store_stale: storeStale,
    estimate: estimated.estimate,
    markets: judgeMarkets(options.markets ?? FRESH_MARKETS, {
      rt: current.rt_timestamp,
      fmm: current.fmm_timestamp,
      da: daPoint ? (da.value.at(-1)?.timestamp ?? null) : null,
    }, now),
  };
}
