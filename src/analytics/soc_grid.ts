/**
 * The state-of-charge grid of the dynamic program. The usable band is always exactly on the grid; among the
 * step counts the time budget allows, the one is chosen whose step best divides the energy stored by one
 * interval at full charge power and the energy drawn by one interval at full discharge power, so full-power
 * moves lose (almost) nothing to rounding.
 *
 * @module
 */

/** A uniform grid of stored energy: points `lo + i × step` for `i = 0 … steps`. */
export interface SocGrid {
  readonly lo: number;
  readonly step: number;
  readonly steps: number;
}

/** How fine a grid may be: `cells` bounds intervals × grid points (time and memory of one solve). */
export interface GridBudget {
  readonly cells: number;
  readonly minSteps: number;
  readonly maxSteps: number;
}

/** The default budget: 1.2 million cells, so one day of 5-minute prices gets ~4,000 points, of hourly 8,000. */
export const DEFAULT_GRID_BUDGET: GridBudget = { cells: 1_200_000, minSteps: 300, maxSteps: 8_000 };

/** Fraction of a full-power move lost when the move is rounded down to whole steps. */
function roundingLoss(moveSteps: number, steps: number): number {
  if (moveSteps >= steps) return 0;
  const whole = Math.floor(moveSteps + 1e-9);
  return whole === 0 ? 1 : (moveSteps - whole) / moveSteps;
}

/**
 * Picks the grid for a band `[lo, hi]` where one interval moves at most `chargeMove` (stored, charging)
 * or `dischargeMove` (stored, discharging), for `intervals` intervals.
 */
export function chooseGrid(
  lo: number,
  hi: number,
  chargeMove: number,
  dischargeMove: number,
  intervals: number,
  budget: GridBudget = DEFAULT_GRID_BUDGET,
): SocGrid {
  const width = hi - lo;
  const most = Math.max(
    budget.minSteps,
    Math.min(budget.maxSteps, Math.floor(budget.cells / Math.max(1, intervals)) - 1),
  );
  let best = most;
  let bestLoss = Infinity;
  for (let steps = Math.ceil(most / 2); steps <= most; steps++) {
    const loss = roundingLoss((chargeMove / width) * steps, steps) +
      roundingLoss((dischargeMove / width) * steps, steps);
    // Prefer finer grids on (near) ties: the loss is not the only error.
    if (loss < bestLoss - 1e-12 || (loss <= bestLoss + 1e-12 && steps > best)) {
      best = steps;
      bestLoss = loss;
    }
  }
  return { lo, step: width / best, steps: best };
}
