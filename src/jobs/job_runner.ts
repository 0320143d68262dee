/**
 * Runs the scheduled polls: `tick(cron)` is what each `Deno.cron` tick calls (it runs the dataset unless
 * peak polling gives the tick's minute to the dataset's other cron; a peak tick skipped off-peak is counted
 * and logged at debug level), `run(dataset)` what the immediate run at start calls. Runs of one dataset
 * never overlap in this process (a tick finding the previous run still going is skipped and logged); across
 * instances the poll's lock does the same. `status()` is the read-only view the HTTP layer shows (per
 * dataset the last run and successful run, the newest interval and the watermark, the OASIS breaker);
 * `report()` the same for `/health` (with peak polling, the mode in force). A run with a failed window, or
 * one that threw, is retried on its own backoff (`run_retries.ts`: 30 s, doubling, at most the period); a
 * real-time run missing only its newest, unpublished interval, or a day-ahead run still without tomorrow
 * after 13:00 Pacific, is followed up (`follow_ups.ts`). `stop()` cancels them all and awaits running polls.
 *
 * @module
 */
import type { BreakerState } from "../oasis/client.ts";
import { type DatasetName, DATASETS } from "../oasis/datasets.ts";
import { type Log, silentLog } from "../log.ts";
import {
  activePeriodMs,
  decideTick,
  PEAK_POLLING_OFF,
  type PeakPolling,
  type PollCron,
  pollingMode,
} from "./peak_window.ts";
import type { PollSummary } from "./poll.ts";
import { RunRetries } from "./run_retries.ts";
import { followUpAfterRun, FollowUps } from "./follow_ups.ts";
import { DAY_AHEAD_LIMIT_MS, DAY_AHEAD_SPACING_MS } from "./day_ahead_follow_ups.ts";

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
  /** Ticks of the dataset's own schedule not polled outside the peak window (peak polling). */
  readonly offPeakSkipped: number;
  /** When the retry of a failed run is due, ISO-8601; absent without one. */
  readonly nextRetryAt?: string;
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
  /** When the retry of a failed run is due; absent without one. */
  readonly nextRetryAt?: string;
  /** With peak polling, for the real-time datasets only: the schedule in force and the ticks skipped. */
  readonly polling?: {
    readonly mode: "peak" | "off-peak";
    readonly schedule: string;
    readonly offPeakSkipped: number;
  };
}

/** Options of `JobRunner`. */
export interface JobRunnerOptions {
  /** Schedule of each dataset to run. */
  readonly schedules: Readonly<Partial<Record<DatasetName, string>>>;
  /** One poll (`pollDataset` with the service's dependencies). */
  readonly poll: (dataset: DatasetName, now: Date, signal: AbortSignal) => Promise<PollSummary>;
  /** Circuit breaker state of the OASIS client. */
  readonly breaker?: () => BreakerState;
  /** Peak and off-peak polling (default: off). */
  readonly peak?: PeakPolling;
  readonly clock?: () => Date;
  readonly log?: Log;
  /** First retry of a failed run, in ms (default 30 000; later ones double up to the schedule period). */
  readonly retryFirstMs?: number;
  /** Spacing of follow-ups while the newest due real-time interval is not published, ms (0 or absent: none). */
  readonly followUpMs?: number;
  /** No follow-up later than this after the interval's end, ms (default 180 000). */
  readonly followUpLimitMs?: number;
  /** Publication delay the first follow-up is timed from until one is learned, ms (default 60 000). */
  readonly publicationDelayMs?: number;
  /** Called the first time a real-time dataset's newest interval is seen, with how long after its end. */
  readonly onArrival?: (dataset: DatasetName, lateMs: number) => void;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function setWatermark(dataset: DatasetName, status: Mutable<JobStatus>, watermark: string): void {
  status.watermark = watermark;
  const step = DATASETS[dataset].intervalMinutes * 60_000;
  status.newestInterval = new Date(Date.parse(watermark) - step).toISOString();
}

/** The `polling` part of a dataset's report, with peak polling only. */
function withPolling(mode: ReturnType<typeof pollingMode>, offPeakSkipped: number) {
  return mode === null ? {} : { polling: { ...mode, offPeakSkipped } };
}

/** Runs polls without overlap and keeps their status. */
export class JobRunner {
  readonly #options: JobRunnerOptions;
  readonly #peak: PeakPolling;
  readonly #clock: () => Date;
  readonly #log: Log;
  readonly #status = new Map<DatasetName, Mutable<JobStatus>>();
  readonly #running = new Map<DatasetName, Promise<PollSummary | null>>();
  readonly #stop = new AbortController();
  readonly #retries: RunRetries<DatasetName>;
  readonly #followUps: FollowUps<DatasetName>;
  readonly #dayAhead: FollowUps<DatasetName>;

  constructor(options: JobRunnerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
    this.#peak = options.peak ?? PEAK_POLLING_OFF;
    this.#log = options.log ?? silentLog;
    // A retry or follow-up due while a run is going waits for that run's outcome, which reschedules or ends it.
    const run = (dataset: DatasetName) => void (this.#running.has(dataset) ? null : this.run(dataset));
    this.#retries = new RunRetries({ firstMs: options.retryFirstMs, clock: this.#clock, run });
    const [spacingMs, limitMs] = [options.followUpMs ?? 0, options.followUpLimitMs ?? 180_000];
    const defaultDelayMs = options.publicationDelayMs;
    this.#followUps = new FollowUps({ spacingMs, limitMs, defaultDelayMs, clock: this.#clock, run });
    const daSpacing = spacingMs > 0 ? Math.max(spacingMs, DAY_AHEAD_SPACING_MS) : 0;
    this.#dayAhead = new FollowUps({
      spacingMs: daSpacing,
      limitMs: DAY_AHEAD_LIMIT_MS,
      clock: this.#clock,
      run,
    });
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
        offPeakSkipped: 0,
      });
    }
  }

  /**
   * Records the watermark `dataset` had before this process ran it (read at start), so that `/health`
   * knows the newest interval in the store before the first run ends; a run's own watermark wins.
   */
  noteWatermark(dataset: DatasetName, watermark: Date | null): void {
    const status = this.#status.get(dataset);
    if (status && status.watermark === null && watermark !== null) {
      setWatermark(dataset, status, watermark.toISOString());
      this.#followUps.seen(dataset, watermark);
    }
  }

  /**
   * What a `Deno.cron` tick of `cron` calls: runs its dataset when the cron acts at the tick's minute (peak
   * crons inside the peak window, off-peak crons outside it); resolves with the summary, or null otherwise.
   */
  tick(cron: PollCron): Promise<PollSummary | null> {
    const { tick, polls, skippedOffPeak } = decideTick(cron, this.#clock(), this.#peak);
    if (polls) return this.run(cron.dataset);
    const status = this.#status.get(cron.dataset);
    if (status && skippedOffPeak) {
      status.offPeakSkipped++;
      this.#log("debug", "poll skipped: off-peak", {
        dataset: cron.dataset,
        tick: tick.toISOString(),
        offPeakSchedule: this.#peak.offPeakSchedule,
      });
    }
    return Promise.resolve(null);
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
      if (summary.watermark !== null) setWatermark(dataset, status, summary.watermark);
      if (summary.failures.length === 0) {
        status.lastSuccessAt = at;
        status.lastError = null;
      } else status.lastError = summary.failures[0]!.message;
      const retryAt = this.#afterRun(dataset, status, summary.outcome);
      const followUps = { realTime: this.#followUps, dayAhead: this.#dayAhead };
      const { lateMs, at: followUpAt } = followUpAfterRun(followUps, summary, this.#clock());
      if (lateMs !== null) this.#options.onArrival?.(dataset, lateMs);
      const level = summary.failures.length > 0 ? "warn" : "info";
      const ms = this.#clock().getTime() - started.getTime();
      this.#log(level, "poll finished", {
        ...summary,
        ms,
        ...(retryAt ? { retryAt } : {}),
        ...(followUpAt ? { followUpAt: followUpAt.toISOString() } : {}),
      });
      return summary;
    } catch (error) {
      if (this.#stop.signal.aborted) return null;
      status.lastRunAt = this.#clock().toISOString();
      status.lastOutcome = "error";
      status.lastError = error instanceof Error ? error.message : String(error);
      const retryAt = this.#afterRun(dataset, status, "error");
      this.#log("error", "poll failed", { dataset, error: status.lastError, retryAt });
      return null;
    } finally {
      status.running = false;
    }
  }

  /**
   * Schedules the retry of a failed run (and of a retry another instance held locked), or ends the retries
   * after a run without failures; returns when the retry is due.
   */
  #afterRun(dataset: DatasetName, status: Mutable<JobStatus>, outcome: JobStatus["lastOutcome"]) {
    let at: Date | null = null;
    if (
      outcome === "failed" || outcome === "partial" || outcome === "error" ||
      (outcome === "locked" && this.#retries.has(dataset))
    ) {
      const now = this.#clock();
      at = this.#retries.failed(dataset, activePeriodMs(dataset, now, status.schedule, this.#peak));
    } else this.#retries.succeeded(dataset);
    if (at) status.nextRetryAt = at.toISOString();
    else delete status.nextRetryAt;
    return at?.toISOString();
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
    const now = this.#clock();
    return {
      breaker,
      datasets: Object.fromEntries(jobs.map((j) => [j.dataset, {
        lastSuccess: j.lastSuccessAt,
        lastRun: j.lastRunAt,
        newestInterval: j.newestInterval,
        lastError: j.lastError,
        ...(j.nextRetryAt ? { nextRetryAt: j.nextRetryAt } : {}),
        ...withPolling(pollingMode(j.dataset, now, j.schedule, this.#peak), j.offPeakSkipped),
      }])),
    };
  }

  /** Aborts running polls and waits until they have ended; later `run` calls do nothing. */
  async stop(): Promise<void> {
    this.#retries.stop();
    this.#followUps.stop();
    this.#dayAhead.stop();
    this.#stop.abort(new Error("Job runner stopped"));
    await Promise.allSettled([...this.#running.values()]);
  }
}
