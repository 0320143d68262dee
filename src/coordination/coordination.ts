/**
 * Coordination of scheduled jobs across instances: per-dataset watermarks, locks (leases that can be kept
 * as a "done" marker), per-interval digests of what reached Bronze, and backfill checkpoints. Shared by
 * every instance through Redis when `REDIS_URL` is set (`redis_coordination.ts`, on the shared Redis
 * client, mirrored locally by `failover_coordination.ts`), otherwise kept in a local Deno KV file
 * (`kv_coordination.ts`), which the service and the backfill CLI may open at the same time.
 *
 * @module
 */

/** A held lock. */
export interface Lease {
  /** Lock name. */
  readonly name: string;
  /** Frees the lock at once (when still held). */
  release(): Promise<void>;
  /** Keeps the lock as a "done" marker for `holdMs`, so that others skip the same work meanwhile. */
  finish(holdMs: number): Promise<void>;
}

/** Watermarks, locks, digests and checkpoints, visible to every instance that shares the backend. */
export interface Coordination {
  /** Backend kind, for logs. */
  readonly kind: "redis" | "kv";
  /** End of the last interval of `dataset` that reached Bronze and the store, or null. */
  watermark(dataset: string): Promise<Date | null>;
  /** Moves the watermark of `dataset` to `to` unless it is already later; resolves with the result. */
  advanceWatermark(dataset: string, to: Date): Promise<Date>;
  /** Takes lock `name` for `ttlMs`, or resolves null when someone holds it (or its "done" marker). */
  acquire(name: string, ttlMs: number): Promise<Lease | null>;
  /** Stored digests of intervals `ids` (interval starts in epoch ms) in `scope`; absent ones are left out. */
  digests(scope: string, ids: readonly number[]): Promise<Map<number, string>>;
  /** Stores digests of intervals in `scope`, each kept at least `ttlMs`. */
  saveDigests(scope: string, entries: ReadonlyMap<number, string>, ttlMs: number): Promise<void>;
  /** Ids of the windows backfill run `run` has completed. */
  checkpoint(run: string): Promise<Set<string>>;
  /** Records that backfill run `run` completed the windows `ids`. */
  markDone(run: string, ids: readonly string[]): Promise<void>;
  /** Forgets the checkpoint of backfill run `run`. */
  clearCheckpoint(run: string): Promise<void>;
  /** Releases what this object owns (the KV file it opened; nothing for Redis). */
  close(): Promise<void>;
}

/** How long checkpoints of an unfinished backfill are kept. */
export const CHECKPOINT_TTL_MS = 30 * 86_400_000;
