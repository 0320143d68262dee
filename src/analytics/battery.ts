/**
 * The battery model of the arbitrage analytics: what a user may give (`BatteryParams`), the checks that turn
 * it into a complete `Battery`, and the error that names the offending parameter. Power limits are on the
 * grid side; the state of charge counts stored energy.
 *
 * @module
 */

/** What a user gives; every field is optional except a power and an energy (or duration). */
export interface BatteryParams {
  /** Grid-side power in MW, charge and discharge alike. */
  readonly powerMw?: number;
  /** Grid-side charge limit in MW (overrides `powerMw` for charging). */
  readonly chargeMw?: number;
  /** Grid-side discharge limit in MW (overrides `powerMw` for discharging). */
  readonly dischargeMw?: number;
  /** Stored energy capacity in MWh. */
  readonly energyMwh?: number;
  /** Hours at full discharge power; the capacity is `durationH × dischargeMw` when no energy is given. */
  readonly durationH?: number;
  /** Lowest usable state of charge as a fraction of capacity (default 0). */
  readonly socMin?: number;
  /** Highest usable state of charge as a fraction of capacity (default 1). */
  readonly socMax?: number;
  /** Round-trip efficiency (default 0.85), split as its square root on charge and on discharge. */
  readonly rte?: number;
  /** Charge efficiency; with `dischargeEfficiency` it replaces the square-root split. */
  readonly chargeEfficiency?: number;
  /** Discharge efficiency; with `chargeEfficiency` it replaces the square-root split. */
  readonly dischargeEfficiency?: number;
  /** Fraction of the stored energy lost per hour (default 0). */
  readonly standingLoss?: number;
  /** Maximum equivalent full cycles per day (default 1). */
  readonly cycles?: number;
  /** Degradation cost in $ per MWh discharged to the grid (default 0). */
  readonly degradation?: number;
  /** Stored energy at the start in MWh (default: the bottom of the usable band, i.e. empty). */
  readonly initialSocMwh?: number;
  /** End-of-day rule: `initial` (at least the initial charge again, the default) or `free`. */
  readonly end?: EndRule;
}

/** What the state of charge must be at the end of the horizon. */
export type EndRule = "initial" | "free";

/** A complete, checked battery. */
export interface Battery {
  readonly chargeMw: number;
  readonly dischargeMw: number;
  /** Stored energy capacity, MWh. */
  readonly energyMwh: number;
  /** Usable band of stored energy, MWh. */
  readonly socMinMwh: number;
  readonly socMaxMwh: number;
  readonly chargeEfficiency: number;
  readonly dischargeEfficiency: number;
  /** `chargeEfficiency × dischargeEfficiency`. */
  readonly rte: number;
  /** Fraction of stored energy lost per hour. */
  readonly standingLoss: number;
  /** Equivalent full cycles per day: stored energy discharged over the usable band. */
  readonly cycles: number;
  /** $ per MWh discharged to the grid. */
  readonly degradation: number;
  readonly initialSocMwh: number;
  readonly end: EndRule;
}

/** A battery parameter that does not make sense; `param` is its API name (`energy_mwh`). */
export class BatteryParamError extends RangeError {
  /** The offending parameter, as the API and the CLI name it (snake_case). */
  readonly param: string;

  constructor(param: string, message: string) {
    super(message);
    this.name = "BatteryParamError";
    this.param = param;
  }
}

/** The round-trip efficiency assumed when none is given. */
export const DEFAULT_RTE = 0.85;

/** Inclusive bounds of one parameter, and what the error says it should be. */
export interface Bound {
  readonly min: number;
  readonly max: number;
  readonly expected: string;
}

const bound = (min: number, max: number, expected: string): Bound => ({ min, max, expected });
const POWER = bound(0.001, 1e6, "a power in MW above 0, from 0.001 (1 kW) to 1000000");
const EFFICIENCY = bound(0.5, 1, "an efficiency of at least 0.5 and at most 1");

/**
 * Physical bounds of each parameter, inclusive (`BatteryParamError` outside them; the API documents them).
 * Below 1 kW, 1 kWh, 50 % efficiency or a 1 % band, or past 100 cycles a day, a battery is not one a market
 * values (such values once made the old grid optimizer degenerate; HiGHS, scaled to the band, copes).
 */
export const BATTERY_BOUNDS: Readonly<Record<string, Bound>> = {
  power_mw: POWER,
  charge_mw: POWER,
  discharge_mw: POWER,
  energy_mwh: bound(0.001, 1e6, "an energy in MWh above 0, from 0.001 (1 kWh) to 1000000"),
  duration_h: bound(0.01, 1000, "a duration in hours above 0, from 0.01 to 1000"),
  soc_min: bound(0, 1, "a fraction from 0 to 1"),
  soc_max: bound(0, 1, "a fraction from 0 to 1"),
  rte: EFFICIENCY,
  charge_efficiency: EFFICIENCY,
  discharge_efficiency: EFFICIENCY,
  standing_loss: bound(0, 0.5, "a fraction per hour from 0 to 0.5 (below 1)"),
  cycles: bound(0.01, 100, "a number of cycles per day above 0, from 0.01 to 100"),
  degradation: bound(0, 1e6, "a cost in $/MWh of at least 0 (at most 1000000)"),
  initial_soc: bound(0, 1e6, "an energy in MWh of at least 0 (at most 1000000)"),
};

/** The narrowest usable band, as a fraction of the capacity (`soc_max − soc_min`). */
export const MIN_SOC_BAND = 0.01;

/** Checks one numeric parameter (API name) against its bounds; throws `BatteryParamError` naming it. */
export function checkBatteryParam(
  param: string,
  value: number | undefined,
  bound = BATTERY_BOUNDS[param],
): void {
  if (value === undefined || bound === undefined) return;
  if (typeof value !== "number" || !Number.isFinite(value) || !(value >= bound.min && value <= bound.max)) {
    throw new BatteryParamError(param, `${JSON.stringify(value ?? null)} is not ${bound.expected}`);
  }
}

function efficiencies(p: BatteryParams): [number, number] {
  const { chargeEfficiency: c, dischargeEfficiency: d } = p;
  if (c !== undefined && d !== undefined) {
    if (p.rte !== undefined && Math.abs(c * d - p.rte) > 1e-6) {
      throw new BatteryParamError(
        "rte",
        `${p.rte} conflicts with charge_efficiency × discharge_efficiency = ${c * d}; give one or the other`,
      );
    }
    return [c, d];
  }
  const rte = p.rte ?? DEFAULT_RTE;
  if (c === undefined && d === undefined) return [Math.sqrt(rte), Math.sqrt(rte)];
  const [given, other, name] = c !== undefined ? [c, "discharge", "charge"] : [d!, "charge", "discharge"];
  if (rte / given > 1) {
    throw new BatteryParamError(
      `${name}_efficiency`,
      `${given} is below rte ${rte}, so the ${other} efficiency would exceed 1`,
    );
  }
  return c !== undefined ? [c, rte / c] : [rte / d!, d!];
}

/** Checks `p` and fills in the defaults; throws `BatteryParamError` naming the first bad parameter. */
export function resolveBattery(p: BatteryParams): Battery {
  const given: Readonly<Record<string, number | undefined>> = {
    power_mw: p.powerMw,
    charge_mw: p.chargeMw,
    discharge_mw: p.dischargeMw,
    energy_mwh: p.energyMwh,
    duration_h: p.durationH,
    soc_min: p.socMin,
    soc_max: p.socMax,
    rte: p.rte,
    charge_efficiency: p.chargeEfficiency,
    discharge_efficiency: p.dischargeEfficiency,
    standing_loss: p.standingLoss,
    cycles: p.cycles,
    degradation: p.degradation,
    initial_soc: p.initialSocMwh,
  };
  for (const [param, value] of Object.entries(given)) checkBatteryParam(param, value);
  if (p.end !== undefined && p.end !== "initial" && p.end !== "free") {
    throw new BatteryParamError("end", `"${p.end}" is not an end rule: expected "initial" or "free"`);
  }
  const chargeMw = p.chargeMw ?? p.powerMw;
  const dischargeMw = p.dischargeMw ?? p.powerMw;
  if (chargeMw === undefined || dischargeMw === undefined) {
    throw new BatteryParamError("power_mw", "is required (or both charge_mw and discharge_mw)");
  }
  const energyMwh = energy(p, dischargeMw);
  const socMin = p.socMin ?? 0;
  const socMax = p.socMax ?? 1;
  if (socMin >= socMax) {
    throw new BatteryParamError("soc_min", `${socMin} must be below soc_max ${socMax}`);
  }
  if (socMax - socMin < MIN_SOC_BAND * (1 - 1e-9)) {
    throw new BatteryParamError(
      "soc_min",
      `${socMin} leaves a band under 1 % of the capacity below soc_max ${socMax}`,
    );
  }
  const [chargeEfficiency, dischargeEfficiency] = efficiencies(p);
  const socMinMwh = socMin * energyMwh;
  const socMaxMwh = socMax * energyMwh;
  const initialSocMwh = p.initialSocMwh ?? socMinMwh;
  if (initialSocMwh < socMinMwh - 1e-9 || initialSocMwh > socMaxMwh + 1e-9) {
    throw new BatteryParamError(
      "initial_soc",
      `${initialSocMwh} MWh is outside the usable band ${socMinMwh}–${socMaxMwh} MWh`,
    );
  }
  return {
    chargeMw,
    dischargeMw,
    energyMwh,
    socMinMwh,
    socMaxMwh,
    chargeEfficiency,
    dischargeEfficiency,
    rte: chargeEfficiency * dischargeEfficiency,
    standingLoss: p.standingLoss ?? 0,
    cycles: p.cycles ?? 1,
    degradation: p.degradation ?? 0,
    initialSocMwh: Math.min(socMaxMwh, Math.max(socMinMwh, initialSocMwh)),
    end: p.end ?? "initial",
  };
}

function energy(p: BatteryParams, dischargeMw: number): number {
  if (p.energyMwh !== undefined && p.durationH !== undefined) {
    const implied = p.durationH * dischargeMw;
    if (Math.abs(implied - p.energyMwh) > 1e-9 * p.energyMwh) {
      throw new BatteryParamError(
        "duration_h",
        `${p.durationH} h at ${dischargeMw} MW is ${implied} MWh, not energy_mwh ${p.energyMwh}; give one`,
      );
    }
  }
  const e = p.energyMwh ?? (p.durationH === undefined ? undefined : p.durationH * dischargeMw);
  if (e === undefined) throw new BatteryParamError("energy_mwh", "is required (or duration_h)");
  // An energy implied by duration_h × power must be within the energy's bounds too.
  checkBatteryParam(p.energyMwh === undefined ? "duration_h" : "energy_mwh", e, BATTERY_BOUNDS.energy_mwh);
  return e;
}

/** Usable energy in MWh: the band between the lowest and highest state of charge. */
export function usableMwh(b: Battery): number {
  return b.socMaxMwh - b.socMinMwh;
}
