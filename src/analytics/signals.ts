/**
 * Battery signals as pure functions over prices: `charge` when the price is negative or the interval falls
 * in one of the day's cheapest day-ahead hours, `discharge` when the price is high or the interval falls in
 * one of the day's dearest day-ahead hours, `hold` otherwise. The day is the Pacific operating day, so a
 * spring-forward day ranks 23 hours and a fall-back day 25. Each signal names its interval and its reason.
 *
 * @module
 */
import { operatingDate } from "../oasis/time.ts";

/** What a battery should do in an interval. */
export type SignalAction = "charge" | "discharge" | "hold";

/** Signal rules: price thresholds in $/MWh and how many day-ahead hours count as cheapest or dearest. */
export interface SignalSettings {
  /** Discharge when the price is above this. */
  readonly high: number;
  /** Charge when the price is below this. */
  readonly negative: number;
  /** Charge in the day's N cheapest day-ahead hours. */
  readonly cheapestHours: number;
  /** Discharge in the day's N dearest day-ahead hours (never one already among the cheapest). */
  readonly dearestHours: number;
}

/** The defaults: the alert thresholds (100 and 0 $/MWh) and 4 cheapest / 4 dearest hours. */
export const DEFAULT_SIGNAL_SETTINGS: SignalSettings = {
  high: 100,
  negative: 0,
  cheapestHours: 4,
  dearestHours: 4,
};

/** A price for an interval starting at `ms`. */
export interface PriceAt {
  readonly timestamp: string;
  readonly ms: number;
  readonly price: number;
}

/** A signal for one interval. */
export interface BatterySignal {
  readonly action: SignalAction;
  /** Interval start, UTC ISO-8601. */
  readonly interval_start: string;
  /** Interval end, UTC ISO-8601. */
  readonly interval_end: string;
  /** The price the signal is about, $/MWh. */
  readonly price: number;
  /** Why, in one sentence. */
  readonly reason: string;
}

/** Where a day-ahead hour ranks within its operating day. */
export interface HourRank {
  /** Operating date of the hour. */
  readonly date: string;
  /** 1 = cheapest. */
  readonly rank: number;
  /** Hours with a price that day (23, 24 or 25 when complete). */
  readonly of: number;
  readonly role: "cheapest" | "dearest" | null;
}

const HOUR_MS = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19) + "Z";

/** Ranks day-ahead hours within their Pacific operating day; keyed by hour start in epoch ms. */
export function rankDayAheadHours(daHours: readonly PriceAt[], s: SignalSettings): Map<number, HourRank> {
  const byDate = new Map<string, PriceAt[]>();
  for (const h of daHours) {
    const date = operatingDate(new Date(h.ms));
    const list = byDate.get(date) ?? [];
    list.push(h);
    byDate.set(date, list);
  }
  const out = new Map<number, HourRank>();
  for (const [date, hours] of byDate) {
    const sorted = [...hours].sort((a, b) => a.price - b.price || a.ms - b.ms);
    const cheap = Math.min(s.cheapestHours, sorted.length);
    const dear = Math.min(s.dearestHours, sorted.length - cheap);
    sorted.forEach((h, i) => {
      const role = i < cheap ? "cheapest" : i >= sorted.length - dear ? "dearest" : null;
      out.set(h.ms, { date, rank: i + 1, of: sorted.length, role });
    });
  }
  return out;
}

function decide(p: PriceAt, rank: HourRank | undefined, s: SignalSettings): [SignalAction, string] {
  const price = `${p.price.toFixed(2)} $/MWh`;
  if (p.price < s.negative) return ["charge", `price ${price} is below ${s.negative}`];
  if (p.price > s.high) return ["discharge", `price ${price} is above ${s.high}`];
  if (rank === undefined) {
    return ["hold", `price ${price} is within limits and the hour has no day-ahead price`];
  }
  const where = `rank ${rank.rank} of ${rank.of} day-ahead hours of ${rank.date}`;
  if (rank.role === "cheapest") {
    return ["charge", `hour is among the ${s.cheapestHours} cheapest day-ahead hours (${where})`];
  }
  if (rank.role === "dearest") {
    return ["discharge", `hour is among the ${s.dearestHours} dearest day-ahead hours (${where})`];
  }
  return ["hold", `price ${price} is within limits and the hour is mid-priced (${where})`];
}

/**
 * One signal per interval of `intervals` (any length: 5, 15 or 60 minutes), using the day-ahead hours in
 * `daHours` (which may span several days) to rank the hour each interval falls in.
 */
export function batterySignals(
  intervals: readonly PriceAt[],
  intervalMinutes: number,
  daHours: readonly PriceAt[],
  s: SignalSettings = DEFAULT_SIGNAL_SETTINGS,
): BatterySignal[] {
  const ranks = rankDayAheadHours(daHours, s);
  return intervals.map((p) => {
    // Pacific offsets are whole hours, so UTC hour boundaries are Pacific hour boundaries.
    const hour = Math.floor(p.ms / HOUR_MS) * HOUR_MS;
    const [action, reason] = decide(p, ranks.get(hour), s);
    return {
      action,
      interval_start: p.timestamp,
      interval_end: iso(p.ms + intervalMinutes * 60_000),
      price: p.price,
      reason,
    };
  });
}
