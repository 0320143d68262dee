/**
 * Retries of failed runs, one timer per dataset: a run with a failed window (or one that threw) is run again
 * after `firstMs` (30 s by default), then after twice as long each time it fails again, never later than the
 * dataset's schedule period nor than 90 s, instead of waiting for the next cron tick. A run without failures cancels its
 * dataset's retry; when it was a retry that succeeded, OASIS answers again, so the retries of the other
 * datasets run at once instead of waiting out their backoff. A retry is an ordinary run (same lock, same client, same request gate).
 * `stop()` cancels every timer.
 *
 * @module
 */

/** Options of `RunRetries`. */
export interface RunRetriesOptions<K> {
  /** Starts a retry of `key` (the job runner's `run`). */
  readonly run: (key: K) => void;
  /** First delay, in ms (default 30 000). */
  readonly firstMs?: number;
  /**
   * Longest delay, in ms, whatever the schedule period (default 90 000): after an outage the first dataset
   * to retry finds OASIS back within this time, and the others follow at once, so every dataset has its
   * data within about two minutes of OASIS answering again.
   */
  readonly maxMs?: number;
  readonly clock?: () => Date;
}

interface Pending {
  timer: ReturnType<typeof setTimeout>;
  /** Consecutive failed runs. */
  failures: number;
  at: Date;
}

/** The delay before retry number `failures` (1-based): `firstMs · 2^(failures-1)`, at most `maxMs`. */
export function retryDelayMs(failures: number, firstMs: number, maxMs: number): number {
  return Math.min(firstMs * 2 ** Math.max(0, failures - 1), Math.max(firstMs, maxMs));
}

/** The pending retries of failed runs. */
export class RunRetries<K> {
  readonly #options: RunRetriesOptions<K>;
  readonly #firstMs: number;
  readonly #maxMs: number;
  readonly #clock: () => Date;
  readonly #pending = new Map<K, Pending>();
  #stopped = false;

  constructor(options: RunRetriesOptions<K>) {
    this.#options = options;
    this.#firstMs = options.firstMs ?? 30_000;
    this.#maxMs = options.maxMs ?? 90_000;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Records a failed run of `key` and schedules its retry; returns when it will run. */
  failed(key: K, periodMs: number): Date | null {
    if (this.#stopped) return null;
    const failures = (this.#pending.get(key)?.failures ?? 0) + 1;
    const maxMs = Math.min(periodMs, this.#maxMs);
    return this.#schedule(key, failures, retryDelayMs(failures, this.#firstMs, maxMs));
  }

  /**
   * Records a run of `key` without failures: cancels its retry and, when it was retrying (OASIS is back),
   * runs the other pending retries now.
   */
  succeeded(key: K): void {
    if (!this.#pending.has(key)) return;
    this.#cancel(key);
    for (const [other, pending] of this.#pending) this.#schedule(other, pending.failures, 0);
  }

  /** Whether `key` is waiting for a retry. */
  has(key: K): boolean {
    return this.#pending.has(key);
  }

  /** When the retry of `key` runs, or null without one. */
  nextAt(key: K): Date | null {
    return this.#pending.get(key)?.at ?? null;
  }

  /** Consecutive failed runs of `key` (0 once one succeeds). */
  failures(key: K): number {
    return this.#pending.get(key)?.failures ?? 0;
  }

  /** Cancels every retry; later failures schedule none. */
  stop(): void {
    this.#stopped = true;
    for (const key of [...this.#pending.keys()]) this.#cancel(key);
  }

  #schedule(key: K, failures: number, delayMs: number): Date {
    const previous = this.#pending.get(key);
    if (previous) clearTimeout(previous.timer);
    const at = new Date(this.#clock().getTime() + delayMs);
    // The entry stays while the retry runs, so that its outcome continues the backoff (or ends it).
    const timer = setTimeout(() => this.#options.run(key), delayMs);
    this.#pending.set(key, { timer, failures, at });
    return at;
  }

  #cancel(key: K): void {
    const pending = this.#pending.get(key);
    if (pending) clearTimeout(pending.timer);
    this.#pending.delete(key);
  }
}
