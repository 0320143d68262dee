/**
 * What `GET /api/current` and the WebSocket `current` message say about one zone: the store's current
 * prices with the day-ahead price of the hour that contains now, the age of the newest real-time price and
 * whether it is stale.
 *
 * @module
 */
import type { CurrentPrices, PriceStore } from "../store/store.ts";

const HOUR_MS = 3_600_000;

/** Current prices of one zone as the API and dashboard show them. */
export interface CurrentView extends CurrentPrices {
  /** Seconds since the newest real-time interval started, or null without a real-time price. */
  readonly age_s: number | null;
  /** True without a real-time price, when it is older than `STALE_AFTER_S`, or when the store is unreachable. */
  readonly stale: boolean;
  /** True when the store could not be read and these are its last known values. */
  readonly store_stale: boolean;
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

/** The current view of `zone` at `now`; a zone without data gives null prices and `stale: true`. */
export async function currentView(
  store: Pick<PriceStore, "current" | "history">,
  zone: string,
  now: Date,
  staleAfterMs: number,
): Promise<CurrentView> {
  const hour = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  const [read, da] = await Promise.all([
    store.current(zone),
    store.history(zone, "DA", { from: hour, to: hour }),
  ]);
  const current: CurrentPrices = read.value ?? { zone, ...EMPTY };
  // The store's DA price is that of the hour of its last write; the current hour's may be newer.
  const daPoint = da.value.at(-1);
  const rtMs = current.rt_timestamp === null ? NaN : Date.parse(current.rt_timestamp);
  const ageMs = now.getTime() - rtMs;
  const storeStale = read.stale || da.stale;
  return {
    ...current,
    da_price: daPoint?.price ?? null,
    da_timestamp: daPoint?.timestamp ?? null,
    age_s: Number.isFinite(ageMs) ? Math.max(0, Math.round(ageMs / 1000)) : null,
    stale: !Number.isFinite(ageMs) || ageMs > staleAfterMs || storeStale,
    store_stale: storeStale,
  };
}
