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

  /** The loop: up to `concurrentSends` batches in flight, removed strictly in order once acknowledged. */
  async #run(): Promise<void> {
    const { outbox, sink, metrics, log } = this.#o;
    const stop = this.#stop.signal;
    const window = Math.max(1, sink.concurrentSends ?? 1);
    const flight: InFlight[] = [];
    let failures = 0;
    let ahead: Promise<OutboxBatch | null> | null = null;
    while (!stop.aborted) {
      if (flight.length === 0) {
        if (outbox.depth === 0) {
          ahead = null;
          await outbox.changed(stop);
          continue;
        }
        if (outbox.depth < this.#o.batchMaxRows && this.#o.lingerMs > 0 && !this.#hurry.signal.aborted) {
          await this.#o.sleep(this.#o.lingerMs, AbortSignal.any([stop, this.#hurry.signal]));
        }
      }
      let batch: OutboxBatch;
      try {
        ({ ahead } = await this.#fill(flight, window, ahead));
        if (flight.length === 0) continue;
        const first = flight[0]!;
        // With room in the window, rows committed meanwhile are sent without waiting for this ack.
        if (flight.length < window) await this.#ackOrCommit(first.sending);
        else await first.sending;
        if (!first.done) continue;
        await first.sending;
        await outbox.remove(first.batch);
        flight.shift();
        batch = first.batch;
      } catch (error) {
        ahead = null;
        // Nothing after the failed batch is removed: once all in flight settled, sending resumes from it.
        await Promise.allSettled(flight.splice(0).map((f) => f.sending));
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
      this.#count(batch);
      if (failures > 0) {
        log("info", "bronze sink recovered", { sink: sink.kind, failures, depth: outbox.depth });
      }
      failures = 0;
      if (outbox.depth === 0) { for (const w of this.#emptyWaiters.splice(0)) w(); }
    }
  }

  /** Counts an acknowledged and removed batch in the metrics. */
  #count(batch: OutboxBatch): void {
    const metrics = this.#o.metrics;
    if (!metrics) return;
    const latency = Math.max(0, this.#o.now() - batch.oldestAt);
    metrics.published += batch.count;
    metrics.publishLatencyLastMs = latency;
    metrics.publishLatencySumMs += latency;
    metrics.publishLatencyCount++;
  }

  /**
   * Reads and sends batches after the last one in flight until `window` are; returns the read of the
   * batch after them (in an object: a returned promise would be awaited), started so that KV reads it
   * while the sink waits for acknowledgements.
   */
  async #fill(
    flight: InFlight[],
    window: number,
    ahead: Promise<OutboxBatch | null> | null,
  ): Promise<{ ahead: Promise<OutboxBatch | null> | null }> {
    const { outbox, sink, batchMaxRows } = this.#o;
    while (flight.length < window) {
      const batch = await (ahead ?? outbox.read(batchMaxRows, flight.at(-1)?.batch.lastSeq));
      ahead = null;
      if (batch === null) return { ahead: null };
      // A sink that sends from bytes takes the groups as the outbox holds them.
      const sending = sink.sendGroups ? sink.sendGroups(batch.groups) : sink.send(batch.messages);
      const entry: InFlight = { batch, sending, done: false };
      entry.sending.then(() => entry.done = true, () => entry.done = true);
      flight.push(entry);
    }
    if (ahead) return { ahead };
    const next = outbox.read(batchMaxRows, flight.at(-1)!.batch.lastSeq);
    next.catch(() => {});
    return { ahead: next };
  }

  /** Resolves when `sending` settles or the outbox has a new commit, whichever is first; never rejects. */
  async #ackOrCommit(sending: Promise<void>): Promise<void> {
    const done = new AbortController();
    const changed = this.#o.outbox.changed(AbortSignal.any([this.#stop.signal, done.signal]));
    await Promise.race([sending.catch(() => {}), changed]);
    done.abort();
  }
}

/** A batch handed to the sink and not yet removed from the outbox. */
interface InFlight {
  readonly batch: OutboxBatch;
  readonly sending: Promise<void>;
  done: boolean;
}
