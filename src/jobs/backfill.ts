/**
 * Backfill: operating days (Pacific, inclusive) split into the fewest requests each dataset's limits allow,
 * fetched through the shared client and delivered to Bronze and the store exactly like a scheduled poll.
 * Each completed window is checkpointed (in Redis or the jobs KV), so a run killed halfway and started
 * again with the same arguments continues where it stopped; a window re-done after a kill is not sent to
 * Bronze twice (interval digests). Every answer is checked against the grid asked for (`completeness.ts`):
 * missing nodes, intervals or components are asked again in the smallest windows (`backfill_window.ts`),
 * and what is still missing is listed and kept in the checkpoint, so the same command later asks only for
 * that. Days older than OASIS keeps (about 39 months) are refused or cut off with a message, never silently.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { OasisClient } from "../oasis/client.ts";
import { type DatasetName, DATASETS } from "../oasis/datasets.ts";
import { requestFailure } from "../oasis/errors.ts";
import { nextDate, pacificMidnight } from "../oasis/time.ts";
import { type NodeSelection, planWindows, type RequestWindow } from "../oasis/windows.ts";
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

/** How long OASIS keeps most reports (OASIS FAQ: "the previous 39 months"). */
export const OASIS_RETENTION_MONTHS = 39;

/** What to load. */
export interface BackfillRequest {
  /** First operating day, `YYYY-MM-DD`. */
  readonly from: string;
  /** Last operating day (inclusive). */
  readonly to: string;
  /** Datasets to load. */
  readonly datasets: readonly DatasetName[];
  /** Nodes to load (LMP datasets). */
  readonly nodes: NodeSelection;
}

/** The requests of a backfill. */
export interface BackfillPlan {
  /** What was asked for. */
  readonly request: BackfillRequest;
  /** Checkpoint id: the same arguments give the same id. */
  readonly run: string;
  /** First day actually loaded (later than `request.from` when older days are beyond retention). */
  readonly from: string;
  /** Oldest operating day OASIS still serves in full. */
  readonly oldestRetained: string;
  /** Days left out because OASIS no longer has them, or null. */
  readonly beyondRetention: { readonly from: string; readonly to: string } | null;
  /** The request windows of each dataset. */
  readonly datasets: ReadonlyArray<
    { readonly dataset: DatasetName; readonly windows: readonly RequestWindow[] }
  >;
  /** Windows in all. */
  readonly total: number;
}

/** Every requested day is older than OASIS keeps. */
export class RetentionError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "RetentionError";
  }
}

/** The oldest operating day wholly inside OASIS's retention at `now`. */
export function oldestRetainedDay(now: Date, months = OASIS_RETENTION_MONTHS): string {
  const floor = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, now.getUTCDate()));
  return nextDate(floor.toISOString().slice(0, 10));
}

const dayBefore = (date: string) =>
  new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

export { type BackfillMissing, windowId } from "./backfill_window.ts";

/** Plans `request` at `now`; throws `RetentionError` when no requested day is within OASIS's retention. */
export function planBackfill(request: BackfillRequest, now: Date): BackfillPlan {
  const oldestRetained = oldestRetainedDay(now);
  if (request.to < oldestRetained) {
    throw new RetentionError(
      `${request.from}..${request.to} is older than OASIS keeps (about ${OASIS_RETENTION_MONTHS} months): ` +
        `the oldest day it still serves is ${oldestRetained}. Choose --from ${oldestRetained} or later.`,
    );
  }
  const from = request.from < oldestRetained ? oldestRetained : request.from;
  const range = { start: pacificMidnight(from), end: pacificMidnight(nextDate(request.to)) };
  const datasets = request.datasets.map((dataset) => ({
    dataset,
    windows: planWindows(DATASETS[dataset], range, request.nodes),
  }));
  const identity = JSON.stringify([request.from, request.to, [...request.datasets].sort(), request.nodes]);
  return {
    request,
    run: createHash("sha256").update(identity).digest("hex").slice(0, 16),
    from,
    oldestRetained,
    beyondRetention: from === request.from ? null : { from: request.from, to: dayBefore(from) },
    datasets,
    total: datasets.reduce((n, d) => n + d.windows.length, 0),
  };
}

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
  /** Rounds of re-requests for cells an answer lacked (default `BACKFILL_REREQUESTS_DEFAULT`). */
  readonly rerequests?: number;
}

/** Default rounds of re-requests for missing cells. */
export const BACKFILL_REREQUESTS_DEFAULT = 2;

/** How long a backfill's interval digests are kept (they guard a window re-done after a kill). */
export const BACKFILL_DIGEST_TTL_MS = 2 * 86_400_000;

/**
 * Runs `plan`, skipping windows its checkpoint has and asking only for what an earlier run left missing;
 * clears the checkpoint when nothing failed and nothing is missing.
 */
export async function runBackfill(plan: BackfillPlan, deps: BackfillDeps): Promise<BackfillSummary> {
  const done = await deps.coordination.checkpoint(plan.run);
  const counts = new Map<DatasetName, DatasetCounts>();
  const failures: BackfillFailure[] = [];
  const noData: Array<{ dataset: DatasetName; start: string; end: string }> = [];
  const missing: BackfillMissing[] = [];
  let finished = 0, rows = 0, requests = 0, fromCheckpoint = 0;
  for (const { dataset, windows } of plan.datasets) {
    const c: DatasetCounts = {
      requests: 0,
      fromCheckpoint: 0,
      rows: 0,
      published: 0,
      unchanged: 0,
      noData: 0,
      failed: 0,
      missing: 0,
    };
    counts.set(dataset, c);
    const known = new GridKnowledge();
    for (const window of windows) {
      const id = windowId(window);
      const report = (result: BackfillProgress["result"]) =>
        deps.onProgress?.({ done: ++finished, total: plan.total, rows, dataset, window, result });
      if (done.has(id)) {
        c.fromCheckpoint++;
        fromCheckpoint++;
        report("checkpoint");
        continue;
      }
      deps.signal?.throwIfAborted();
      const span = { start: window.start.toISOString(), end: window.end.toISOString() };
      const pending = pendingAsks(done, id, window);
      try {
        const o = await completeWindow(pending?.asks ?? [window], {
          ...deps,
          known,
          rerequests: deps.rerequests ?? BACKFILL_REREQUESTS_DEFAULT,
          now: deps.now?.() ?? new Date(),
          digestTtlMs: BACKFILL_DIGEST_TTL_MS,
        });
        c.requests += o.requests;
        requests += o.requests;
        c.rows += o.rows;
        c.published += o.published;
        c.unchanged += o.unchanged;
        rows += o.rows;
        if (o.noData) {
          c.noData++;
          noData.push({ dataset, ...span });
        }
        const gaps = missingRanges(dataset, o.missing);
        missing.push(...gaps);
        c.missing += gaps.reduce((n, g) => n + g.intervals, 0);
        await deps.coordination.markDone(
          plan.run,
          o.missing.length === 0 ? [id] : pendingIds(id, (pending?.round ?? 0) + 1, o.residual),
        );
        report(o.missing.length > 0 ? "incomplete" : o.noData ? "no-data" : "rows");
      } catch (error) {
        if (deps.signal?.aborted) throw error;
        if (error instanceof DeliveryError) c.published += error.delivered.published; // in Bronze already
        c.requests++;
        requests++;
        c.failed++;
        failures.push({ dataset, ...span, ...requestFailure(error) });
        report("failed");
      }
    }
  }
  if (failures.length === 0 && missing.length === 0) await deps.coordination.clearCheckpoint(plan.run);
  return { datasets: counts, requests, fromCheckpoint, rows, failures, noData, missing };
}
