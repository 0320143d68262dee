/**
 * The outbox drainer: one loop that reads the outbox in commit order, sends a batch to the sink, and
 * deletes it only after the sink acknowledged. A failed send is retried from the same batch with capped
 * exponential backoff, so a broker outage only makes the outbox grow; when the broker is back the backlog
 * drains in order. Batches close by size (`batchMaxRows`) or time (`lingerMs`).
 *
 * @module
 */
import type { BronzeMetrics } from "./metrics.ts";
import type { Outbox, OutboxBatch } from "./outbox.ts";
import { type BronzeLog, type BronzeSink, silentLog } from "./sink.ts";

/** Waits `ms` or until `signal` aborts, whichever is first; never rejects. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** The default `Sleep`, on `setTimeout`. */
export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });

/** Options of `OutboxDrainer`. */
export interface OutboxDrainerOptions {
  readonly outbox: Outbox;
  readonly sink: BronzeSink;
  /** Messages per send, at least (whole outbox entries are sent). */
  readonly batchMaxRows: number;
  /** How long a partial batch waits for more rows, ms. */
  readonly lingerMs: number;
  /** First retry delay after a failed send, ms (default 500); doubles up to `retryMaxMs`. */
  readonly retryInitialMs?: number;
  /** Longest retry delay, ms (default 30 000). */
  readonly retryMaxMs?: number;
  readonly metrics?: BronzeMetrics;
  readonly log?: BronzeLog;
  /** Clock in ms (default `Date.now`). */
  readonly now?: () => number;
  /** Sleep function (tests pass one that returns at once). */
  readonly sleep?: Sleep;
}

/** Moves messages from the outbox to the sink, in order, deleting them only once acknowledged. */
export class OutboxDrainer {
  readonly #o: Required<Omit<OutboxDrainerOptions, "metrics">> & { metrics?: BronzeMetrics };
  readonly #stop = new AbortController();
  readonly #hurry = new AbortController();
  #loop?: Promise<void>;
  #emptyWaiters: Array<() => void> = [];

  constructor(options: OutboxDrainerOptions) {
    this.#o = {
      retryInitialMs: 500,
      retryMaxMs: 30_000,
      log: silentLog,
      now: Date.now,
      sleep,
      ...options,
    };
  }

  /** Starts the loop (once). */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** Resolves when the outbox is empty (at once if it is). */
  drained(): Promise<void> {
    if (this.#o.outbox.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.#emptyWaiters.push(resolve));
  }

  /**
   * Waits until the outbox is empty or `timeoutMs` passed, calling `onPending(depth)` every `everyMs`
   * while rows wait; the loop keeps running either way. Resolves with the rows still held.
   */
  async waitDrained(
    timeoutMs: number,
    onPending?: (depth: number) => void,
    everyMs = 5_000,
  ): Promise<number> {
    const timer = new AbortController();
    const drained = this.drained().then(() => "drained" as const);
    const deadline = sleep(timeoutMs, timer.signal).then(() => "timeout" as const);
    try {
      while (this.#o.outbox.depth > 0) {
        const tick = sleep(everyMs, timer.signal).then(() => "tick" as const);
        const woke = await Promise.race([drained, deadline, tick]);
        if (woke !== "tick") break;
        if (this.#o.outbox.depth > 0) onPending?.(this.#o.outbox.depth);
      }
    } finally {
      timer.abort();
    }
    return this.#o.outbox.depth;
  }

  /**
   * Stops lingering, drains until the outbox is empty or `deadlineMs` passed, then stops the loop.
   * Resolves with the number of messages left for the next start (they stay in the outbox).
   */
  async close(deadlineMs: number): Promise<number> {
    this.#hurry.abort();
    const timer = new AbortController();
    // The deadline is real time even when tests inject an instant `sleep` for retries.
    const deadline = sleep(deadlineMs, timer.signal);
    if (this.#loop) await Promise.race([this.drained(), deadline]);
    this.#stop.abort();
    if (this.#loop) await Promise.race([this.#loop, deadline]);
    timer.abort();
    const left = this.#o.outbox.depth;
    if (left > 0) this.#o.log("warn", "bronze outbox not empty at shutdown", { left });
    return left;
  }

  async #run(): Promise<void> {
    const { outbox, sink, batchMaxRows, metrics, log } = this.#o;
    const stop = this.#stop.signal;
    let failures = 0;
    let ahead: Promise<OutboxBatch | null> | null = null;
    while (!stop.aborted) {
      if (outbox.depth === 0) {
        ahead = null;
        await outbox.changed(stop);
        continue;
      }
      if (outbox.depth < batchMaxRows && this.#o.lingerMs > 0 && !this.#hurry.signal.aborted) {
        await this.#o.sleep(this.#o.lingerMs, AbortSignal.any([stop, this.#hurry.signal]));
      }
      let batch: OutboxBatch | null = null;
      try {
        batch = await (ahead ?? outbox.read(batchMaxRows));
        ahead = null;
        if (batch === null) continue;
        const sending = sink.send(batch.messages);
        // Read the next batch from KV while the sink waits for its acknowledgement.
        ahead = outbox.read(batchMaxRows, batch.lastSeq);
        ahead.catch(() => {});
        await sending;
        await outbox.remove(batch);
      } catch (error) {
        ahead = null;
        failures++;
        if (metrics) metrics.sendFailures++;
        const retryInMs = Math.min(this.#o.retryMaxMs, this.#o.retryInitialMs * 2 ** (failures - 1));
        log(failures === 1 ? "warn" : "error", "bronze send failed; messages stay in the outbox", {
          sink: sink.kind,
          error: error instanceof Error ? error.message : String(error),
          depth: outbox.depth,
          failures,
          retryInMs,
        });
        await this.#o.sleep(retryInMs, stop);
        continue;
      }
      if (metrics) {
        const latency = Math.max(0, this.#o.now() - batch.oldestAt);
        metrics.published += batch.messages.length;
        metrics.publishLatencyLastMs = latency;
        metrics.publishLatencySumMs += latency;
        metrics.publishLatencyCount++;
      }
      if (failures > 0) {
        log("info", "bronze sink recovered", { sink: sink.kind, failures, depth: outbox.depth });
      }
      failures = 0;
      if (outbox.depth === 0) { for (const w of this.#emptyWaiters.splice(0)) w(); }
    }
  }
}
