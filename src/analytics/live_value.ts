/**
 * Live remaining value: what is still available today from now to the end of the operating day, starting
 * from a given state of charge, with day-ahead prices for the intervals to come (the best forecast the
 * service holds). Beside it, the day's value as it stands: real-time prices for the intervals already past
 * and day-ahead prices for the rest, optimized over the whole day.
 *
 * @module
 */
import type { Battery } from "./battery.ts";
import { type ArbitrageOptions, InfeasibleScheduleError, optimizeArbitrage } from "./arbitrage.ts";
import { intervalStart, type PriceSeries } from "./price_series.ts";
import type { ScheduleRow } from "./schedule.ts";
import { hourMap } from "./strategies.ts";

/** The live figures of today. */
export interface LiveValue {
  /** The first interval still to come, UTC ISO-8601. */
  readonly from: string;
  /** Stored energy now, MWh. */
  readonly soc_mwh: number;
  /** Best value from `from` to the end of the day at day-ahead prices, $; null when none is feasible. */
  readonly remaining_value_usd: number | null;
  /** 5-minute intervals left. */
  readonly remaining_intervals: number;
  /** The whole day at real-time prices so far and day-ahead prices after, $; null when none is feasible. */
  readonly day_value_usd: number | null;
  /** The best schedule for the rest of the day. */
  readonly schedule: ScheduleRow[];
  /** Why a value is null. */
  readonly note?: string;
}

/** Inputs of `liveValue`: today's day-ahead (hourly) and real-time (5-minute) series over the whole day. */
export interface LiveInput {
  readonly da: PriceSeries;
  readonly rt: PriceSeries;
  readonly nowMs: number;
  readonly socMwh: number;
  readonly battery: Battery;
  readonly options?: ArbitrageOptions;
}

const FIVE_MIN = 300_000;
const HOUR_MS = 3_600_000;

/** The live remaining value and the day's value as it stands. */
export async function liveValue(input: LiveInput): Promise<LiveValue> {
  const { rt, battery } = input;
  const da = hourMap(input.da);
  const dayStart = rt.startMs;
  const dayEnd = intervalStart(rt, rt.prices.length);
  const next = Math.min(dayEnd, Math.max(dayStart, Math.ceil(input.nowMs / FIVE_MIN) * FIVE_MIN));
  const first = Math.round((next - dayStart) / FIVE_MIN);
  const forecast = (t: number) => da.get(Math.floor(intervalStart(rt, t) / HOUR_MS) * HOUR_MS) ?? null;
  const future: PriceSeries = {
    startMs: next,
    intervalMinutes: 5,
    prices: rt.prices.slice(first).map((_, k) => forecast(first + k)),
  };
  const blended: PriceSeries = { ...rt, prices: rt.prices.map((p, t) => (t < first ? p : forecast(t))) };
  const base = { from: new Date(next).toISOString().slice(0, 19) + "Z", soc_mwh: input.socMwh };
  const notes: string[] = [];
  const attempt = async <T>(fn: () => Promise<T>): Promise<T | null> => {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof InfeasibleScheduleError)) throw e;
      notes.push(e.message);
      return null;
    }
  };
  const remaining = await attempt(() =>
    optimizeArbitrage(future, battery, { ...input.options, days: 1, startSocMwh: input.socMwh })
  );
  const day = await attempt(() => optimizeArbitrage(blended, battery, { ...input.options, days: 1 }));
  return {
    ...base,
    remaining_value_usd: remaining?.value_usd ?? null,
    remaining_intervals: future.prices.length,
    day_value_usd: day?.value_usd ?? null,
    schedule: remaining?.schedule ?? [],
    ...(notes.length ? { note: notes.join("; ") } : {}),
  };
}
