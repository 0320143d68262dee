/**
 * The request gate: CAISO allows one OASIS request per 5 seconds per client IP (and answers HTTP 429
 * otherwise), so every request of every job, retries included, waits here for its turn. In-process callers
 * queue here first; with shared slots (`share()`: Redis or the jobs' Deno KV file) each start is then also
 * reserved where the other processes (backfill CLI, other instances) reserve theirs, so the spacing holds
 * for all of them together. When the shared store fails or does not answer within `sharedTimeoutMs`, the
 * gate goes on with its own spacing: polling never stops because of the gate.
 *
 * @module
 */
import { nextSlot, type SharedSlots, SLOT_HORIZON_MS } from "./gate_slots.ts";

export type { SharedSlots, SlotRequest } from "./gate_slots.ts";

/** Clock and timers the gate uses; the default reads `Date.now()` and `globalThis.setTimeout` at call time. */
export interface GateClock {
  /** Current time in epoch milliseconds. */
  now(): number;
  /** Schedules `fn` after `ms` milliseconds and returns a handle for `clearTimeout`. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer made by `setTimeout`. */
  clearTimeout(handle: unknown): void;
}

/** Whether starts are reserved in the shared store (`shared`) or, that failing, spaced in this process only. */
export type SharedGateState = "shared" | "local";

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
  /** Reserved starts shared with other processes (default none: this process only); see `share()`. */
  shared?: SharedSlots;
  /** Longest wait for the shared store before a start goes ahead on local spacing (default 5000 ms). */
  sharedTimeoutMs?: number;
  /**
   * After the shared store failed, how long starts go ahead on local spacing before it is asked again
   * (default 30 000 ms).
   */
  sharedRetryMs?: number;
  /** Called when the gate falls back to local spacing (with why) and when the shared store answers again. */
  onSharedState?: (state: SharedGateState, error?: Error) => void;
}

/** How the gate has been reserving starts. */
export interface GateStats {
  /** Kind of the shared store, or null when the gate is per process. */
  readonly shared: string | null;
  /** `local` after the shared store failed, until it answers again. */
  readonly state: SharedGateState;
  /** Starts that went ahead on local spacing because the shared store failed or was slow. */
  readonly fallbacks: number;
}

/** Least lateness tolerated after a shared slot before it is given up for a new one. */
const MIN_LATE_MS = 25;
/** Slots tried for one start before it goes ahead anyway (a process whose timers keep firing late). */
const SLOT_TRIES = 3;

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
  readonly #lateMs: number;
  readonly #clock: GateClock;
  readonly #sharedTimeoutMs: number;
  readonly #sharedRetryMs: number;
  /** Start times of the most recent requests (at most `ratePerMinute`), oldest first. */
  readonly #starts: number[] = [];
  readonly #queue: Waiter[] = [];
  #timer: unknown = undefined;
  #shared: SharedSlots | undefined;
  #onSharedState: ((state: SharedGateState, error?: Error) => void) | undefined;
  #state: SharedGateState = "shared";
  #fallbacks = 0;
  /** Until then starts go ahead on local spacing (the shared store failed). */
  #localUntil = -Infinity;
  /** A shared slot is being reserved or waited for; the queue moves on when it is granted. */
  #reserving = false;

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
    // A start this late after its shared slot still keeps `minIntervalMs` from the next process's slot.
    this.#lateMs = Math.max(MIN_LATE_MS, options.guardMs ?? 0);
    this.#clock = options.clock ?? GLOBAL_CLOCK;
    this.#sharedTimeoutMs = options.sharedTimeoutMs ?? 5000;
    this.#sharedRetryMs = options.sharedRetryMs ?? 30_000;
    this.share(options.shared, options.onSharedState);
  }

  /** Number of callers waiting for their turn. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Whether starts are shared with other processes, and how often the shared store failed. */
  get stats(): GateStats {
    return { shared: this.#shared?.kind ?? null, state: this.#state, fallbacks: this.#fallbacks };
  }

  /**
   * From now on reserves every start in `shared` too (undefined: this process only), after the in-process
   * spacing; `onState` hears when the gate falls back to local spacing and when the store answers again.
   */
  share(shared: SharedSlots | undefined, onState?: (state: SharedGateState, error?: Error) => void): void {
    this.#shared = shared;
    this.#onSharedState = onState;
    this.#state = "shared";
    this.#localUntil = -Infinity;
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

  /** The earliest time the next request may start, by this process's own starts. */
  #nextStartAt(): number {
    return nextSlot(this.#starts, {
      now: -Infinity,
      minIntervalMs: this.#minIntervalMs,
      ratePerMinute: this.#ratePerMinute,
    });
  }

  #pump(): void {
    if (this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    while (this.#queue.length > 0 && !this.#reserving) {
      const now = this.#clock.now();
      const at = this.#nextStartAt();
      if (at > now) {
        this.#timer = this.#clock.setTimeout(() => {
          this.#timer = undefined;
          this.#pump();
        }, at - now);
        return;
      }
      if (this.#shared !== undefined && now >= this.#localUntil) {
        this.#reserving = true;
        void this.#grantShared(this.#shared);
        return;
      }
      if (this.#shared !== undefined) this.#fallbacks++;
      this.#grant();
    }
  }

  /** Lets the first waiter start now and records the start. */
  #grant(): void {
    const waiter = this.#queue.shift();
    if (waiter === undefined) return; // it was aborted while its slot was reserved: the slot goes unused
    if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
    this.#starts.push(this.#clock.now());
    if (this.#starts.length > this.#ratePerMinute) this.#starts.shift();
    waiter.resolve();
  }

  /** Reserves a shared slot, waits for it, then grants; on failure grants at once on local spacing. */
  async #grantShared(shared: SharedSlots): Promise<void> {
    try {
      for (let tries = 1;; tries++) {
        const slot = await this.#reserve(shared);
        await this.#sleepUntil(slot);
        // A stalled event loop can make this start late enough to crowd the next process's slot.
        if (this.#clock.now() - slot <= this.#lateMs || tries >= SLOT_TRIES) break;
      }
      this.#sharedState("shared");
    } catch (error) {
      this.#fallbacks++;
      this.#localUntil = this.#clock.now() + this.#sharedRetryMs;
      this.#sharedState("local", error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.#reserving = false;
    }
    this.#grant();
    this.#pump();
  }

  /** One reservation, bounded by `sharedTimeoutMs`; rejects for a slot beyond any sensible wait. */
  async #reserve(shared: SharedSlots): Promise<number> {
    const now = this.#clock.now();
    const request = { now, minIntervalMs: this.#minIntervalMs, ratePerMinute: this.#ratePerMinute };
    let timer: unknown;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.#clock.setTimeout(() => {
        const wait = `within ${this.#sharedTimeoutMs} ms`;
        reject(new Error(`No answer from the shared request gate (${shared.kind}) ${wait}`));
      }, this.#sharedTimeoutMs);
    });
    try {
      const at = await Promise.race([shared.reserve(request), timeout]);
      if (!Number.isFinite(at) || at > now + SLOT_HORIZON_MS) {
        throw new RangeError(`The shared request gate (${shared.kind}) answered an unusable slot "${at}"`);
      }
      return at;
    } finally {
      this.#clock.clearTimeout(timer);
    }
  }

  #sleepUntil(at: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const check = () => {
        const wait = at - this.#clock.now();
        if (wait <= 0) resolve();
        else this.#clock.setTimeout(check, wait);
      };
      check();
    });
  }

  #sharedState(state: SharedGateState, error?: Error): void {
    if (state === this.#state) return;
    this.#state = state;
    try {
      this.#onSharedState?.(state, error);
    } catch {
      // A failing log hook must not stop the gate.
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
