/**
 * Simple strategies and their capture rate against perfect foresight. A strategy is a wished grid power
 * per interval; `simulateStrategy` follows it within the battery's limits (state-of-charge band, power,
 * cycle cap, and the end-of-day charge, by holding back discharge that could not be recharged later), so
 * every strategy is a feasible schedule and perfect foresight is never worse.
 *
 * - TB-N: charge at full power in the N cheapest day-ahead hours and discharge in the N dearest.
 * - Follow DA: run the day-ahead perfect-foresight schedule (MW per hour) in real time.
 *
 * @module
 */
import { type Battery, usableMwh } from "./battery.ts";
import { horizonDays } from "./arbitrage.ts";
import { intervalHours, intervalStart, type PriceSeries } from "./price_series.ts";
import { keepFactor, type ScheduleResult, valueTrajectory } from "./schedule.ts";

/** A simple strategy's result on one series. */
export interface StrategyResult {
  /** Strategy name (`tb4_da`, `follow_da`, …). */
  readonly strategy: string;
  readonly value_usd: number;
  /** `value_usd` over the perfect-foresight value on the same prices; null when that is not positive. */
  readonly capture_rate: number | null;
}

const HOUR_MS = 3_600_000;

/** Follows `wishMw` (positive discharge, negative charge, per interval) within `battery`'s limits. */
export function simulateStrategy(
  series: PriceSeries,
  battery: Battery,
  wishMw: readonly number[],
  startSoc = battery.initialSocMwh,
): ScheduleResult {
  const T = series.prices.length;
  const h = intervalHours(series);
  const keep = keepFactor(battery, series);
  const { socMinMwh: lo, socMaxMwh: hi, chargeEfficiency: ec, dischargeEfficiency: ed } = battery;
  const active = (t: number) => series.prices[t] !== null && series.prices[t] !== undefined;
  // Least charge needed at each boundary to reach the end rule with the charging still planned.
  const need = new Float64Array(T + 1);
  need[T] = battery.end === "initial" ? battery.initialSocMwh : lo;
  for (let t = T - 1; t >= 0; t--) {
    const add = active(t) ? Math.min(battery.chargeMw, Math.max(0, -(wishMw[t] ?? 0))) * h * ec : 0;
    need[t] = Math.max(lo, (need[t + 1]! - add) / keep);
  }
  let budget = battery.cycles * usableMwh(battery) * horizonDays(series);
  const soc = new Float64Array(T + 1);
  soc[0] = startSoc;
  for (let t = 0; t < T; t++) {
    const kept = keep * soc[t]!;
    const wish = active(t) ? wishMw[t] ?? 0 : 0;
    let next = kept;
    if (wish < 0) next = Math.min(hi, kept + Math.min(battery.chargeMw, -wish) * h * ec);
    else if (wish > 0) {
      const out = Math.min(
        (Math.min(battery.dischargeMw, wish) * h) / ed,
        budget,
        Math.max(0, kept - need[t + 1]!),
      );
      budget -= out;
      next = kept - out;
    }
    soc[t + 1] = next;
  }
  return valueTrajectory(series, battery, soc);
}

/** Wished MW of TB-N: full charge in the `n` cheapest `daHourly` hours, full discharge in the `n` dearest. */
export function tbWish(
  series: PriceSeries,
  battery: Battery,
  daHourly: ReadonlyMap<number, number>,
  n: number,
): number[] {
  const hours = [...daHourly.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const k = Math.min(n, Math.floor(hours.length / 2));
  const cheap = new Set(hours.slice(0, k).map(([ms]) => ms));
  const dear = new Set(hours.slice(hours.length - k).map(([ms]) => ms));
  return series.prices.map((_, t) => {
    const hour = Math.floor(intervalStart(series, t) / HOUR_MS) * HOUR_MS;
    return cheap.has(hour) ? -battery.chargeMw : dear.has(hour) ? battery.dischargeMw : 0;
  });
}

/** Wished MW that repeats an hourly schedule (`mwByHour`, keyed by hour start) in each interval of `series`. */
export function followWish(series: PriceSeries, mwByHour: ReadonlyMap<number, number>): number[] {
  return series.prices.map((_, t) =>
    mwByHour.get(Math.floor(intervalStart(series, t) / HOUR_MS) * HOUR_MS) ?? 0
  );
}

/** Day-ahead prices keyed by hour start (epoch ms). */
export function hourMap(series: PriceSeries): Map<number, number> {
  const out = new Map<number, number>();
  series.prices.forEach((p, t) => {
    if (p !== null) out.set(Math.floor(intervalStart(series, t) / HOUR_MS) * HOUR_MS, p);
  });
  return out;
}

/** The grid MW of each hour of a schedule on hourly (or finer: averaged) intervals, keyed by hour start. */
export function scheduleByHour(result: ScheduleResult): Map<number, number> {
  const sums = new Map<number, [number, number]>();
  for (const row of result.schedule) {
    const hour = Math.floor(Date.parse(row.interval_start) / HOUR_MS) * HOUR_MS;
    const [sum, n] = sums.get(hour) ?? [0, 0];
    sums.set(hour, [sum + row.mw, n + 1]);
  }
  return new Map([...sums].map(([hour, [sum, n]]) => [hour, sum / n]));
}

/** A strategy's value and its capture rate against `perfectValue`. */
export function capture(strategy: string, result: ScheduleResult, perfectValue: number): StrategyResult {
  return {
    strategy,
    value_usd: result.value_usd,
    capture_rate: perfectValue > 1e-9 ? result.value_usd / perfectValue : null,
  };
}

/** The default N of TB-N: the battery's duration in whole hours (at least 1). */
export function defaultStrategyHours(battery: Battery): number {
  return Math.max(1, Math.ceil(usableMwh(battery) / battery.dischargeMw - 1e-9));
}
