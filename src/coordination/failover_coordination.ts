/**
 * Job coordination that keeps polling and Bronze publishing going while Redis is down. Redis (`primary`)
 * stays the shared truth; every watermark, digest and checkpoint is also written to a local mirror (the
 * Deno KV file `JOBS_KV_PATH`), which answers whenever a Redis call fails:
 *
 * - watermark: the mirror's. When Redis answers again, the further of the two wins and is written to
 *   both (a restarted Redis without persistence comes back empty; an advance made meanwhile is kept).
 * - lock: a lock in the mirror. It excludes processes sharing the file (the service and the backfill CLI),
 *   not other machines: during an outage two instances may fetch the same window. Bronze keys make that
 *   an overwrite, not a new fact, and digests keep each instance from sending an unchanged interval twice.
 * - digests: the mirror's. Digests saved during the outage are written to Redis before its next use; when
 *   Redis answers, it wins where it has a digest and the mirror fills what it lacks (a restarted Redis).
 * - checkpoints: the union of both.
 *
 * @module
 */
import type { Coordination, Lease } from "./coordination.ts";

/** Options of `FailoverCoordination`. */
export interface FailoverCoordinationOptions {
  /** The shared coordination (Redis). */
  readonly primary: Coordination;
  /** The local mirror (`KvCoordination` on `JOBS_KV_PATH`); closed with this object. */
  readonly local: Coordination;
  /** Hears when `primary` stops answering (with why) and when it answers again. */
  readonly onPrimary?: (reachable: boolean, error?: Error) => void;
}

type Attempt<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

interface Pending {
  readonly digests: Map<number, string>;
  ttlMs: number;
}

/** `Coordination` on Redis with a local mirror that takes over while Redis is unreachable. */
export class FailoverCoordination implements Coordination {
  readonly kind: Coordination["kind"];
  readonly #primary: Coordination;
  readonly #local: Coordination;
  readonly #onPrimary?: (reachable: boolean, error?: Error) => void;
  /** Digests saved while the primary was down, by scope: written to it before its next use. */
  #pending = new Map<string, Pending>();
  #flushing: Promise<void> | undefined;
  #reachable = true;
  #fallbacks = 0;

  constructor(options: FailoverCoordinationOptions) {
    this.#primary = options.primary;
    this.#local = options.local;
    this.#onPrimary = options.onPrimary;
    this.kind = options.primary.kind;
  }

  /** Whether the last call to the primary succeeded. */
  get reachable(): boolean {
    return this.#reachable;
  }

  /** Calls answered by the mirror because the primary failed. */
  get fallbacks(): number {
    return this.#fallbacks;
  }

  async watermark(dataset: string): Promise<Date | null> {
    const local = await this.#local.watermark(dataset);
    const remote = await this.#try((p) => p.watermark(dataset));
    if (!remote.ok) return local;
    if (local !== null && (remote.value === null || local > remote.value)) {
      const pushed = await this.#try((p) => p.advanceWatermark(dataset, local));
      return pushed.ok ? pushed.value : local;
    }
    if (remote.value !== null && (local === null || remote.value > local)) {
      await this.#local.advanceWatermark(dataset, remote.value);
    }
    return remote.value;
  }

  async advanceWatermark(dataset: string, to: Date): Promise<Date> {
    const local = await this.#local.advanceWatermark(dataset, to);
    const remote = await this.#try((p) => p.advanceWatermark(dataset, local));
    if (!remote.ok || remote.value <= local) return local;
    return await this.#local.advanceWatermark(dataset, remote.value);
  }

  async acquire(name: string, ttlMs: number): Promise<Lease | null> {
    const remote = await this.#try((p) => p.acquire(name, ttlMs));
    if (!remote.ok) return await this.#local.acquire(name, ttlMs);
    const lease = remote.value;
    if (lease === null) return null;
    // Redis going away mid-run must not fail a run whose data is delivered: the lock expires by itself.
    return {
      name,
      release: async () => void await this.#try(() => lease.release()),
      finish: async (holdMs) => void await this.#try(() => lease.finish(holdMs)),
    };
  }

  async digests(scope: string, ids: readonly number[]): Promise<Map<number, string>> {
    const out = await this.#local.digests(scope, ids);
    const remote = await this.#try((p) => p.digests(scope, ids));
    if (remote.ok) { for (const [id, digest] of remote.value) out.set(id, digest); }
    return out;
  }

  async saveDigests(scope: string, entries: ReadonlyMap<number, string>, ttlMs: number): Promise<void> {
    await this.#local.saveDigests(scope, entries, ttlMs);
    const remote = await this.#try((p) => p.saveDigests(scope, entries, ttlMs));
    if (!remote.ok) this.#keep(scope, entries, ttlMs);
  }

  async checkpoint(run: string): Promise<Set<string>> {
    const out = await this.#local.checkpoint(run);
    const remote = await this.#try((p) => p.checkpoint(run));
    if (remote.ok) { for (const id of remote.value) out.add(id); }
    return out;
  }

  async markDone(run: string, ids: readonly string[]): Promise<void> {
    await this.#local.markDone(run, ids);
    await this.#try((p) => p.markDone(run, ids));
  }

  async clearCheckpoint(run: string): Promise<void> {
    await this.#local.clearCheckpoint(run);
    await this.#try((p) => p.clearCheckpoint(run));
  }

  async close(): Promise<void> {
    await this.#primary.close();
    await this.#local.close();
  }

  /** Runs `op` on the primary (after writing what it missed); `{ ok: false }` when it fails. */
  async #try<T>(op: (primary: Coordination) => Promise<T>): Promise<Attempt<T>> {
    try {
      // Reads wait for the digests the primary missed, so that it never answers with older ones.
      while (this.#flushing !== undefined || this.#pending.size > 0) await (this.#flushing ??= this.#flush());
      const value = await op(this.#primary);
      this.#state(true);
      return { ok: true, value };
    } catch (error) {
      this.#fallbacks++;
      this.#state(false, error instanceof Error ? error : new Error(String(error)));
      return { ok: false };
    }
  }

  async #flush(): Promise<void> {
    const pending = this.#pending;
    this.#pending = new Map();
    try {
      for (const [scope, p] of pending) {
        await this.#primary.saveDigests(scope, p.digests, p.ttlMs);
        pending.delete(scope);
      }
    } catch (error) {
      for (const [scope, p] of pending) this.#keep(scope, p.digests, p.ttlMs, false);
      throw error;
    } finally {
      this.#flushing = undefined;
    }
  }

  /** Remembers digests the primary missed; `newer` ones replace what is kept. */
  #keep(scope: string, digests: ReadonlyMap<number, string>, ttlMs: number, newer = true): void {
    let p = this.#pending.get(scope);
    if (p === undefined) this.#pending.set(scope, p = { digests: new Map(), ttlMs });
    p.ttlMs = Math.max(p.ttlMs, ttlMs);
    for (const [id, digest] of digests) if (newer || !p.digests.has(id)) p.digests.set(id, digest);
  }

  #state(reachable: boolean, error?: Error): void {
    if (reachable === this.#reachable) return;
    this.#reachable = reachable;
    try {
      this.#onPrimary?.(reachable, error);
    } catch {
      // A failing log hook must not fail a poll.
    }
  }
}
