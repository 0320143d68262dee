/**
 * The shared part of the request gate: reserved request starts kept where several processes see them (the
 * service, the backfill CLI, other instances), so that CAISO's one request per 5 s holds for all of them
 * together and not per process. `nextSlot` is the rule; `src/store/redis_gate_slots.ts` and
 * `src/store/kv_gate_slots.ts` apply it atomically in Redis and in a Deno KV file.
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

/** What a process asks the shared store for: the next start at or after `now`, with its limits. */
export interface SlotRequest {
  /** The caller's clock, epoch ms. */
  readonly now: number;
  /** Least time between two starts (the guard included). */
  readonly minIntervalMs: number;
  /** Most starts in any 60 s window. */
  readonly ratePerMinute: number;
}

/** A store of reserved request starts shared by several processes. */
export interface SharedSlots {
  /** What it is, for logs (`redis`, `deno kv`). */
  readonly kind: string;
  /**
   * Atomically reserves the earliest start at or after `request.now` that keeps `minIntervalMs` from the
   * latest reserved start and at most `ratePerMinute` starts in any minute; resolves with it (epoch ms).
   */
  reserve(request: SlotRequest): Promise<number>;
}

const MINUTE_MS = 60_000;

/**
 * Reserved starts later than this after `now` are ignored: only a clock that jumped back, or a process
 * with a clock far ahead, leaves one, and it must not hold every process back.
 */
export const SLOT_HORIZON_MS = 3_600_000;

/** The earliest start at or after `request.now` allowed after `starts` (reserved starts, oldest first). */
export function nextSlot(starts: readonly number[], request: SlotRequest): number {
  let at = request.now;
  const last = starts.at(-1);
  if (last !== undefined) at = Math.max(at, last + request.minIntervalMs);
  if (starts.length >= request.ratePerMinute) {
    at = Math.max(at, starts[starts.length - request.ratePerMinute]! + MINUTE_MS);
  }
  return at;
}

/** Reserves in `starts`: the start granted and the list to store (the latest `ratePerMinute` starts). */
export function reserveSlot(
  starts: readonly number[],
  request: SlotRequest,
): { readonly at: number; readonly starts: number[] } {
  const kept = starts.filter((s) => Number.isFinite(s) && s <= request.now + SLOT_HORIZON_MS);
  const at = nextSlot(kept, request);
  return { at, starts: [...kept, at].slice(-request.ratePerMinute) };
}

/** One reservation in `shared`, bounded by `timeoutMs`; rejects for a slot beyond any sensible wait. */
export async function reserveWithin(
  shared: SharedSlots,
  request: SlotRequest,
  timeoutMs: number,
  clock: GateClock,
): Promise<number> {
  let timer: unknown;
  const timeout = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => {
      reject(new Error(`No answer from the shared request gate (${shared.kind}) within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const at = await Promise.race([shared.reserve(request), timeout]);
    if (!Number.isFinite(at) || at > request.now + SLOT_HORIZON_MS) {
      throw new RangeError(`The shared request gate (${shared.kind}) answered an unusable slot "${at}"`);
    }
    return at;
  } finally {
    clock.clearTimeout(timer);
  }
}
