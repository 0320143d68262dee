/**
 * The request gate: CAISO allows one OASIS request per 5 seconds per client IP (and answers HTTP 429
 * otherwise), so every request of every job, retries included, waits here for its turn. In-process callers
 * queue here first; with shared slots (`shared`: Redis or the jobs' Deno KV file) each start is then also
 * reserved where the other processes (backfill CLI, other instances) reserve theirs, so the spacing holds
 * for all of them together. When the shared store fails or does not answer within `sharedTimeoutMs`, the
 * gate goes on with its own spacing: polling never stops because of the gate.
 *
 * The client takes a ticket (`reserve()`) rather than waiting here (`acquire()`): a start is only as good
 * as the moment the request leaves, and a request started on a main thread busy parsing or delivering a
 * large answer leaves when that work yields, into another process's slot. The ticket names the start and
 * the latest start still allowed; `WorkerSender` keeps to it from a thread of its own.
 *
 * @module
 */
import { type GateClock, nextSlot, reserveWithin, type SharedSlots } from "./gate_slots.ts";

export type { GateClock, SharedSlots, SlotRequest } from "./gate_slots.ts";

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
  /** Reserved starts shared with other processes (default none: this process only), fixed at construction. */
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
/**
 * How long before its start a ticket (`reserve()`) is handed out: the request is then sent by a thread
 * whose event loop a long parse or delivery on the main thread does not hold up (`fetch_worker.ts`), so a
 * main thread that wakes up to this late still starts on time.
 */
export const TICKET_LEAD_MS = 1000;
/** Slots tried for one start before it goes ahead anyway (a process whose timers keep firing late). */
const SLOT_TRIES = 3;

// Looked up on every call, not captured, so that fake timers installed after construction still apply.
const GLOBAL_CLOCK: GateClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as number),
};

/** A reserved start: the request must start at `at` or later, and not after `until` (else it is missed). */
export interface GateTicket {
  /** Start time, epoch ms. */
  readonly at: number;
  /** Latest start that still keeps the interval from the next reserved start, epoch ms. */
  readonly until: number;
}

interface Waiter {
  resolve: (ticket: GateTicket) => void;
  /** Wants its ticket up to `TICKET_LEAD_MS` early (`reserve()`) rather than at the start (`acquire()`). */
  early: boolean;
  /** Served only when no other waiter is queued (a backfill behind live polls). */
  background: boolean;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** Options of `RequestGate.reserve()`. */
export interface ReserveOptions {
  /** Served after every other waiter (a backfill: it never delays a live poll by more than one start). */
  readonly background?: boolean;
}

/** Spaces request starts `minIntervalMs` apart, at most `ratePerMinute` a minute, in order (background last). */
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
    this.#shared = options.shared;
    this.#onSharedState = options.onSharedState;
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
   * Resolves when the caller may start a request (the start is recorded then); callers are served in
   * the order they called. Rejects with `signal.reason` if `signal` aborts first.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    return this.#enqueue(false, signal).then(() => {});
  }

  /**
   * Like `acquire()`, but resolves up to `TICKET_LEAD_MS` before the start with the ticket of the start:
   * the caller starts at `ticket.at` (not before) and only until `ticket.until`; past that it must ask
   * again. For a sender whose timing does not depend on this thread's event loop.
   */
  reserve(signal?: AbortSignal, options: ReserveOptions = {}): Promise<GateTicket> {
    return this.#enqueue(true, signal, options.background ?? false);
  }

  #enqueue(early: boolean, signal?: AbortSignal, background = false): Promise<GateTicket> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<GateTicket>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, early, background };
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
      this.#grant(now);
    }
  }

  /** The waiter served next: the first in arrival order, a background one only when no other waits. */
  #nextIndex(): number {
    const live = this.#queue.findIndex((w) => !w.background);
    return live >= 0 ? live : this.#queue.length > 0 ? 0 : -1;
  }

  /** Lets the next waiter start at `at` and records the start. */
  #grant(at: number): void {
    const index = this.#nextIndex();
    const waiter = index < 0 ? undefined : this.#queue.splice(index, 1)[0];
    if (waiter === undefined) return; // it was aborted while its slot was reserved: the slot goes unused
    if (waiter.onAbort) waiter.signal?.removeEventListener("abort", waiter.onAbort);
    // A ticket's start is ahead; an `acquire()` starts now, which a stalled event loop may make late.
    const start = waiter.early ? at : Math.max(at, this.#clock.now());
    this.#starts.push(start);
    if (this.#starts.length > this.#ratePerMinute) this.#starts.shift();
    waiter.resolve({ at: start, until: start + this.#lateMs });
  }

  /** Reserves a shared slot, waits for it, then grants; on failure grants at once on local spacing. */
  async #grantShared(shared: SharedSlots): Promise<void> {
    let at: number;
    try {
      for (let tries = 1;; tries++) {
        const request = {
          now: this.#clock.now(),
          minIntervalMs: this.#minIntervalMs,
          ratePerMinute: this.#ratePerMinute,
        };
        at = await reserveWithin(shared, request, this.#sharedTimeoutMs, this.#clock);
        const lead = this.#queue[this.#nextIndex()]?.early ? TICKET_LEAD_MS : 0;
        await this.#sleepUntil(at - lead);
        // A stalled event loop can make this start late enough to crowd the next process's slot (a late
        // ticket is refused by its sender, which asks again).
        if (this.#clock.now() - at <= this.#lateMs || tries >= SLOT_TRIES) break;
      }
      this.#sharedState("shared");
    } catch (error) {
      at = this.#clock.now();
      this.#fallbacks++;
      this.#localUntil = at + this.#sharedRetryMs;
      this.#sharedState("local", error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.#reserving = false;
    }
    this.#grant(at);
    this.#pump();
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
