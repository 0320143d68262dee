/**
 * A reference statement of the arbitrage problem, independent of the optimizer's (`arbitrage_model.ts`): the
 * textbook LP in grid-side MW per interval, unscaled, written as CPLEX LP text, with a binary forbidding
 * charge and discharge together at every negative price (a MILP whenever a price is negative). Solved by
 * HiGHS through its text interface; the tests and the benchmark check the optimizer's answers against it.
 * (It was the cross-check of the dynamic program that the optimizer replaced.)
 *
 * @module
 */
import { loadHighs } from "../../src/analytics/highs_solver.ts";
import { type Battery, usableMwh } from "../../src/analytics/battery.ts";
import { horizonDays } from "../../src/analytics/arbitrage.ts";
import { intervalHours, type PriceSeries } from "../../src/analytics/price_series.ts";
import { keepFactor } from "../../src/analytics/schedule.ts";

/** The LP optimum: its value and the stored energy at each interval boundary. */
export interface LpResult {
  readonly value_usd: number;
  readonly soc: number[];
}

const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toPrecision(17));
const term = (coef: number, name: string) => `${coef < 0 ? "-" : "+"} ${num(Math.abs(coef))} ${name}`;

/** The problem in CPLEX LP format. */
export function arbitrageLpModel(
  series: PriceSeries,
  battery: Battery,
  startSoc = battery.initialSocMwh,
): string {
  const h = intervalHours(series);
  const keep = keepFactor(battery, series);
  const { chargeEfficiency: ec, dischargeEfficiency: ed } = battery;
  const cap = battery.cycles * usableMwh(battery) * horizonDays(series);
  const objective: string[] = [];
  const rows: string[] = [];
  const bounds: string[] = [];
  const binaries: string[] = [];
  const capTerms: string[] = [];
  series.prices.forEach((price, t) => {
    const [c, d, s] = [`c${t}`, `d${t}`, `s${t}`];
    const p = price ?? 0;
    objective.push(term(-p * h, c), term((p - battery.degradation) * h, d));
    const prev = t === 0 ? "" : ` ${term(-keep, `s${t - 1}`)}`;
    const rhs = t === 0 ? keep * startSoc : 0;
    rows.push(`bal${t}: ${term(1, s)}${prev} ${term(-ec * h, c)} ${term(h / ed, d)} = ${num(rhs)}`);
    capTerms.push(term(h / ed, d));
    const [pc, pd] = price === null ? [0, 0] : [battery.chargeMw, battery.dischargeMw];
    bounds.push(`0 <= ${c} <= ${num(pc)}`, `0 <= ${d} <= ${num(pd)}`);
    bounds.push(`${num(battery.socMinMwh)} <= ${s} <= ${num(battery.socMaxMwh)}`);
    if (price !== null && price < 0) {
      const z = `z${t}`;
      binaries.push(z);
      rows.push(
        `zc${t}: ${term(1, c)} ${term(-pc, z)} <= 0`,
        `zd${t}: ${term(1, d)} ${term(pd, z)} <= ${num(pd)}`,
      );
    }
  });
  if (battery.end === "initial" && series.prices.length > 0) {
    // The end-of-day rule: at least the initial charge in the last interval's end state.
    bounds[bounds.length - 1] = `${num(battery.initialSocMwh)} <= s${series.prices.length - 1} <= ${
      num(battery.socMaxMwh)
    }`;
  }
  rows.push(`cap: ${capTerms.join("\n ")} <= ${num(cap)}`);
  return [
    "Maximize",
    ` obj: ${objective.length ? objective.join("\n ") : "0 c0"}`,
    "Subject To",
    ...rows.map((r) => ` ${r}`),
    "Bounds",
    ...bounds.map((b) => ` ${b}`),
    ...(binaries.length ? ["Binary", ...binaries.map((b) => ` ${b}`)] : []),
    "End",
  ].join("\n");
}

/** Solves the problem with HiGHS; throws when HiGHS does not report an optimum. */
export async function solveArbitrageLp(
  series: PriceSeries,
  battery: Battery,
  startSoc = battery.initialSocMwh,
): Promise<LpResult> {
  if (series.prices.length === 0) return { value_usd: 0, soc: [startSoc] };
  const solver = await loadHighs();
  const solution = solver.solve(arbitrageLpModel(series, battery, startSoc), {
    mip_rel_gap: 1e-9,
    mip_abs_gap: 1e-9,
  });
  if (solution.Status !== "Optimal") throw new Error(`HiGHS did not find an optimum: ${solution.Status}`);
  const soc = [startSoc, ...series.prices.map((_, t) => solution.Columns[`s${t}`]?.Primal ?? NaN)];
  return { value_usd: solution.ObjectiveValue, soc };
}
