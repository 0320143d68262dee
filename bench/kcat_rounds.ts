/**
 * Rounds that alternate kcat (the practical limit) with the clients measured against it, so that all see
 * the same machine load on a shared machine, and the shares of kcat's time they reach. Used by
 * `kafka_bench.ts`.
 *
 * @module
 */
import { median } from "./bench_util.ts";

function progress(step: string): void {
  console.error(`kafka bench: ${step} …`);
}

/** A client measured against kcat; `runs` and `error` fill as the rounds go. */
export interface Contender {
  readonly name: string;
  readonly run: () => Promise<number>;
  runs: number[];
  error?: string;
}

export function contender(name: string, run: () => Promise<number>): Contender {
  return { name, run, runs: [] };
}

/**
 * `rounds` rounds of kcat then each contender; one that fails once (kcat too) is not run again. Resolves
 * with kcat's runs, in round order.
 */
export async function alternate(
  rounds: number,
  contenders: Contender[],
  kcat: () => Promise<number>,
): Promise<{ runs: number[]; error?: string }> {
  const kcatRuns: number[] = [];
  let kcatError: string | undefined;
  for (let i = 0; i < rounds; i++) {
    if (!kcatError) {
      progress(`kcat ${i + 1}/${rounds}`);
      try {
        kcatRuns.push(await kcat());
      } catch (error) {
        kcatError = error instanceof Error ? error.message : String(error);
      }
    }
    for (const c of contenders.filter((c) => !c.error)) {
      progress(`${c.name} ${i + 1}/${rounds}`);
      try {
        c.runs.push(await c.run());
      } catch (error) {
        c.error = error instanceof Error ? error.message : String(error);
      }
    }
  }
  return { runs: kcatRuns, error: kcatError };
}

/**
 * The share of kcat's time each round reached against that round's own kcat run, their median first (on a
 * shared machine the load drifts between rounds more than within one), then the ratio of the medians.
 */
export function ratioNote(kcatRuns: readonly number[], runs: readonly number[]): string {
  if (kcatRuns.length === 0) return "";
  const shares = runs.map((ms, i) => kcatRuns[i]! / ms * 100);
  const perRun = shares.map((s) => `${s.toFixed(0)} %`).join(", ");
  const ofMedians = median([...kcatRuns]) / median([...runs]) * 100;
  return `${median(shares).toFixed(0)} % of kcat (per round: ${perRun}; ratio of medians ${
    ofMedians.toFixed(0)
  } %)`;
}
