/**
 * The scheduled jobs as plain functions of the opened service's parts and `now`: one poll of a dataset,
 * and one price-correction run. `main.ts` calls them from its cron table and the library connector from
 * `poll()` and `priceCorrections()`, so both run the same policy (lookback, hold, digest retention);
 * `createJobRunner` schedules the polls of the configured datasets for the service's cron table.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Log } from "../log.ts";
import type { OasisClient } from "../oasis/client.ts";
import type { DatasetName } from "../oasis/datasets.ts";
import type { Coordination } from "../coordination/coordination.ts";
import type { DeliveryDeps } from "./deliver.ts";
import { JobRunner } from "./job_runner.ts";
import { pollDataset, pollSettings, type PollSummary } from "./poll.ts";
import { correctionSettings, type CorrectionSummary, runPriceCorrections } from "./price_corrections.ts";

/** What a scheduled run uses of the opened service (`Service` from `src/service.ts` is one). */
export interface JobContext {
  readonly config: Pick<Config, "jobs" | "nodes" | "datasets">;
  readonly oasis: { readonly client: Pick<OasisClient, "fetchWindow" | "fetchCorrections"> };
  readonly coordination: Coordination;
  /** Where an answer goes: Bronze's publisher, the store, the coordination, the schema-drift tracker. */
  readonly deliver: DeliveryDeps;
  readonly log: Log;
}

/** One scheduled run of `dataset` at `now`: from its watermark to the newest interval OASIS can have. */
export async function pollOnce(
  context: JobContext,
  dataset: DatasetName,
  now: Date,
  signal?: AbortSignal,
): Promise<PollSummary> {
  return await pollDataset(dataset, {
    ...context.deliver,
    client: context.oasis.client,
    coordination: context.coordination,
    nodes: context.config.nodes,
    signal,
    log: context.log,
    settings: pollSettings(context.config.jobs, dataset, now),
  }, now);
}

/** One run of the price-correction job at `now` over the configured LMP datasets. */
export async function correctPricesOnce(
  context: JobContext,
  now: Date,
  signal?: AbortSignal,
): Promise<CorrectionSummary> {
  const datasets: readonly DatasetName[] = context.config.datasets;
  return await runPriceCorrections({
    ...context.deliver,
    client: context.oasis.client,
    coordination: context.coordination,
    nodes: (dataset) => datasets.includes(dataset) ? context.config.nodes : undefined,
    settings: correctionSettings(context.config.jobs),
    signal,
    log: context.log,
  }, now);
}

/** What the service counts of its scheduled polls (`Metrics` has each). */
export interface PollCounters {
  rowsIngested(dataset: DatasetName, rows: number): void;
  missingIntervals(dataset: DatasetName, missing: number): void;
  intervalArrived(dataset: DatasetName, lateMs: number): void;
}

/** The runner of the configured datasets' polls (none with `JOBS_ENABLED=false`), counted on `counters`. */
export function createJobRunner(
  context: JobContext & { readonly oasis: { readonly client: Pick<OasisClient, "breakerState"> } },
  counters: PollCounters,
): JobRunner {
  const jobs = context.config.jobs;
  const scheduled = jobs.enabled ? context.config.datasets : [];
  return new JobRunner({
    schedules: Object.fromEntries(scheduled.map((d) => [d, jobs.schedules[d]])),
    peak: jobs.peak,
    breaker: () => context.oasis.client.breakerState,
    log: context.log,
    followUpMs: jobs.followUpMs,
    followUpLimitMs: jobs.followUpLimitMs,
    onArrival: (dataset, lateMs) => counters.intervalArrived(dataset, lateMs),
    poll: async (dataset, now, signal) => {
      const summary = await pollOnce(context, dataset, now, signal);
      counters.rowsIngested(dataset, summary.rows);
      if (summary.range !== null && summary.outcome !== "locked") {
        counters.missingIntervals(dataset, summary.missing);
      }
      return summary;
    },
  });
}
