/**
 * The cycle cap solved directly: a dynamic program over two grids, stored energy and the discharge budget
 * left (in the same steps), exact on the grid for any prices. Charging moves along a budget row, discharging
 * along a diagonal (stored energy and budget fall together), so both are sliding-window maxima and one
 * interval costs O(points × budget steps). It needs a coarser grid than `solveDp` for the same time; the
 * optimizer uses it only when the Lagrangian certificate leaves a gap (negative prices can cause one). Its
 * grid is of stored energy over the usable band: with a standing loss, standing by drops to the grid point
 * below (a small loss `solveDp` avoids).
 *
 * @module
 */
import type { DpProblem, DpSolution } from "./dp.ts";

const EPS = 1e-9;

/**
 * Solves `p` with at most `budgetSteps` grid steps of stored energy discharged over the horizon and
 * `penalty` $ per stored MWh discharged. With a standing loss the budget counts the drop in grid steps
 * (slightly more than the energy discharged), so the schedule never breaks the cap.
 */
export function solveCappedDp(p: DpProblem, penalty: number, budgetSteps: number): DpSolution {
  const T = p.prices.length;
  const { lo, step, steps } = p.grid;
  const M = steps + 1;
  const R = budgetSteps + 1;
  const soc = new Float64Array(M);
  for (let j = 0; j < M; j++) soc[j] = lo + j * step;
  let next = new Float64Array(M * R);
  let cur = new Float64Array(M * R);
  const endTol = EPS * Math.max(1, Math.abs(p.endMin));
  for (let r = 0; r < R; r++) {
    for (let j = 0; j < M; j++) next[r * M + j] = soc[j]! >= p.endMin - endTol ? 0 : -Infinity;
  }
  const choice = new Int16Array(Math.max(0, T - 1) * M * R);
  const a = new Float64Array(M);
  const q = new Int32Array(M);
  const at = (x: number) => (x - lo) / step;
  for (let t = T - 1; t >= 1; t--) {
    const price = p.prices[t]!;
    const ch = choice.subarray((t - 1) * M * R, t * M * R);
    if (Number.isNaN(price)) {
      for (let r = 0; r < R; r++) {
        for (let i = 0; i < M; i++) {
          const j = Math.floor(at(p.keep * soc[i]!) + EPS);
          cur[r * M + i] = j < 0 ? -Infinity : next[r * M + j]!;
          ch[r * M + i] = Math.max(0, j);
        }
      }
    } else {
      const buy = price / p.chargeEfficiency;
      const sell = price * p.dischargeEfficiency - penalty;
      for (let r = 0; r < R; r++) {
        for (let j = 0; j < M; j++) a[j] = next[r * M + j]! - buy * soc[j]!;
        let head = 0, tail = 0, added = 0;
        for (let i = 0; i < M; i++) {
          const x = p.keep * soc[i]!;
          const from = Math.max(0, Math.ceil(at(x) - EPS));
          const to = Math.min(steps, Math.floor(at(x) + p.chargeMove / step + EPS));
          while (added <= to) {
            while (tail > head && a[q[tail - 1]!]! < a[added]!) tail--;
            q[tail++] = added++;
          }
          while (tail > head && q[head]! < from) head++;
          const k = r * M + i;
          if (tail > head && from <= to) [cur[k], ch[k]] = [a[q[head]!]! + buy * x, q[head]!];
          else [cur[k], ch[k]] = [-Infinity, 0];
        }
      }
      // Discharging from (i, r) to (j, r - (i - j)): along the diagonal g = r - i.
      for (let g = -(M - 1); g < R; g++) {
        const iFrom = Math.max(0, -g), iTo = Math.min(M - 1, R - 1 - g);
        let head = 0, tail = 0, added = iFrom;
        for (let i = iFrom; i <= iTo; i++) {
          const x = p.keep * soc[i]!;
          const from = Math.max(iFrom, Math.ceil(at(x) - p.dischargeMove / step - EPS));
          const to = Math.min(i, Math.floor(at(x) + EPS));
          while (added <= to) {
            a[added] = next[(g + added) * M + added]! - sell * soc[added]!;
            while (tail > head && a[q[tail - 1]!]! <= a[added]!) tail--;
            q[tail++] = added++;
          }
          while (tail > head && q[head]! < from) head++;
          const k = (g + i) * M + i;
          if (tail > head && from <= to) {
            const value = a[q[head]!]! + sell * x;
            if (value >= cur[k]!) [cur[k], ch[k]] = [value, q[head]!];
          }
        }
      }
    }
    [next, cur] = [cur, next];
  }
  return trace(p, penalty, soc, next, choice, budgetSteps);
}

/** The best first move from the exact start and the budget it leaves, then the stored choices. */
function trace(
  p: DpProblem,
  penalty: number,
  soc: Float64Array,
  first: Float64Array,
  choice: Int16Array,
  budgetSteps: number,
): DpSolution {
  const T = p.prices.length;
  const M = soc.length;
  const R = budgetSteps + 1;
  if (T === 0) return Float64Array.of(p.startSoc);
  const at = (x: number) => (x - p.grid.lo) / p.grid.step;
  const x = p.keep * p.startSoc;
  const price = p.prices[0]!;
  let best = -Infinity, i = -1, r = budgetSteps;
  const consider = (j: number, left: number, gain: number) => {
    if (j < 0 || j >= M || left < 0) return;
    const v = first[left * M + j]! + gain;
    if (v > best) [best, i, r] = [v, j, left];
  };
  if (Number.isNaN(price)) consider(Math.floor(at(x) + EPS), budgetSteps, 0);
  else {
    const sell = price * p.dischargeEfficiency - penalty;
    // Loops clamped to the grid (candidates off it are skipped anyway), so they are bounded by its size.
    const from = Math.min(M - 1, Math.floor(at(x) + EPS));
    const down = Math.max(0, Math.ceil(at(x) - p.dischargeMove / p.grid.step - EPS));
    for (let j = from; j >= down; j--) {
      consider(j, budgetSteps - Math.ceil(at(p.startSoc) - j - EPS), sell * (x - soc[j]!));
    }
    const top = Math.min(M - 1, Math.floor(at(x) + p.chargeMove / p.grid.step + EPS));
    for (let j = Math.max(0, Math.ceil(at(x) - EPS)); j <= top; j++) {
      consider(j, budgetSteps, -(price / p.chargeEfficiency) * (soc[j]! - x));
    }
  }
  if (i < 0) return null;
  const out = new Float64Array(T + 1);
  out[0] = p.startSoc;
  out[1] = soc[i]!;
  for (let t = 1; t < T; t++) {
    const j = choice[(t - 1) * M * R + r * M + i]!;
    if (!Number.isNaN(p.prices[t]!) && j < i && j <= Math.floor(at(p.keep * soc[i]!) + EPS)) r -= i - j;
    i = j;
    out[t + 1] = soc[i]!;
  }
  return out;
}
