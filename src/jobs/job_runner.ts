/**
 * Runs the scheduled polls: `run(dataset)` is what each `Deno.cron` tick (and the immediate run at start)
 * calls. Runs of one dataset never overlap in this process (a tick that finds the previous run still
 * going is skipped and logged); across instances the poll's lock does the same. `status()` is the small
 * read-only view the HTTP layer shows: per dataset the last run, the last successful run, the newest
 * interval in Bronze and the store (and the watermark, its end) and the OASIS circuit breaker; `report()`
 * gives the same in the shape of the HTTP layer's health report. `stop()` aborts running
 * polls and waits for them.
 *
 * @module
 */
import type { BreakerState } from "../oasis/client.ts";
import { type DatasetName, DATASETS } from "../oasis/datasets.ts";
import { type Log, silentLog } from "../log.ts";
import type { PollSummary } from "./poll.ts";

/** The state of one dataset's job. */
export interface JobStatus {
  readonly dataset: DatasetName;
  /** Cron schedule (UTC). */
  readonly schedule: string;
  readonly running: boolean;
  /** When the last run ended, ISO-8601. */
  readonly lastRunAt: string | null;
  /** When the last run without a failed window ended. */
  readonly lastSuccessAt: string | null;
  /** Outcome of the last run (`error`: it threw). */
  readonly lastOutcome: PollSummary["outcome"] | "error" | null;
  /** Why the last run failed, if it did. */
  readonly lastError: string | null;
  /** End of the newest interval in Bronze and the store: the watermark. */
  readonly watermark: string | null;
  /** Start of that interval. */
  readonly newestInterval: string | null;
  /** Ticks skipped because the previous run was still going. */
  readonly overlapsSkipped: number;
}

/** What `/health` and the dashboard show about the jobs. */
export interface JobsStatus {
  readonly breaker: BreakerState;
  readonly jobs: readonly JobStatus[];
}

/** One dataset in the shape of the HTTP layer's health report (`DatasetHealth`). */
export interface DatasetRunReport {
  readonly lastSuccess: string | null;
  readonly lastRun: string | null;
  readonly newestInterval: string | null;
  readonly lastError: string | null;
}

/** Options of `JobRunner`. */
export interface JobRunnerOptions {
  /** Schedule of each dataset to run. */
  readonly schedules: Readonly<Partial<Record<DatasetName, string>>>;
  /** One poll (`pollDataset` with the service's dependencies). */
  readonly poll: (dataset: DatasetName, now: Date, signal: AbortSignal) => Promise<PollSummary>;
  /** Circuit breaker state of the OASIS client. */
  readonly breaker?: () => BreakerState;
  readonly clock?: () => Date;
  readonly log?: Log;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Runs polls without overlap and keeps their status. */
export class JobRunner {
  readonly #options: JobRunnerOptions;
  readonly #clock: () => Date;
  readonly #log: Log;
  readonly #status = new Map<DatasetName, Mutable<JobStatus>>();
  readonly #running = new Map<DatasetName, Promise<PollSummary | null>>();
  readonly #stop = new AbortController();

  constructor(options: JobRunnerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
    this.#log = options.log ?? silentLog;
    for (const [dataset, schedule] of Object.entries(options.schedules) as [DatasetName, string][]) {
      this.#status.set(dataset, {
        dataset,
        schedule,
        running: false,
        lastRunAt: null,
        lastSuccessAt: null,
        lastOutcome: null,
        lastError: null,
        watermark: null,
        newestInterval: null,
        overlapsSkipped: 0,
      });
    }
  }

  /** Runs one poll of `dataset` now; resolves with its summary, or null when skipped or stopped. */
  run(dataset: DatasetName): Promise<PollSummary | null> {
    const status = this.#status.get(dataset);
    if (!status || this.#stop.signal.aborted) return Promise.resolve(null);
    if (this.#running.has(dataset)) {
      status.overlapsSkipped++;
      this.#log("warn", "poll skipped: the previous run is still going", { dataset });
      return Promise.resolve(null);
    }
    const run = this.#run(dataset, status).finally(() => this.#running.delete(dataset));
    this.#running.set(dataset, run);
    return run;
  }

  async #run(dataset: DatasetName, status: Mutable<JobStatus>): Promise<PollSummary | null> {
    status.running = true;
    const started = this.#clock();
    try {
      const summary = await this.#options.poll(dataset, started, this.#stop.signal);
      const at = this.#clock().toISOString();
      status.lastRunAt = at;
      status.lastOutcome = summary.outcome;
      if (summary.watermark !== null) {
        status.watermark = summary.watermark;
        const step = DATASETS[dataset].intervalMinutes * 60_000;
        status.newestInterval = new Date(Date.parse(summary.watermark) - step).toISOString();
      }
      if (summary.failures.length === 0) {
        status.lastSuccessAt = at;
        status.lastError = null;
      } else status.lastError = summary.failures[0]!.message;
      const level = summary.failures.length > 0 ? "warn" : "info";
      this.#log(level, "poll finished", { ...summary, ms: this.#clock().getTime() - started.getTime() });
      return summary;
    } catch (error) {
      if (this.#stop.signal.aborted) return null;
      status.lastRunAt = this.#clock().toISOString();
      status.lastOutcome = "error";
      status.lastError = error instanceof Error ? error.message : String(error);
      this.#log("error", "poll failed", { dataset, error: status.lastError });
      return null;
    } finally {
      status.running = false;
    }
  }

  /** The jobs' state, for `/health` and the dashboard. */
  status(): JobsStatus {
    return {
      breaker: this.#options.breaker?.() ?? "closed",
      jobs: [...this.#status.values()].map((s) => ({ ...s })),
    };
  }

  /** The breaker and each dataset's runs, in the shape of the HTTP layer's `HealthReport` (without Bronze). */
  report(): { breaker: BreakerState; datasets: Record<string, DatasetRunReport> } {
    const { breaker, jobs } = this.status();
    return {
      breaker,
      datasets: Object.fromEntries(jobs.map((j) => [j.dataset, {
        lastSuccess: j.lastSuccessAt,
        lastRun: j.lastRunAt,
        newestInterval: j.newestInterval,
        lastError: j.lastError,
      }])),
    };
  }

  /** Aborts running polls and waits until they have ended; later `run` calls do nothing. */
  async stop(): Promise<void> {
    this.#stop.abort(new Error("Job runner stopped"));
    await Promise.allSettled([...this.#running.values()]);
  }
}
