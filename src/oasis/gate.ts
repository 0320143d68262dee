/**
 * The process-wide request gate: CAISO allows one OASIS request per 5 seconds per client IP (and answers
 * HTTP 429 otherwise), so every request of every job, retries included, waits here for its turn.
 *
 * @module
 */

/** Clock and timers the gate uses; the default reads `Date.now()` and `globalThis.setTimeout` at call time. */
export interface GateClock {
  /** Current time in epoch milliseconds. */
  now(): number;
  /** Schedules `fn` after `ms` milliseconds and returns a handle for `clearTimeout`. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer made by `setTimeout`. */
  clearTimeout(handle: unknown): void;
}

/** Options for `RequestGate`. */
export interface RequestGateOptions {
  /** Least time between two request starts, in ms (default 5000: CAISO's one request per 5 s). */
  minIntervalMs?: number;
  /** Most request starts in any 60 s window (default 50). */
  ratePerMinute?: number;
  /**
   * Added to a non-zero `minIntervalMs` (default 0; the service uses `CAISO_OASIS_GUARD_MS`, 100). The gate spaces request *starts* here; OASIS's edge
   * measures *arrivals*, which jitter by a few ms, so exactly 5000 ms apart can still be answered with 429.
   */
  guardMs?: number;
  /** Clock and timers (default: the globals, so fake timers control them). */
  clock?: GateClock;
}

const MINUTE_MS = 60_000;

// Looked up on every call, not captured, so that fake timers installed after construction still apply.
const GLOBAL_CLOCK: GateClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as number),
};

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** Spaces request starts: `minIntervalMs` apart, at most `ratePerMinute` a minute, first come first served. */
export class RequestGate {
  readonly #minIntervalMs: number;
  readonly #ratePerMinute: number;
  readonly #clock: GateClock;
  /** Start times of the most recent requests (at most `ratePerMinute`), oldest first. */
  readonly #starts: number[] = [];
  readonly #queue: Waiter[] = [];
  #timer: unknown = undefined;

  constructor(options: RequestGateOptions = {}) {
    const minIntervalMs = options.minIntervalMs ?? 5000;
    const ratePerMinute = options.ratePerMinute ?? 50;
    if (!(minIntervalMs >= 0) || !Number.isFinite(minIntervalMs)) {
      throw new RangeError(`Invalid minIntervalMs "${minIntervalMs}": expected a finite number >= 0`);
    }
    if (!Number.isInteger(ratePerMinute) || ratePerMinute < 1) {
      throw new RangeError(`Invalid ratePerMinute "${ratePerMinute}": expected an integer >= 1`);
    }
    this.#minIntervalMs = minIntervalMs > 0 ? minIntervalMs + (options.guardMs ?? 0) : 0;
    this.#ratePerMinute = ratePerMinute;
    this.#clock = options.clock ?? GLOBAL_CLOCK;
  }

  /** Number of callers waiting for their turn. */
  get waiting(): number {
    return this.#queue.length;
  }

  /**
   * Resolves when the caller may start a request (the start is recorded then); callers are served in
   * the order they called. Rejects with `signal.reason` if `signal` aborts first.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => this.#cancel(waiter);
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  /** The earliest time the next request may start. */
  #nextStartAt(): number {
    const last = this.#starts.at(-1);
    let at = last === undefined ? -Infinity : last + this.#minIntervalMs;
    if (this.#starts.length >= this.#ratePerMinute) {
      const oldest = this.#starts[this.#starts.length - this.#ratePerMinute]!;
      at = Math.max(at, oldest + MINUTE_MS);
    }
    return at;
  }

  #pump(): void {
    if (this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    while (this.#queue.length > 0) {
      const now = this.#clock.now();
      const at = this.#nextStartAt();
      if (at > now) {
        this.#timer = this.#clock.setTimeout(() => {
          this.#timer = undefined;
          this.#pump();
        }, at - now);
        return;
      }
      const waiter = this.#queue.shift()!;
      if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
      this.#starts.push(now);
      if (this.#starts.length > this.#ratePerMinute) this.#starts.shift();
      waiter.resolve();
    }
  }

  #cancel(waiter: Waiter): void {
    const index = this.#queue.indexOf(waiter);
    if (index < 0) return;
    this.#queue.splice(index, 1);
    waiter.reject(waiter.signal?.reason);
    if (this.#queue.length === 0 && this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }
}
