/**
 * Planning a backfill: operating days (Pacific, inclusive) split into the fewest requests each dataset's
 * limits allow, with a checkpoint id that the same arguments reproduce. Days older than OASIS keeps (about
 * 39 months) are refused or cut off with a message, never silently.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { type DatasetName, DATASETS } from "../oasis/datasets.ts";
import { nextDate, pacificMidnight } from "../oasis/time.ts";
import { type NodeSelection, planWindows, type RequestWindow } from "../oasis/windows.ts";

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
