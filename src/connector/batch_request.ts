/**
 * The arguments of the library connector's `runBatch()` and `runRealtime()`, and what `runBatch()`
 * returns: operating days checked and planned as a backfill (`backfill_plan.ts`). Pure.
 *
 * @module
 */
import type { BackfillPlan, BackfillProgress, BackfillSummary } from "../jobs/backfill.ts";
import { planBackfill } from "../jobs/backfill_plan.ts";
import type { BronzeAck } from "../jobs/bronze_ack.ts";
import type { DatasetName } from "../oasis/datasets.ts";
import { parseDate } from "../oasis/time.ts";
import type { NodeSelection } from "../oasis/windows.ts";
import { checkDataset, requestedNodes } from "./extract_request.ts";

/** What `runBatch()` loads. */
export interface BatchRequest {
  /** First Pacific operating day, `YYYY-MM-DD`. */
  readonly startDate: string;
  /** Last operating day, inclusive. */
  readonly endDate: string;
  /** Datasets (default: the configured ones). */
  readonly dataTypes?: readonly DatasetName[];
  /** Nodes (default: the configured ones). */
  readonly nodes?: readonly string[] | "ALL" | "ALL_APNODES";
  /** Called after each window. */
  readonly onProgress?: (progress: BackfillProgress) => void;
  /** Aborts the run; the same call later continues from its checkpoint. */
  readonly signal?: AbortSignal;
}

/** What `runBatch()` did: the backfill summary, the plan it ran and what the sink acknowledged. */
export interface BatchSummary extends BackfillSummary {
  /** The requests planned. */
  readonly plan: BackfillPlan;
  /** Rows committed to the outbox and rows acknowledged by the sink; `held > 0`: not all in Bronze yet. */
  readonly bronze: BronzeAck;
}

/** Options of `runRealtime()`. */
export interface RealtimeOptions {
  /** The time the pass runs at (default: now). */
  readonly now?: Date;
  /** Datasets (default: the configured ones). */
  readonly dataTypes?: readonly DatasetName[];
  /** Aborts the pass. */
  readonly signal?: AbortSignal;
}

/**
 * The backfill plan of `request` at `now`, with the configured datasets and nodes where it names none;
 * throws for a bad date or an empty range, and `RetentionError` for days OASIS no longer keeps.
 */
export function planBatch(
  request: BatchRequest,
  configured: { readonly datasets: readonly DatasetName[]; readonly nodes: NodeSelection },
  now: Date,
): BackfillPlan {
  parseDate(request.startDate);
  parseDate(request.endDate);
  if (request.endDate < request.startDate) {
    throw new RangeError(
      `Invalid range: endDate "${request.endDate}" is before startDate "${request.startDate}"`,
    );
  }
  return planBackfill({
    from: request.startDate,
    to: request.endDate,
    datasets: (request.dataTypes ?? configured.datasets).map(checkDataset),
    nodes: requestedNodes({ nodes: request.nodes }, configured.nodes),
  }, now);
}
