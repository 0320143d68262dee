/**
 * Backfill: operating days (Pacific, inclusive) split into the fewest requests each dataset's limits allow,
 * fetched through the shared client and delivered to Bronze and the store exactly like a scheduled poll.
 * Each completed window is checkpointed (in Redis or the jobs KV), so a run killed halfway and started
 * again with the same arguments continues where it stopped; a window re-done after a kill is not sent to
 * Bronze twice (interval digests). Every answer is checked against the grid asked for (`completeness.ts`):
 * missing nodes, intervals or components are asked again in the smallest windows (`backfill_window.ts`),
 * and what is still missing is listed and kept in the checkpoint, so the same command later asks only for
 * that. The plan (and OASIS's retention) is `backfill_plan.ts`; the windows go through the one loop
 * the poll shares (`fetch_windows.ts`).
 *
 * @module
 */
import type { OasisClient } from "../oasis/client.ts";
import type { DatasetName } from "../oasis/datasets.ts";
import type { RequestWindow } from "../oasis/windows.ts";
import type { Coordination } from "../coordination/coordination.ts";
import {
  type BackfillMissing,
  completeWindow,
  missingRanges,
  pendingAsks,
  pendingIds,
  windowId,
} from "./backfill_window.ts";
import { GridKnowledge } from "./completeness.ts";
import { type DeliveryDeps, DeliveryError } from "./deliver.ts";
import { eachWindow } from "./fetch_windows.ts";
import type { BackfillPlan } from "./backfill_plan.ts";

export {
  type BackfillPlan,
  type BackfillRequest,
  OASIS_RETENTION_MONTHS,
  oldestRetainedDay,
  planBackfill,
  RetentionError,
} from "./backfill_plan.ts";
export { type BackfillMissing, windowId } from "./backfill_window.ts";

/** One window done (or found in the checkpoint). */
export interface BackfillProgress {
  /** Windows finished so far. */
  readonly done: number;
  /** Windows in all. */
  readonly total: number;
  /** Rows received so far. */
  readonly rows: number;
  /** Dataset of the window. */
  readonly dataset: DatasetName;
  /** The window just finished. */
  readonly window: RequestWindow;
  /** How it ended. */
  readonly result: "rows" | "no-data" | "incomplete" | "failed" | "checkpoint";
}

/** A window that failed after retries. */
export interface BackfillFailure {
  /** Dataset of the window. */
  readonly dataset: DatasetName;
  /** Window start, UTC ISO-8601. */
  readonly start: string;
  /** Window end (exclusive), UTC ISO-8601. */
  readonly end: string;
  /** URL requested. */
  readonly url: string;
  /** Why it failed. */
  readonly message: string;
  /** OASIS error code, when OASIS answered with an error document. */
  readonly code?: number;
}

/** Counts of one dataset. */
export interface DatasetCounts {
  /** Requests sent by this run. */
  requests: number;
  /** Windows an earlier run completed. */
  fromCheckpoint: number;
  /** Source rows received. */
  rows: number;
  /** Rows committed to Bronze (new or changed intervals). */
  published: number;
  /** Rows already in Bronze with the same value, not sent again. */
  unchanged: number;
  /** Windows OASIS answered "no data". */
  noData: number;
  /** Windows that failed after retries. */
  failed: number;
  /** Node-intervals still missing after re-requests. */
  missing: number;
}

/** What a backfill did. */
export interface BackfillSummary {
  /** Counts of each dataset. */
  readonly datasets: ReadonlyMap<DatasetName, Readonly<DatasetCounts>>;
  /** Requests sent by this run. */
  readonly requests: number;
  /** Windows skipped because an earlier run completed them. */
  readonly fromCheckpoint: number;
  /** Source rows received. */
  readonly rows: number;
  /** Windows that failed after retries. */
  readonly failures: readonly BackfillFailure[];
  /** Windows OASIS answered "no data". */
  readonly noData: ReadonlyArray<
    { readonly dataset: DatasetName; readonly start: string; readonly end: string }
  >;
  /** Ranges still missing after re-requests, per dataset and node; a re-run asks only for these. */
  readonly missing: readonly BackfillMissing[];
}

/** Dependencies of a backfill. */
export interface BackfillDeps extends DeliveryDeps {
  readonly client: Pick<OasisClient, "fetchWindow">;
  readonly coordination: Coordination;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: BackfillProgress) => void;
  readonly now?: () => Date;
  /** How long interval digests are kept (`digestRetentionMs`); they also guard a window re-done after a kill. */
  readonly digestTtlMs: number;
  /** Rounds of re-requests for cells an answer lacked (default `BACKFILL_REREQUESTS_DEFAULT`). */
  readonly rerequests?: number;
}

/** Default rounds of re-requests for missing cells. */
export const BACKFILL_REREQUESTS_DEFAULT = 2;

const noCounts = (): DatasetCounts => ({
  requests: 0,
  fromCheckpoint: 0,
  rows: 0,
  published: 0,
  unchanged: 0,
  noData: 0,
  failed: 0,
  missing: 0,
});

/** What a run gathers over its datasets. */
interface RunState {
  readonly plan: BackfillPlan;
  readonly deps: BackfillDeps;
  /** The checkpoint as the run found it. */
  readonly done: ReadonlySet<string>;
  readonly total: { finished: number; rows: number; requests: number; fromCheckpoint: number };
  readonly failures: BackfillFailure[];
  readonly noData: Array<{ dataset: DatasetName; start: string; end: string }>;
  readonly missing: BackfillMissing[];
}

const span = (window: RequestWindow) => ({
  start: window.start.toISOString(),
  end: window.end.toISOString(),
});

/** Completes one planned window (or what an earlier run left missing of it), counts it and checkpoints it. */
async function backfillWindow(
  window: RequestWindow,
  run: RunState,
  dataset: { name: DatasetName; counts: DatasetCounts; known: GridKnowledge },
): Promise<BackfillProgress["result"]> {
  const { deps, total } = run;
  const c = dataset.counts;
  const id = windowId(window);
  const pending = pendingAsks(run.done, id, window);
  const o = await completeWindow(pending?.asks ?? [window], {
    ...deps,
    known: dataset.known,
    rerequests: deps.rerequests ?? BACKFILL_REREQUESTS_DEFAULT,
    now: deps.now?.() ?? new Date(),
  });
  c.requests += o.requests;
  total.requests += o.requests;
  c.rows += o.rows;
  c.published += o.published;
  c.unchanged += o.unchanged;
  total.rows += o.rows;
  if (o.noData) {
    c.noData++;
    run.noData.push({ dataset: dataset.name, ...span(window) });
  }
  const gaps = missingRanges(dataset.name, o.missing);
  run.missing.push(...gaps);
  c.missing += gaps.reduce((n, g) => n + g.intervals, 0);
  await deps.coordination.markDone(
    run.plan.run,
    o.missing.length === 0 ? [id] : pendingIds(id, (pending?.round ?? 0) + 1, o.residual),
  );
  return o.missing.length > 0 ? "incomplete" : o.noData ? "no-data" : "rows";
}

/** Runs the windows of one dataset of the plan through the shared window loop. */
async function backfillDataset(
  name: DatasetName,
  windows: readonly RequestWindow[],
  run: RunState,
): Promise<DatasetCounts> {
  const { deps, total } = run;
  const dataset = { name, counts: noCounts(), known: new GridKnowledge() };
  const c = dataset.counts;
  const report = (window: RequestWindow, result: BackfillProgress["result"]) =>
    deps.onProgress?.({
      done: ++total.finished,
      total: run.plan.total,
      rows: total.rows,
      dataset: name,
      window,
      result,
    });
  await eachWindow(windows, (window) => backfillWindow(window, run, dataset), {
    signal: deps.signal,
    skip: (window) => {
      if (!run.done.has(windowId(window))) return false;
      c.fromCheckpoint++;
      total.fromCheckpoint++;
      report(window, "checkpoint");
      return true;
    },
    onDone: report,
    onFailure: ({ window, ...failure }, error) => {
      if (error instanceof DeliveryError) c.published += error.delivered.published; // in Bronze already
      c.requests++;
      total.requests++;
      c.failed++;
      run.failures.push({ dataset: name, ...span(window), ...failure });
      report(window, "failed");
    },
  });
  return c;
}

/**
 * Runs `plan`, skipping windows its checkpoint has and asking only for what an earlier run left missing;
 * clears the checkpoint when nothing failed and nothing is missing.
 */
export async function runBackfill(plan: BackfillPlan, deps: BackfillDeps): Promise<BackfillSummary> {
  const run: RunState = {
    plan,
    deps,
    done: await deps.coordination.checkpoint(plan.run),
    total: { finished: 0, rows: 0, requests: 0, fromCheckpoint: 0 },
    failures: [],
    noData: [],
    missing: [],
  };
  const counts = new Map<DatasetName, DatasetCounts>();
  for (const { dataset, windows } of plan.datasets) {
    counts.set(dataset, await backfillDataset(dataset, windows, run));
  }
  const { failures, noData, missing } = run;
  if (failures.length === 0 && missing.length === 0) await deps.coordination.clearCheckpoint(plan.run);
  const { requests, fromCheckpoint, rows } = run.total;
  return { datasets: counts, requests, fromCheckpoint, rows, failures, noData, missing };
}
