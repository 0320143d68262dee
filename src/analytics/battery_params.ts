/**
 * Battery parameters as text, the way the API's query string and the CLI's flags give them: one snake_case
 * name per `BatteryParams` field (`power_mw`, `energy_mwh`, …; the CLI spells them `--power-mw`), parsed
 * and checked with errors that name the parameter.
 *
 * @module
 */
import { type Battery, BatteryParamError, type BatteryParams, resolveBattery } from "./battery.ts";

/** Text name of each battery parameter → its `BatteryParams` field. */
export const BATTERY_PARAM_NAMES: Readonly<Record<string, keyof BatteryParams>> = {
  power_mw: "powerMw",
  charge_mw: "chargeMw",
  discharge_mw: "dischargeMw",
  energy_mwh: "energyMwh",
  duration_h: "durationH",
  soc_min: "socMin",
  soc_max: "socMax",
  rte: "rte",
  charge_efficiency: "chargeEfficiency",
  discharge_efficiency: "dischargeEfficiency",
  standing_loss: "standingLoss",
  cycles: "cycles",
  degradation: "degradation",
  initial_soc: "initialSocMwh",
  end: "end",
};

/** Parses a number written by a user; throws `BatteryParamError` naming `param` otherwise. */
export function parseNumber(param: string, text: string): number {
  const trimmed = text.trim();
  const n = Number(trimmed);
  if (trimmed === "" || !Number.isFinite(n)) throw new BatteryParamError(param, `"${text}" is not a number`);
  return n;
}

/** Battery parameters from text values keyed by snake_case name (absent or undefined = default). */
export function batteryParamsFromText(values: Readonly<Record<string, string | undefined>>): BatteryParams {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(BATTERY_PARAM_NAMES)) {
    const text = values[name];
    if (text === undefined) continue;
    out[field] = field === "end" ? text.trim() : parseNumber(name, text);
  }
  return out as BatteryParams;
}

/** A checked battery from text values; throws `BatteryParamError` naming the first bad parameter. */
export function batteryFromText(values: Readonly<Record<string, string | undefined>>): Battery {
  return resolveBattery(batteryParamsFromText(values));
}
