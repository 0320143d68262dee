/**
 * Turns a state-of-charge trajectory into what a user reads: per interval the action, the grid-side MW and
 * the revenue, and over the horizon the value, the energy charged and discharged, the cycles and the hours
 * charged at negative prices. Every schedule the analytics report (optimal or simple) is valued here, so
 * they are all valued the same way.
 *
 * @module
 */
import { type Battery, usableMwh } from "./battery.ts";
import { intervalHours, intervalStart, type PriceSeries } from "./price_series.ts";

/** What the battery does in an interval. */
export type Action = "charge" | "discharge" | "idle";

/** One interval of a schedule. */
export interface ScheduleRow {
  /** Interval start, UTC ISO-8601. */
  readonly interval_start: string;
  readonly action: Action;
  /** Grid-side power: positive when discharging, negative when charging. */
  readonly mw: number;
  /** Stored energy at the end of the interval, MWh. */
  readonly soc_mwh: number;
  /** $/MWh, or null where no price is known. */
  readonly price: number | null;
}

/** A valued schedule. */
export interface ScheduleResult {
  /** Revenue minus degradation cost, $. */
  readonly value_usd: number;
  /** Energy bought from the grid, MWh. */
  readonly charged_mwh: number;
  /** Energy sold to the grid, MWh. */
  readonly discharged_mwh: number;
  /** Equivalent full cycles: stored energy discharged over the usable band. */
  readonly cycles: number;
  /** Hours spent charging at a negative price. */
  readonly negative_price_charge_hours: number;
  readonly schedule: ScheduleRow[];
}

/** Below this grid-side MW an interval counts as idle (solver rounding). */
const IDLE_MW = 1e-7;

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r;
};

/** Fraction of stored energy left after one interval of `series` with `battery`'s standing loss. */
export function keepFactor(battery: Battery, series: PriceSeries): number {
  return (1 - battery.standingLoss) ** intervalHours(series);
}

/** Values the trajectory `soc` (stored MWh at each of the intervals' boundaries) on `series`. */
export function valueTrajectory(
  series: PriceSeries,
  battery: Battery,
  soc: ArrayLike<number>,
): ScheduleResult {
  const h = intervalHours(series);
  const keep = keepFactor(battery, series);
  const rows: ScheduleRow[] = [];
  let value = 0, charged = 0, discharged = 0, storedOut = 0, negativeHours = 0;
  for (let t = 0; t < series.prices.length; t++) {
    const price = series.prices[t] ?? null;
    const move = soc[t + 1]! - keep * soc[t]!;
    let mw = 0;
    if (price !== null && move > 0) {
      mw = -move / battery.chargeEfficiency / h;
      value -= price * move / battery.chargeEfficiency;
      charged += move / battery.chargeEfficiency;
      if (price < 0 && -mw > IDLE_MW) negativeHours += h;
    } else if (price !== null && move < 0) {
      mw = -move * battery.dischargeEfficiency / h;
      value += (price - battery.degradation) * mw * h;
      discharged += mw * h;
      storedOut -= move;
    }
    const action: Action = Math.abs(mw) <= IDLE_MW ? "idle" : mw > 0 ? "discharge" : "charge";
    rows.push({
      interval_start: new Date(intervalStart(series, t)).toISOString().slice(0, 19) + "Z",
      action,
      mw: round(mw, 6),
      soc_mwh: round(soc[t + 1]!, 6),
      price,
    });
  }
  return {
    value_usd: value,
    charged_mwh: charged,
    discharged_mwh: discharged,
    cycles: storedOut / usableMwh(battery),
    negative_price_charge_hours: negativeHours,
    schedule: rows,
  };
}

/** Stored energy discharged by `soc` on the intervals of `series` that have a price, MWh. */
export function storedDischarge(series: PriceSeries, battery: Battery, soc: ArrayLike<number>): number {
  const keep = keepFactor(battery, series);
  let out = 0;
  for (let t = 0; t < series.prices.length; t++) {
    const move = soc[t + 1]! - keep * soc[t]!;
    if (series.prices[t] !== null && move < 0) out -= move;
  }
  return out;
}

/** Revenue minus degradation of `soc` on `series`, $ (the value without building rows). */
export function trajectoryValue(series: PriceSeries, battery: Battery, soc: ArrayLike<number>): number {
  const keep = keepFactor(battery, series);
  let value = 0;
  for (let t = 0; t < series.prices.length; t++) {
    const price = series.prices[t];
    if (price === null || price === undefined) continue;
    const move = soc[t + 1]! - keep * soc[t]!;
    value += move > 0
      ? -price * move / battery.chargeEfficiency
      : (price - battery.degradation) * -move * battery.dischargeEfficiency;
  }
  return value;
}
