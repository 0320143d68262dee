/**
 * The one import of `npm:highs` (HiGHS compiled to WebAssembly): loads it once per thread, on first use (the
 * analytics worker loads it before it says it is ready, so no request waits for the 3.5 MB module), and
 * solves one linear or mixed-integer program given as sparse columns.
 *
 * @module
 */
import type { Highs, ModelData } from "highs";

export type { Highs };

/** What a solve gives back: the status, the column values and, for an LP, the row duals. */
export interface HighsOutcome {
  readonly status: "optimal" | "infeasible" | "other";
  /** HiGHS's own name of the status, for messages. */
  readonly statusName: string;
  readonly objective: number;
  /** For a MIP: the best bound on the objective HiGHS proved; for an LP the objective. */
  readonly bound: number;
  readonly colValue: Float64Array;
  /** Row activities. */
  readonly rowValue: Float64Array;
  /** Row duals (LP only; empty for a MIP). */
  readonly rowDual: Float64Array;
}

/** The model as the solver module takes it (`sense` and `integrality` given by name). */
export interface LinearModel extends Omit<ModelData, "sense" | "integrality"> {
  readonly maximize: boolean;
  /** Column indices that are binary (0/1); the model is then a MIP. */
  readonly binaries: readonly number[];
}

let loading: Promise<Highs> | undefined;

/** The HiGHS module of this thread, loaded on the first call. */
export function loadHighs(): Promise<Highs> {
  loading ??= import("highs").then((module) => {
    // The package's types describe a CommonJS module while Deno loads its ES build: take the loader either way.
    const m = module as unknown as { default: { default?: unknown } | unknown };
    const loader = ((m.default as { default?: unknown }).default ?? m.default) as () => Promise<Highs>;
    return loader();
  });
  loading.catch(() => (loading = undefined));
  return loading;
}

/**
 * HiGHS settings: quiet, an exact MIP (gaps of 1e-9) and a time limit far beyond any day's solve. Presolve
 * only for a MIP: on a day's LP (a few hundred rows, already scaled) it costs more than it saves (measured:
 * a 5-minute day solves in about 60 % of the time without it).
 */
const OPTIONS = { output_flag: false, mip_rel_gap: 1e-9, mip_abs_gap: 1e-9, time_limit: 60 };

/** Solves `model` with `highs`. */
export function solveLinear(highs: Highs, model: LinearModel): HighsOutcome {
  const { maximize, binaries, ...data } = model;
  const integrality = binaries.length ? new Int32Array(data.numCols) : undefined;
  for (const j of binaries) integrality![j] = highs.constants.variableType.integer;
  const source: ModelData = {
    ...data,
    sense: maximize ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize,
    ...(integrality ? { integrality } : {}),
  };
  try {
    return solveIn(highs, source, integrality !== undefined);
  } catch (e) {
    // A WebAssembly instance that failed inside may be left broken: load a fresh one for the next solve.
    loading = undefined;
    throw e;
  }
}

function solveIn(highs: Highs, source: ModelData, mip: boolean): HighsOutcome {
  return highs.withModel(source, (m): HighsOutcome => {
    m.options.set({ ...OPTIONS, presolve: mip ? "choose" : "off" });
    m.run();
    const code = m.getModelStatus();
    const codes = highs.constants.modelStatus;
    const status: HighsOutcome["status"] = code === codes.optimal
      ? "optimal"
      : code === codes.infeasible
      ? "infeasible"
      : "other";
    const statusName = Object.entries(codes).find(([, v]) => v === code)?.[0] ?? String(code);
    const solution = m.getSolution();
    const objective = m.getObjectiveValue();
    const bound = mip ? Number(m.info.get("mip_dual_bound")) : objective;
    return {
      status,
      statusName,
      objective,
      bound,
      colValue: solution.colValue,
      rowValue: solution.rowValue,
      rowDual: mip ? new Float64Array(0) : solution.rowDual,
    };
  });
}
