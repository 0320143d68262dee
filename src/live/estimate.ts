/**
 * Labelled estimates for a missing real-time price, as pure functions. `estimateTarget` names the 5-minute
 * RT interval that should have a real price by now; `estimateReads` the stored prices an estimate of it
 * needs; `estimateInterval` the estimate itself, by one of three methods:
 *
 * - `da`: the day-ahead price of the hour that contains the interval;
 * - `interpolate`: linear, in elapsed time, between the last real RT price before the interval and the
 *   first one after it, when no more than `maxGapMs` of intervals are missing between them;
 * - `previous_day`: the real RT price of the same Pacific wall-clock interval on the previous operating day
 *   (none for 02:xx after the spring-forward night; the first of the two 01:xx after the fall-back night).
 *
 * The configured method is tried first, then the others in `ESTIMATE_FALLBACK_ORDER`; the estimate names
 * the method that produced it. Estimates are computed when read: nothing here writes, publishes or alerts.
 *
 * @module
 */
import { pacificClock, pacificInstants, previousDate, toIso } from "../oasis/time.ts";
import type { SeriesPoint, TimeRange } from "../store/store.ts";

/** How a missing real-time price is estimated. */
export type EstimateMethod = "da" | "interpolate" | "previous_day";

/** Every method, the default first. */
export const ESTIMATE_METHODS: readonly EstimateMethod[] = ["da", "interpolate", "previous_day"];

/** The order methods are tried in after the configured one (most to least faithful when available). */
export const ESTIMATE_FALLBACK_ORDER: readonly EstimateMethod[] = ["interpolate", "da", "previous_day"];

/** Length of a real-time interval. */
export const RT_INTERVAL_MS = 5 * 60_000;

const HOUR_MS = 3_600_000;

/** How estimates are made, as `ESTIMATE_*` configure them. */
export interface EstimateSettings {
  /** Method tried first. */
  readonly method: EstimateMethod;
  /** Longest run of missing intervals `interpolate` bridges, in ms. */
  readonly maxGapMs: number;
  /** Time after an interval ends before its missing price is estimated (publication and poll lag), in ms. */
  readonly afterMs: number;
}

/** A real price an estimate was computed from. */
export interface EstimateBasis {
  /** Market of the price. */
  readonly market: "RT" | "DA";
  /** Interval start, UTC ISO-8601. */
  readonly timestamp: string;
  /** Price in $/MWh. */
  readonly price: number;
}

/** An estimated RT price: never a real one, always labelled with how it was made. */
export interface Estimate {
  /** Estimated price in $/MWh. */
  readonly value: number;
  /** The method that produced it (after any fallback). */
  readonly method: EstimateMethod;
  /** Start of the estimated 5-minute interval, UTC ISO-8601. */
  readonly interval_start: string;
  /** True when the configured method could not produce a value and a later one in the order did. */
  readonly fallback: boolean;
  /** The real prices it was computed from. */
  readonly basis: readonly EstimateBasis[];
}

/** The stored prices an estimate reads: RT points around the interval and a day before it, DA hours. */
export interface EstimateInputs {
  /** Real RT points (any order; points outside what a method needs are ignored). */
  readonly rt: readonly SeriesPoint[];
  /** DA hourly points. */
  readonly da: readonly SeriesPoint[];
}

/** The ranges of stored prices `estimateInterval(start, …)` may use. */
export interface EstimateReads {
  /** RT ranges: around the interval (for `interpolate`) and its previous-day twins. */
  readonly rt: readonly TimeRange[];
  /** The DA hour that contains the interval. */
  readonly da: TimeRange;
}

/**
 * The start of the newest 5-minute interval that should have a real price at `now`: OASIS publishes an
 * interval once it has ended, and `afterMs` allows for that and for the poll that fetches it.
 */
export function estimateTarget(now: Date, afterMs: number): Date {
  const ended = now.getTime() - afterMs - RT_INTERVAL_MS;
  return new Date(Math.floor(ended / RT_INTERVAL_MS) * RT_INTERVAL_MS);
}

/** Starts of the same Pacific wall-clock interval on the previous operating day, earliest first. */
export function previousDayStarts(start: Date): Date[] {
  const { date, hour, minute } = pacificClock(start);
  return pacificInstants(previousDate(date), hour, minute);
}

/** The prices to read for an estimate of the interval starting at `start`. */
export function estimateReads(start: Date, maxGapMs: number): EstimateReads {
  const reach = maxGapMs + RT_INTERVAL_MS;
  const hour = Math.floor(start.getTime() / HOUR_MS) * HOUR_MS;
  return {
    rt: [
      { from: new Date(start.getTime() - reach), to: new Date(start.getTime() + reach) },
      ...previousDayStarts(start).map((d) => ({ from: d, to: d })),
    ],
    da: { from: new Date(hour), to: new Date(hour) },
  };
}

const round = (value: number) => Math.round(value * 1e6) / 1e6;
const basis = (market: "RT" | "DA", p: SeriesPoint): EstimateBasis => ({
  market,
  timestamp: p.timestamp,
  price: p.price,
});

type Made = { readonly value: number; readonly basis: readonly EstimateBasis[] } | null;

function dayAhead(start: number, inputs: EstimateInputs): Made {
  // Pacific offsets are whole hours, so the UTC hour that contains the interval is its Pacific hour too
  // (each of the two 01:00 hours of the fall-back night has its own DA price).
  const hour = Math.floor(start / HOUR_MS) * HOUR_MS;
  const p = inputs.da.find((d) => d.ms === hour);
  return p === undefined ? null : { value: p.price, basis: [basis("DA", p)] };
}

function interpolate(start: number, inputs: EstimateInputs, maxGapMs: number): Made {
  let before: SeriesPoint | undefined;
  let after: SeriesPoint | undefined;
  for (const p of inputs.rt) {
    if (p.ms < start && (before === undefined || p.ms > before.ms)) before = p;
    if (p.ms > start && (after === undefined || p.ms < after.ms)) after = p;
  }
  if (before === undefined || after === undefined) return null;
  // Missing time between the two real intervals: elapsed time, so a DST night's repeated or skipped wall
  // clock hour changes nothing.
  if (after.ms - before.ms - RT_INTERVAL_MS > maxGapMs) return null;
  const share = (start - before.ms) / (after.ms - before.ms);
  return {
    value: round(before.price + (after.price - before.price) * share),
    basis: [basis("RT", before), basis("RT", after)],
  };
}

function previousDay(start: number, inputs: EstimateInputs): Made {
  for (const twin of previousDayStarts(new Date(start))) {
    const p = inputs.rt.find((r) => r.ms === twin.getTime());
    if (p !== undefined) return { value: p.price, basis: [basis("RT", p)] };
  }
  return null;
}

/**
 * An estimate of the RT price of the interval starting at `start`, or null when a real price of it is in
 * `inputs.rt` or no method can produce one. The configured method is tried first, then the rest of
 * `ESTIMATE_FALLBACK_ORDER`.
 */
export function estimateInterval(
  start: Date,
  inputs: EstimateInputs,
  settings: Pick<EstimateSettings, "method" | "maxGapMs">,
): Estimate | null {
  const ms = start.getTime();
  if (inputs.rt.some((p) => p.ms === ms)) return null;
  const order = [settings.method, ...ESTIMATE_FALLBACK_ORDER.filter((m) => m !== settings.method)];
  for (const method of order) {
    const made = method === "da"
      ? dayAhead(ms, inputs)
      : method === "interpolate"
      ? interpolate(ms, inputs, settings.maxGapMs)
      : previousDay(ms, inputs);
    if (made !== null) {
      return {
        value: made.value,
        method,
        interval_start: toIso(start),
        fallback: method !== settings.method,
        basis: made.basis,
      };
    }
  }
  return null;
}
