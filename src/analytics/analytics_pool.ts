/**
 * Arbitrage computations in one long-lived Web Worker (`analytics_worker.ts`) with a deadline each, so the
 * thread that serves HTTP, WebSocket and cron never runs the optimizer and nothing can wedge it. Jobs run
 * one at a time in arrival order (at most `maxQueued` wait). A job past the deadline is answered with
 * `AnalyticsUnavailableError` (the routes answer 503), its worker is terminated, and the next job starts
 * on a fresh one. The worker (with HiGHS loaded, about 40 MB resident) stops after `idleMs` without a job and
 * starts again on the next one (HiGHS loads in about 0.3 s, outside the job's deadline). `close()` terminates
 * the worker and fails every job at once: shutdown never waits on analytics.
 *
 * @module
 */
import { InfeasibleScheduleError } from "./arbitrage.ts";
import { type DayReport, NoPricesError } from "./arbitrage_day.ts";
import type { Analytics, AnalyticsJob, DayJob, ZoneJob } from "./analytics_jobs.ts";
import type { ZoneFigures } from "./arbitrage_summary.ts";
import { IdleTimer } from "../oasis/idle_timer.ts";

/** Message from the worker. */
export type WorkerMessage =
  | { readonly type: "ready" }
  | { readonly type: "done"; readonly id: number; readonly result: unknown }
  | { readonly type: "error"; readonly id: number; readonly name: string; readonly message: string };

/** The computation could not be done now (deadline passed, too many waiting, shutting down): a 503. */
export class AnalyticsUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AnalyticsUnavailableError";
  }
}

/** Options of `AnalyticsPool`. */
export interface AnalyticsPoolOptions {
  /** Longest one job may run, ms (`ANALYTICS_DEADLINE_MS`). */
  readonly deadlineMs: number;
  /** Most jobs waiting behind the running one (default 256); more are refused at once. */
  readonly maxQueued?: number;
  /** The worker module (default `analytics_worker.ts`; tests give a slower one). */
  readonly workerUrl?: URL;
  /** The worker stops this long after its last job, ms (default 60 000). */
  readonly idleMs?: number;
}

interface Task {
  readonly job: AnalyticsJob;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
}

/** The worker's error as the routes know it (404 and 422 keep their meaning). */
function rebuild(name: string, message: string): Error {
  if (name === "NoPricesError") return new NoPricesError(message);
  if (name === "InfeasibleScheduleError") return new InfeasibleScheduleError(message);
  return new Error(`Arbitrage computation failed: ${name}: ${message}`);
}

/** Runs `Analytics` jobs in a worker with a deadline each. */
export class AnalyticsPool implements Analytics {
  readonly #options: Required<AnalyticsPoolOptions>;
  readonly #queue: Task[] = [];
  #worker: Worker | undefined;
  #ready = false;
  #running: { id: number; task: Task; timer: ReturnType<typeof setTimeout> } | undefined;
  #nextId = 1;
  #closed = false;
  #replaced = 0;
  readonly #idle: IdleTimer;

  constructor(options: AnalyticsPoolOptions) {
    this.#options = {
      maxQueued: 256,
      workerUrl: new URL("./analytics_worker.ts", import.meta.url),
      idleMs: 60_000,
      ...options,
    };
    this.#idle = new IdleTimer(this.#options.idleMs, () => {
      if (this.#running === undefined && this.#queue.length === 0) this.#kill(new Error("idle"));
    });
  }

  /** Whether a worker is running now (started by a job, not yet stopped for idleness). */
  get workerRunning(): boolean {
    return this.#worker !== undefined;
  }

  /** Workers terminated past a deadline or after a crash (and replaced on the next job). */
  get replaced(): number {
    return this.#replaced;
  }

  /** `GET /api/arbitrage`'s report, computed in the worker. */
  day(job: DayJob): Promise<DayReport> {
    return this.#run({ kind: "day", ...job }) as Promise<DayReport>;
  }

  /** One zone's summary line, computed in the worker. */
  zone(job: ZoneJob): Promise<ZoneFigures> {
    return this.#run({ kind: "zone", ...job }) as Promise<ZoneFigures>;
  }

  /** Terminates the worker; the running job and every waiting one reject at once, later ones too. */
  close(): void {
    this.#closed = true;
    this.#idle.cancel();
    const error = new AnalyticsUnavailableError("The service is shutting down");
    this.#kill(error);
    for (const task of this.#queue.splice(0)) task.reject(error);
  }

  #run(job: AnalyticsJob): Promise<unknown> {
    if (this.#closed) return Promise.reject(new AnalyticsUnavailableError("The service is shutting down"));
    if (this.#queue.length >= this.#options.maxQueued) {
      return Promise.reject(
        new AnalyticsUnavailableError("Too many arbitrage computations waiting; retry later"),
      );
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ job, resolve, reject });
      this.#pump();
    });
  }

  /** Starts the next job when the worker is ready and idle. */
  #pump(): void {
    if (this.#closed || this.#running) return;
    if (this.#queue.length === 0) {
      if (this.#worker) this.#idle.arm();
      return;
    }
    this.#idle.cancel();
    const worker = this.#ensureWorker();
    if (!this.#ready) return;
    const task = this.#queue.shift()!;
    const id = this.#nextId++;
    const timer = setTimeout(() => {
      this.#replaced++;
      this.#kill(
        new AnalyticsUnavailableError(
          `The arbitrage computation took longer than ${this.#options.deadlineMs} ms and was stopped`,
        ),
      );
      this.#pump();
    }, this.#options.deadlineMs);
    this.#running = { id, task, timer };
    try {
      worker.postMessage({ id, job: task.job });
    } catch (e) {
      // A job that cannot be cloned to the worker: refuse it and go on with the next.
      this.#settle(id, () => task.reject(e as Error));
      this.#pump();
    }
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(this.#options.workerUrl.href, { type: "module" });
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
      if (worker !== this.#worker) return;
      const m = event.data;
      if (m.type === "ready") this.#ready = true;
      else if (m.type === "done") this.#settle(m.id, (t) => t.resolve(m.result));
      else this.#settle(m.id, (t) => t.reject(rebuild(m.name, m.message)));
      this.#pump();
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      if (worker !== this.#worker) return;
      const error = new Error(`Analytics worker failed: ${event.message}`);
      const loaded = this.#ready;
      this.#replaced++;
      this.#kill(error);
      // A worker that cannot even load would fail every job the same way: do not restart it in a loop.
      if (!loaded) { for (const task of this.#queue.splice(0)) task.reject(error); }
      this.#pump();
    };
    this.#worker = worker;
    this.#ready = false;
    return worker;
  }

  #settle(id: number, fn: (task: Task) => void): void {
    const running = this.#running;
    if (running === undefined || running.id !== id) return;
    clearTimeout(running.timer);
    this.#running = undefined;
    fn(running.task);
  }

  /** Terminates the worker and rejects its running job with `error`. */
  #kill(error: Error): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#ready = false;
    if (this.#running) this.#settle(this.#running.id, (t) => t.reject(error));
  }
}
