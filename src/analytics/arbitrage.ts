/**
 * Perfect-foresight arbitrage: the revenue-maximizing schedule of a battery over a price series, solved by
 * the dynamic program of `dp.ts` on a grid chosen by `soc_grid.ts`.
 *
 * The cycle cap (stored energy discharged ≤ cycles × usable band per day) is handled exactly by Lagrangian
 * relaxation: the program is solved with a price μ per MWh discharged, μ is moved along the upper envelope
 * of the dual until two schedules x⁻ (over the cap) and x⁺ (under it) are both optimal at μ*, and the mix
 * θx⁻ + (1−θ)x⁺ that uses the cap exactly is returned. Its value is the dual bound whenever the per-interval
 * revenue is concave in the move (every price ≥ 0, or slightly negative), so it is at least as good as any
 * schedule on the grid; otherwise (strongly negative prices where the two schedules move in opposite
 * directions) the two-dimensional program of `dp_capped.ts` is run as well and the better schedule kept. The
 * result always carries the dual bound, so the distance to the grid optimum is known.
 *
 * @module
 */
import { type Battery, usableMwh } from "./battery.ts";
import { type DpProblem, solveDp } from "./dp.ts";
import { solveCappedDp } from "./dp_capped.ts";
import { type Candidate, enforceCycleCap } from "./cycle_cap.ts";
import { intervalHours, type PriceSeries } from "./price_series.ts";
import {
  keepFactor,
  type ScheduleResult,
  storedDischarge,
  trajectoryValue,
  valueTrajectory,
} from "./schedule.ts";
import { chooseGrid, DEFAULT_GRID_BUDGET, type GridBudget } from "./soc_grid.ts";

/** How the optimizer reached its answer and how close it is. */
export interface Optimality {
  /** `dp`: cap not binding; `lagrangian`: cap binding, certified; `dp-2d`: the two-dimensional fallback. */
  readonly method: "dp" | "lagrangian" | "dp-2d";
  /** Points on the state-of-charge grid. */
  readonly grid_points: number;
  /** Grid step, MWh of stored energy. */
  readonly step_mwh: number;
  /** Upper bound on the value of any schedule on the grid, $ (equals the value when proven optimal). */
  readonly bound_usd: number;
  /** Shadow price of the cycle cap, $ per MWh of stored energy discharged (0 when it does not bind). */
  readonly cycle_price: number;
}

/** A perfect-foresight result. */
export interface ArbitrageResult extends ScheduleResult {
  /** `value_usd` per MW of discharge power per day. */
  readonly value_usd_per_mw_day: number;
  /** Most equivalent full cycles allowed over the horizon. */
  readonly cycle_limit: number;
  readonly optimality: Optimality;
}

/** Options of `optimizeArbitrage`. */
export interface ArbitrageOptions {
  /** Days the cycle cap covers; default 1 for up to 25 hours of prices, else hours / 24. */
  readonly days?: number;
  /** Stored energy at the start, MWh; default the battery's initial charge. */
  readonly startSocMwh?: number;
  /** Grid fineness; default `DEFAULT_GRID_BUDGET`. */
  readonly grid?: GridBudget;
}

/** No schedule meets the limits (for example a standing loss and an end-of-day rule on missing prices). */
export class InfeasibleScheduleError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "InfeasibleScheduleError";
  }
}

/** How many more grid cells a problem with a standing loss gets (its accuracy needs them, see ARBITRAGE.md). */
const LOSSY_CELLS = 3;

/** Days the cycle cap of `series` covers by default. */
export function horizonDays(series: PriceSeries): number {
  const hours = series.prices.length * intervalHours(series);
  return hours <= 25 ? 1 : hours / 24;
}

/**
 * The DP problem of `series` and `battery` from `startSoc`. With a standing loss the grid (of loss-free
 * energy) reaches up to the band's top divided by the loss over the horizon, and its step is aligned with
 * the full-power moves of the middle of the horizon.
 */
export function dpProblem(
  series: PriceSeries,
  battery: Battery,
  startSoc: number,
  budget: GridBudget = DEFAULT_GRID_BUDGET,
): DpProblem {
  const h = intervalHours(series);
  const T = series.prices.length;
  const keep = keepFactor(battery, series);
  const chargeMove = battery.chargeMw * h * battery.chargeEfficiency;
  const dischargeMove = (battery.dischargeMw * h) / battery.dischargeEfficiency;
  const { socMinMwh: lo, socMaxMwh: hi } = battery;
  const top = hi / keep ** T;
  if (!Number.isFinite(top)) {
    // keep^T underflows: the grid of loss-free energy would be unbounded.
    throw new InfeasibleScheduleError("The standing loss empties the battery many times over the horizon");
  }
  const stretch = Math.min(4, (top - lo) / (hi - lo));
  // With a loss the full-power move drifts against the grid over the day: give it LOSSY_CELLS× the cells.
  const cells = (budget.cells * (keep < 1 ? LOSSY_CELLS : 1)) / stretch;
  const mid = keep ** (T / 2);
  const base = chooseGrid(lo, hi, chargeMove / mid, dischargeMove / mid, T, {
    ...budget,
    cells,
  });
  const step = Math.max(base.step, (top - lo) / (4 * base.steps));
  return {
    prices: Float64Array.from(series.prices, (p) => (p === null ? NaN : p)),
    keep,
    grid: { lo, step, steps: Math.max(1, Math.ceil((top - lo) / step - 1e-9)) },
    socMin: lo,
    socMax: hi,
    chargeMove,
    dischargeMove,
    chargeEfficiency: battery.chargeEfficiency,
    dischargeEfficiency: battery.dischargeEfficiency,
    startSoc,
    endMin: battery.end === "initial" ? battery.initialSocMwh : -Infinity,
  };
}

/** The perfect-foresight schedule of `battery` on `series`, with its value and how it was proven. */
export function optimizeArbitrage(
  series: PriceSeries,
  battery: Battery,
  options: ArbitrageOptions = {},
): ArbitrageResult {
  const days = options.days ?? horizonDays(series);
  const budget = options.grid ?? DEFAULT_GRID_BUDGET;
  const start = options.startSocMwh ?? battery.initialSocMwh;
  const problem = dpProblem(series, battery, start, budget);
  const cap = battery.cycles * usableMwh(battery) * days;
  const solve = solver(problem, series, battery);
  const finish = (c: Candidate, method: Optimality["method"], bound: number): ArbitrageResult => {
    const result = valueTrajectory(series, battery, c.soc);
    return {
      ...result,
      value_usd_per_mw_day: result.value_usd / battery.dischargeMw / days,
      cycle_limit: battery.cycles * days,
      optimality: {
        method,
        grid_points: problem.grid.steps + 1,
        step_mwh: problem.grid.step,
        bound_usd: Math.max(bound, result.value_usd),
        cycle_price: c.mu,
      },
    };
  };
  const free = solve(0);
  if (free.out <= cap * (1 + 1e-9) + 1e-9) return finish(free, "dp", free.value);
  const muMax = muAbove(problem.prices, battery);
  const hint = coarseHint(series, battery, start, budget, cap, muMax);
  const { best, bound } = enforceCycleCap({
    solve,
    value: (soc) => trajectoryValue(series, battery, soc),
    cap,
    muMax,
    free,
    hint,
  });
  if (bound === -Infinity) {
    throw new InfeasibleScheduleError(`No schedule keeps within ${battery.cycles} cycles per day`);
  }
  if (bound - best.value <= 1e-7 * Math.max(1, Math.abs(bound))) return finish(best, "lagrangian", bound);
  const direct = solveDirect(problem, series, battery, cap);
  return direct !== null && direct.value > best.value
    ? finish({ ...direct, mu: best.mu }, "dp-2d", bound)
    : finish(best, "lagrangian", bound);
}

/** `solve(μ)` of the cap relaxation on `problem`. */
function solver(problem: DpProblem, series: PriceSeries, battery: Battery): (mu: number) => Candidate {
  const basePenalty = battery.degradation * battery.dischargeEfficiency;
  return (mu) => {
    const soc = solveDp(problem, basePenalty + mu);
    if (soc === null) {
      throw new InfeasibleScheduleError(
        "No schedule meets the limits: the end-of-day charge cannot be reached (standing loss or missing prices)",
      );
    }
    return {
      mu,
      soc,
      value: trajectoryValue(series, battery, soc),
      out: storedDischarge(series, battery, soc),
    };
  };
}

/** μ* on a grid 16 times coarser, to start the fine search near it (undefined for small problems). */
function coarseHint(
  series: PriceSeries,
  battery: Battery,
  start: number,
  budget: GridBudget,
  cap: number,
  muMax: number,
): number | undefined {
  if (budget.cells < 400_000) return undefined;
  const coarse = dpProblem(series, battery, start, { ...budget, cells: budget.cells / 16, minSteps: 100 });
  const solve = solver(coarse, series, battery);
  const free = solve(0);
  if (free.out <= cap) return undefined;
  const value = (soc: Float64Array) => trajectoryValue(series, battery, soc);
  return enforceCycleCap({ solve, value, cap, muMax, free }).best.mu;
}

/** A price per MWh discharged above which discharging never pays, even to make room for negative prices. */
function muAbove(prices: Float64Array, battery: Battery): number {
  let high = 0, low = 0;
  for (const p of prices) {
    if (p > high) high = p;
    if (p < low) low = p;
  }
  return high * battery.dischargeEfficiency - low / battery.chargeEfficiency + 1;
}

/** The two-dimensional program on a grid of about 20 million cells (points × budget steps × intervals). */
function solveDirect(
  problem: DpProblem,
  series: PriceSeries,
  battery: Battery,
  cap: number,
): Candidate | null {
  const usable = usableMwh(battery);
  const T = Math.max(1, series.prices.length);
  const points = Math.max(20, Math.min(2000, Math.floor(Math.sqrt(2e7 / T / Math.max(1, cap / usable)))));
  const budget = { cells: points * T, minSteps: 20, maxSteps: points };
  const grid = chooseGrid(
    battery.socMinMwh,
    battery.socMaxMwh,
    problem.chargeMove,
    problem.dischargeMove,
    T,
    budget,
  );
  const penalty = battery.degradation * battery.dischargeEfficiency;
  const soc = solveCappedDp({ ...problem, grid }, penalty, Math.floor(cap / grid.step + 1e-9));
  if (soc === null) return null;
  return {
    mu: 0,
    soc,
    value: trajectoryValue(series, battery, soc),
    out: storedDischarge(series, battery, soc),
  };
}
