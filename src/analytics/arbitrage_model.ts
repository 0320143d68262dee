/**
 * The arbitrage problem as a linear program for HiGHS. Per interval t: `x_t` stored energy charged, `y_t`
 * stored energy discharged, `s_t` the state of charge at the interval's end, with the balance
 * `s_t = keep·s_(t−1) + x_t − y_t` (keep: what the standing loss leaves of one interval), the usable band,
 * full-power limits, the cycle cap `Σ y_t ≤ cycles × band × days` and the end-of-day rule. Revenue is
 * `−p/η_c` per MWh charged and `(p − degradation)·η_d` per MWh discharged.
 *
 * Every energy is measured in usable bands above the band's bottom (`s' = (s − socMin) / band`), and the
 * objective in $ per band, so the program is equally well scaled for a 1 kWh and a 1 GWh battery and for
 * inputs below the API's bounds (a 1e-300 MWh band once froze the old grid optimizer). A move is also
 * bounded by what the band allows, so no bound or coefficient is huge.
 *
 * Where the price is so negative that charging and discharging at once would pay (burning energy:
 * `p·(1/η_c − η_d) + degradation·η_d < 0`), a binary `z_t` forbids doing both, and the program becomes a
 * small MILP; elsewhere revenue is concave in the net move and the LP never does both at a profit.
 *
 * @module
 */
import { type Battery, usableMwh } from "./battery.ts";
import type { LinearModel } from "./highs_solver.ts";
import { intervalHours, type PriceSeries } from "./price_series.ts";
import { keepFactor } from "./schedule.ts";

/** The program and where to read the answer. */
export interface ArbitrageModel {
  readonly model: LinearModel;
  /** Columns of interval t: charge `x'`, discharge `y'` and the state of charge at its end `s'`. */
  readonly columns: (t: number) => { readonly x: number; readonly y: number; readonly s: number };
  /** Row of the cycle cap (its dual is the cap's shadow price). */
  readonly capRow: number;
  /** The cap in bands of stored energy discharged. */
  readonly capBands: number;
}

/** What the program is built from. */
export interface ModelInput {
  readonly series: PriceSeries;
  readonly battery: Battery;
  readonly startSocMwh: number;
  /** Days the cycle cap covers. */
  readonly days: number;
  /** Intervals that get a binary forbidding charge and discharge together (default: where burning pays). */
  readonly binaryAt?: (t: number) => boolean;
}

/** Whether burning energy (charge and discharge in one interval) earns money at `price`. */
export function burningPays(price: number, battery: Battery): boolean {
  const { chargeEfficiency: ec, dischargeEfficiency: ed, degradation } = battery;
  return price * (1 / ec - ed) + degradation * ed < -1e-12;
}

/** Builds the (MI)LP of `input` in sparse columns. */
export function arbitrageModel(input: ModelInput): ArbitrageModel {
  const { series, battery } = input;
  const T = series.prices.length;
  const band = usableMwh(battery);
  const lo = battery.socMinMwh;
  const h = intervalHours(series);
  const keep = keepFactor(battery, series);
  const { chargeEfficiency: ec, dischargeEfficiency: ed } = battery;
  const capRow = T;
  const capBands = battery.cycles * input.days;
  const m = new SparseModel();
  const columns: Array<{ x: number; y: number; s: number }> = [];
  const binaryAt = input.binaryAt ?? ((t) => burningPays(series.prices[t] ?? 0, battery));
  for (let t = 0; t < T; t++) {
    // s'_t − keep·s'_(t−1) − x'_t + y'_t = rhs_t (the loss of the band's bottom; the start at t = 0).
    const rhs = t === 0 ? (keep * input.startSocMwh - lo) / band : -(lo * (1 - keep)) / band;
    m.addRow(rhs, rhs);
  }
  m.addRow(-Infinity, capBands);
  for (let t = 0; t < T; t++) {
    const price = series.prices[t] ?? null;
    const rhs = m.rowLower[t]!;
    // The most one interval can move, in bands: full power, and what the band allows from any state.
    const most = (mw: number, room: number) => (price === null ? 0 : Math.max(0, Math.min(mw, room)));
    const xMax = most((battery.chargeMw * h * ec) / band, 1 - rhs);
    const yMax = most((battery.dischargeMw * h) / ed / band, (t === 0 ? 0 : keep) + rhs);
    const p = price ?? 0;
    const x = m.addCol(-p / ec, 0, xMax, [[t, -1]]);
    const y = m.addCol((p - battery.degradation) * ed, 0, yMax, [[t, 1], [capRow, 1]]);
    const s = m.addCol(0, 0, 1, t + 1 < T ? [[t, 1], [t + 1, -keep]] : [[t, 1]]);
    columns.push({ x, y, s });
    if (price !== null && binaryAt(t) && xMax > 0 && yMax > 0) {
      // z = 1: charge only (x ≤ xMax·z); z = 0: discharge only (y ≤ yMax·(1 − z)).
      const zc = m.addRow(-Infinity, 0), zd = m.addRow(-Infinity, yMax);
      m.cols[x]!.push([zc, 1]);
      m.cols[y]!.push([zd, 1]);
      m.binaries.push(m.addCol(0, 0, 1, [[zc, -xMax], [zd, yMax]]));
    }
  }
  if (battery.end === "initial" && T > 0) {
    // The end-of-day rule: at least the initial charge at the end of the last interval.
    m.lower[columns[T - 1]!.s] = Math.max(0, Math.min(1, (battery.initialSocMwh - lo) / band));
  }
  return {
    model: m.toModel(),
    columns: (t) => columns[t]!,
    capRow,
    capBands,
  };
}

/** A maximization program built column by column. */
class SparseModel {
  readonly cols: Array<Array<[number, number]>> = [];
  readonly cost: number[] = [];
  readonly lower: number[] = [];
  readonly upper: number[] = [];
  readonly rowLower: number[] = [];
  readonly rowUpper: number[] = [];
  readonly binaries: number[] = [];

  /** A row `min ≤ a·x ≤ max`; its index. */
  addRow(min: number, max: number): number {
    this.rowLower.push(min);
    this.rowUpper.push(max);
    return this.rowLower.length - 1;
  }

  /** A column with its cost, bounds and (row, coefficient) entries; its index. */
  addCol(cost: number, min: number, max: number, entries: Array<[number, number]>): number {
    this.cost.push(cost);
    this.lower.push(min);
    this.upper.push(max);
    return this.cols.push(entries) - 1;
  }

  /** The program with its matrix in compressed sparse columns. */
  toModel(): LinearModel {
    const n = this.cols.length, numRows = this.rowLower.length;
    const starts = new Int32Array(n + 1);
    this.cols.forEach((c, j) => (starts[j + 1] = starts[j]! + c.length));
    const indices = new Int32Array(starts[n]!);
    const values = new Float64Array(indices.length);
    let k = 0;
    for (const c of this.cols) for (const [row, value] of c) (indices[k] = row), (values[k++] = value);
    return {
      numCols: n,
      numRows,
      matrix: { format: "csc", numRows, numCols: n, starts, indices, values },
      colCost: this.cost,
      colLower: this.lower,
      colUpper: this.upper,
      rowLower: this.rowLower,
      rowUpper: this.rowUpper,
      maximize: true,
      binaries: this.binaries,
    };
  }
}
