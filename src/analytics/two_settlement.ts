/**
 * Two-settlement value: the day-ahead perfect-foresight schedule settled at day-ahead prices, plus the best
 * real-time deviations from it settled at real-time prices, within the battery's physical limits. Because
 * the day-ahead position is financial once cleared, the best physical schedule is the real-time optimum;
 * the total is `Σ da_mw·h·p_DA + Σ (rt_mw − da_mw)·h·p_RT − degradation of the physical discharge`.
 * Real-time intervals without a price are settled (and optimized) at the day-ahead price of their hour.
 *
 * @module
 */
import type { Battery } from "./battery.ts";
import { type ArbitrageOptions, type ArbitrageResult, optimizeArbitrage } from "./arbitrage.ts";
import { intervalHours, intervalStart, type PriceSeries } from "./price_series.ts";
import { hourMap, scheduleByHour } from "./strategies.ts";

/** One real-time interval of the two-settlement schedule. */
export interface TwoSettlementRow {
  readonly interval_start: string;
  /** Day-ahead position, MW (positive = sell). */
  readonly da_mw: number;
  /** Physical schedule, MW. */
  readonly rt_mw: number;
  /** `rt_mw − da_mw`, settled at the real-time price. */
  readonly deviation_mw: number;
  readonly da_price: number | null;
  readonly rt_price: number | null;
}

/** The two-settlement result of one day. */
export interface TwoSettlementResult {
  /** Total: day-ahead value + deviation value − degradation, $. */
  readonly value_usd: number;
  /** The day-ahead schedule at day-ahead prices, $. */
  readonly da_value_usd: number;
  /** The deviations at real-time prices, $. */
  readonly deviation_value_usd: number;
  /** Degradation cost of the physical discharge, $. */
  readonly degradation_usd: number;
  /** The physical (real-time) schedule. */
  readonly physical: ArbitrageResult;
  readonly rows: TwoSettlementRow[];
}

const HOUR_MS = 3_600_000;

/** Two-settlement value of `battery` given day-ahead `da` (hourly) and real-time `rt` prices of one day. */
export async function twoSettlement(
  da: PriceSeries,
  rt: PriceSeries,
  battery: Battery,
  daPlan?: ArbitrageResult,
  options: ArbitrageOptions = {},
): Promise<TwoSettlementResult> {
  const plan = daPlan ?? await optimizeArbitrage(da, battery);
  const daMw = scheduleByHour(plan);
  const daPrice = hourMap(da);
  const hourOf = (t: number) => Math.floor(intervalStart(rt, t) / HOUR_MS) * HOUR_MS;
  const filled: PriceSeries = {
    ...rt,
    prices: rt.prices.map((p, t) => p ?? daPrice.get(hourOf(t)) ?? null),
  };
  const physical = await optimizeArbitrage(filled, battery, options);
  const h = intervalHours(rt);
  let deviationValue = 0;
  const rows = physical.schedule.map((row, t): TwoSettlementRow => {
    const position = daMw.get(hourOf(t)) ?? 0;
    const price = filled.prices[t] ?? null;
    if (price !== null) deviationValue += (row.mw - position) * h * price;
    return {
      interval_start: row.interval_start,
      da_mw: position,
      rt_mw: row.mw,
      deviation_mw: row.mw - position,
      da_price: daPrice.get(hourOf(t)) ?? null,
      rt_price: rt.prices[t] ?? null,
    };
  });
  const daValue = plan.value_usd + battery.degradation * plan.discharged_mwh;
  const degradation = battery.degradation * physical.discharged_mwh;
  return {
    value_usd: daValue + deviationValue - degradation,
    da_value_usd: daValue,
    deviation_value_usd: deviationValue,
    degradation_usd: degradation,
    physical,
    rows,
  };
}
