/**
 * The cycle cap by Lagrangian relaxation. `solve(μ)` must return the best grid schedule when each MWh of
 * stored energy discharged costs μ more; its value minus μ × (discharge − cap) is then an upper bound on
 * every schedule within the cap (weak duality), whatever μ is. μ is moved along the upper envelope of those
 * bounds (each step jumps to where the lines of the two bracketing schedules cross, so it ends after finitely
 * many steps) until two schedules, one over and one under the cap, are both optimal at the same μ*. Their
 * mix that discharges exactly the cap is feasible (the limits are convex), and where the per-interval
 * revenue is concave in the move (prices ≥ 0) it earns at least the mix of their values, which is the bound:
 * the mix is then proven at least as good as any schedule on the grid. The caller checks the gap otherwise.
 *
 * @module
 */

/** A schedule found for one μ: stored energy per boundary, its value in $ and stored MWh discharged. */
export interface Candidate {
  readonly mu: number;
  readonly soc: Float64Array;
  readonly value: number;
  readonly out: number;
}

/** What the relaxation found. */
export interface CapOutcome {
  /** The best schedule within the cap. */
  readonly best: Candidate;
  /** Upper bound on the value of any grid schedule within the cap, $. */
  readonly bound: number;
}

/** Inputs of `enforceCycleCap`. */
export interface CapProblem {
  /** Best grid schedule with μ $ per stored MWh discharged. */
  readonly solve: (mu: number) => Candidate;
  /** Value of any trajectory, $. */
  readonly value: (soc: Float64Array) => number;
  /** Stored MWh the cap allows. */
  readonly cap: number;
  /** A μ at which nothing is discharged (`solve(muMax)` is within the cap). */
  readonly muMax: number;
  /** The schedule for μ = 0, already over the cap. */
  readonly free: Candidate;
  /** An estimate of μ* (from a coarser grid) to start near. */
  readonly hint?: number;
}

/** Finds the best schedule within the cap and a bound on how good any can be. */
export function enforceCycleCap(p: CapProblem): CapOutcome {
  const tol = 1e-9 * Math.max(1, p.cap);
  let lo = p.free;
  let hi: Candidate | undefined;
  if (p.hint !== undefined && p.hint > 0) {
    const above = p.solve(p.hint * 1.02 + 1e-6);
    if (above.out <= p.cap + tol) {
      hi = above;
      const below = p.solve(p.hint * 0.98);
      if (below.out > p.cap + tol) lo = below;
      else if (below.out >= p.cap - tol) hi = below;
    } else lo = above;
  }
  hi ??= p.solve(p.muMax);
  if (hi.out > p.cap + tol) return { best: hi, bound: -Infinity };
  let bound = hi.value + hi.mu * (p.cap - hi.out);
  for (let iter = 0; iter < 60 && hi.out < p.cap - tol; iter++) {
    const mu = (lo.value - hi.value) / (lo.out - hi.out);
    const mid = p.solve(mu);
    const dual = mid.value + mu * (p.cap - mid.out);
    bound = Math.min(bound, dual);
    const envelope = lo.value + mu * (p.cap - lo.out);
    if (dual <= envelope + 1e-9 * Math.max(1, Math.abs(envelope))) {
      // lo and hi are both optimal at mu: mix them.
      const theta = (p.cap - hi.out) / (lo.out - hi.out);
      const soc = lo.soc.map((s, t) => theta * s + (1 - theta) * hi!.soc[t]!);
      const mixed: Candidate = { mu, soc, value: p.value(soc), out: p.cap };
      return { best: mixed.value >= hi.value ? mixed : hi, bound };
    }
    if (mid.out > p.cap + tol) lo = mid;
    else hi = mid;
  }
  return { best: hi, bound: Math.max(bound, hi.value) };
}
