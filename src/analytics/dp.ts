/**
 * The dynamic program at the core of the arbitrage optimizer: backward over the intervals, over a uniform
 * grid of stored energy, it finds the schedule that maximizes revenue minus a penalty per MWh of stored
 * energy discharged. It is exact on the grid: every move between two grid points at most one interval's full
 * power apart is considered, and a move is a charge or a discharge, never both. Both halves of the maximum
 * are sliding-window maxima (the reward is linear in the target on each side), so one interval costs
 * O(points) with a monotone queue: one day of 5-minute prices on ~4,000 points solves in tens of ms.
 *
 * A standing loss is exact too: the grid is laid on the loss-free energy y = s / keep^t (s stored at the
 * boundary t, keep the fraction left after one interval), on which standing by keeps y unchanged and so
 * stays on the grid; a move of u MWh stored in interval t is a move of u / keep^(t+1) in y.
 *
 * @module
 */
import type { SocGrid } from "./soc_grid.ts";

/** One optimization problem on a grid, in stored-energy terms. */
export interface DpProblem {
  /** $/MWh per interval; NaN where unknown (the battery stands by). */
  readonly prices: Float64Array;
  /** Fraction of stored energy left after one interval of standing loss. */
  readonly keep: number;
  /** Grid of loss-free energy y (equal to stored energy when there is no loss). */
  readonly grid: SocGrid;
  /** Usable band of stored energy, MWh. */
  readonly socMin: number;
  readonly socMax: number;
  /** Most stored energy one interval can add (full charge power). */
  readonly chargeMove: number;
  /** Most stored energy one interval can remove (full discharge power). */
  readonly dischargeMove: number;
  readonly chargeEfficiency: number;
  readonly dischargeEfficiency: number;
  /** Stored energy at the start (need not be on the grid). */
  readonly startSoc: number;
  /** Least stored energy at the end (`-Infinity` for none). */
  readonly endMin: number;
}

/** The best grid schedule: stored energy at each interval boundary (length intervals + 1), or null if none. */
export type DpSolution = Float64Array | null;

const EPS = 1e-9;

interface Work {
  readonly y: Float64Array;
  /** keep^t for each boundary t. */
  readonly decay: Float64Array;
  readonly a: Float64Array;
  readonly queue: Int32Array;
}

/** Solves `p` with `penalty` $ charged per MWh of stored energy discharged (on top of the price). */
export function solveDp(p: DpProblem, penalty: number): DpSolution {
  const T = p.prices.length;
  if (T === 0) return Float64Array.of(p.startSoc);
  const M = p.grid.steps + 1;
  const w: Work = {
    y: Float64Array.from({ length: M }, (_, j) => p.grid.lo + j * p.grid.step),
    decay: Float64Array.from({ length: T + 1 }, (_, t) => p.keep ** t),
    a: new Float64Array(M),
    queue: new Int32Array(M),
  };
  let next = new Float64Array(M);
  let cur = new Float64Array(M);
  const endTol = EPS * Math.max(1, Math.abs(p.endMin));
  for (let j = 0; j < M; j++) {
    const s = w.decay[T]! * w.y[j]!;
    next[j] = inBand(p, s) && s >= p.endMin - endTol ? 0 : -Infinity;
  }
  const choice = new Int32Array((T - 1) * M);
  for (let t = T - 1; t >= 1; t--) {
    stage(p, w, t, penalty, next, cur, choice.subarray((t - 1) * M, t * M));
    [next, cur] = [cur, next];
  }
  const first = bestFrom(p, w, penalty, next);
  if (first < 0) return null;
  const out = new Float64Array(T + 1);
  out[0] = p.startSoc;
  let j = first;
  out[1] = w.decay[1]! * w.y[j]!;
  for (let t = 1; t < T; t++) {
    j = choice[(t - 1) * M + j]!;
    out[t + 1] = w.decay[t + 1]! * w.y[j]!;
  }
  return out;
}

function inBand(p: DpProblem, s: number): boolean {
  const tol = EPS * Math.max(1, p.socMax);
  return s >= p.socMin - tol && s <= p.socMax + tol;
}

/** One backward step over interval `t`: `cur[i]` = best value from grid point `i` at boundary `t`. */
function stage(
  p: DpProblem,
  w: Work,
  t: number,
  penalty: number,
  next: Float64Array,
  cur: Float64Array,
  choice: Int32Array,
): void {
  const M = w.y.length;
  const { y, a, queue: q } = w;
  const price = p.prices[t]!;
  const scale = w.decay[t + 1]!; // stored MWh per unit of y after this interval
  const now = w.decay[t]!;
  const tol = EPS * Math.max(1, p.socMax);
  // Grid points inside the band at boundary t.
  const from = Math.max(0, Math.ceil((p.socMin / now - p.grid.lo) / p.grid.step - tol));
  const to = Math.min(M - 1, Math.floor((p.socMax / now - p.grid.lo) / p.grid.step + tol));
  cur.fill(-Infinity);
  if (Number.isNaN(price)) {
    for (let i = from; i <= to; i++) [cur[i], choice[i]] = [next[i]!, i];
    return;
  }
  const up = Math.floor(p.chargeMove / (scale * p.grid.step) + EPS);
  const down = Math.floor(p.dischargeMove / (scale * p.grid.step) + EPS);
  const buy = (price / p.chargeEfficiency) * scale; // $ per unit of y added
  const sell = (price * p.dischargeEfficiency - penalty) * scale; // $ per unit of y removed
  // Charge: window [i, i + up] of next[j] − buy·y[j]; on ties the lowest target (least charge) wins.
  for (let j = from; j < M; j++) a[j] = next[j]! - buy * y[j]!;
  let head = 0, tail = 0, added = from;
  for (let i = from; i <= to; i++) {
    const last = Math.min(M - 1, i + up);
    while (added <= last) {
      const v = a[added]!;
      while (tail > head && a[q[tail - 1]!]! < v) tail--;
      q[tail++] = added++;
    }
    while (q[head]! < i) head++;
    const j = q[head]!;
    [cur[i], choice[i]] = [a[j]! + buy * y[i]!, j];
  }
  // Discharge: window [i − down, i] of next[j] − sell·y[j]; on ties the highest target (least discharge) wins.
  const lowest = Math.max(0, from - down);
  for (let j = lowest; j <= to; j++) a[j] = next[j]! - sell * y[j]!;
  head = 0, tail = 0, added = lowest;
  for (let i = from; i <= to; i++) {
    while (added <= i) {
      const v = a[added]!;
      while (tail > head && a[q[tail - 1]!]! <= v) tail--;
      q[tail++] = added++;
    }
    while (q[head]! < i - down) head++;
    const j = q[head]!;
    const value = a[j]! + sell * y[i]!;
    if (value >= cur[i]!) [cur[i], choice[i]] = [value, j];
  }
}

/** The best first move from the exact start (off the grid if need be); -1 when nothing is feasible. */
function bestFrom(p: DpProblem, w: Work, penalty: number, next: Float64Array): number {
  const price = p.prices[0]!;
  const { lo, step } = p.grid;
  const M = w.y.length;
  const at = (p.startSoc - lo) / step; // y = s at boundary 0
  const scale = w.decay[1]!;
  const check = (j: number) => j >= 0 && j < M && next[j]! > -Infinity;
  if (Number.isNaN(price)) {
    // Standing by from an off-grid start: drop to the grid point below (a loss of less than one step).
    const j = Math.floor(at + EPS);
    return check(j) ? j : -1;
  }
  let best = -1;
  let bestValue = -Infinity;
  const consider = (j: number, gain: number) => {
    if (!check(j)) return;
    const v = next[j]! + gain;
    if (v > bestValue) [best, bestValue] = [j, v];
  };
  const sell = (price * p.dischargeEfficiency - penalty) * scale;
  const buy = (price / p.chargeEfficiency) * scale;
  // Only grid points are candidates: clamping the ranges to the grid bounds the loops whatever the band,
  // the power or the start (a 1 Wh battery at 1 MW once made them run for ever).
  const top = Math.min(M - 1, Math.floor(at + EPS));
  for (let j = top; j >= Math.max(0, Math.ceil(at - p.dischargeMove / (scale * step) - EPS)); j--) {
    consider(j, sell * (p.startSoc - w.y[j]!));
  }
  const last = Math.min(M - 1, Math.floor(at + p.chargeMove / (scale * step) + EPS));
  for (let j = Math.max(0, Math.ceil(at - EPS)); j <= last; j++) {
    consider(j, -buy * (w.y[j]! - p.startSoc));
  }
  return best;
}
