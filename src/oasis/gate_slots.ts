/**
 * The shared part of the request gate: reserved request starts kept where several processes see them (the
 * service, the backfill CLI, other instances), so that CAISO's one request per 5 s holds for all of them
 * together and not per process. `nextSlot` is the rule; `src/store/redis_gate_slots.ts` and
 * `src/store/kv_gate_slots.ts` apply it atomically in Redis and in a Deno KV file.
 *
 * @module
 */

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
