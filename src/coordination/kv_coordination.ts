/**
 * `Coordination` in one Deno KV database: the jobs' file `JOBS_KV_PATH`, which the service and the backfill
 * CLI may open at the same time (every write is an atomic check on the entry's versionstamp, retried while
 * the file is locked). Without Redis it is the coordination; with Redis, the local mirror of it.
 *
 * @module
 */
import { CHECKPOINT_TTL_MS, type Coordination, type Lease } from "./coordination.ts";
import { retryWhileLocked } from "./kv_retry.ts";

/** Options of `KvCoordination`. */
export interface KvCoordinationOptions {
  readonly kv: Deno.Kv;
  /** Key parts before every key (default `["jobs"]`). */
  readonly prefix?: Deno.KvKey;
  /** Clock for lock expiry (default the system clock). */
  readonly clock?: () => Date;
  /** Whether `close()` closes `kv`. */
  readonly ownsKv?: boolean;
}

interface LockValue {
  readonly token: string;
  readonly until: number;
}

const BATCH = 500;

/** `Coordination` in one Deno KV database: for a single instance (or several sharing one file). */
export class KvCoordination implements Coordination {
  readonly kind = "kv" as const;
  readonly #kv: Deno.Kv;
  readonly #prefix: Deno.KvKey;
  readonly #clock: () => Date;
  readonly #ownsKv: boolean;

  constructor(options: KvCoordinationOptions) {
    this.#kv = options.kv;
    this.#prefix = options.prefix ?? ["jobs"];
    this.#clock = options.clock ?? (() => new Date());
    this.#ownsKv = options.ownsKv ?? false;
  }

  async watermark(dataset: string): Promise<Date | null> {
    const e = await this.#kv.get<number>([...this.#prefix, "watermark", dataset]);
    return e.value === null ? null : new Date(e.value);
  }

  async advanceWatermark(dataset: string, to: Date): Promise<Date> {
    const key = [...this.#prefix, "watermark", dataset];
    for (;;) {
      const done = await retryWhileLocked(async () => {
        const e = await this.#kv.get<number>(key);
        if (e.value !== null && e.value >= to.getTime()) return new Date(e.value);
        const res = await this.#kv.atomic().check(e).set(key, to.getTime()).commit();
        return res.ok ? to : null;
      });
      if (done !== null) return done;
    }
  }

  async acquire(name: string, ttlMs: number): Promise<Lease | null> {
    const key = [...this.#prefix, "lock", name];
    const token = crypto.randomUUID();
    for (;;) {
      const taken = await retryWhileLocked(async () => {
        const e = await this.#kv.get<LockValue>(key);
        const now = this.#clock().getTime();
        if (e.value !== null && e.value.until > now) return "held";
        const value: LockValue = { token, until: now + ttlMs };
        return (await this.#kv.atomic().check(e).set(key, value).commit()).ok ? "taken" : "raced";
      });
      if (taken === "held") return null;
      if (taken === "taken") return this.#lease(name, key, token);
    }
  }

  #lease(name: string, key: Deno.KvKey, token: string): Lease {
    const ifMine = (write: (op: Deno.AtomicOperation) => Deno.AtomicOperation) =>
      retryWhileLocked(async () => {
        const e = await this.#kv.get<LockValue>(key);
        if (e.value?.token !== token) return;
        await write(this.#kv.atomic().check(e)).commit();
      });
    return {
      name,
      release: () => ifMine((op) => op.delete(key)),
      finish: (holdMs) =>
        ifMine((op) => op.set(key, { token: "done", until: this.#clock().getTime() + holdMs })),
    };
  }

  async digests(scope: string, ids: readonly number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    if (ids.length === 0) return out;
    const wanted = new Set(ids);
    const prefix = [...this.#prefix, "digest", scope];
    let min = Infinity, max = -Infinity;
    for (const id of ids) [min, max] = [Math.min(min, id), Math.max(max, id)];
    const start = [...prefix, min];
    const end = [...prefix, max + 1];
    for await (const e of this.#kv.list<string>({ start, end })) {
      const id = e.key.at(-1) as number;
      if (wanted.has(id)) out.set(id, e.value);
    }
    return out;
  }

  async saveDigests(scope: string, entries: ReadonlyMap<number, string>, ttlMs: number): Promise<void> {
    const list = [...entries];
    for (let i = 0; i < list.length; i += BATCH) {
      const res = await retryWhileLocked(() => {
        const op = this.#kv.atomic();
        for (const [id, digest] of list.slice(i, i + BATCH)) {
          op.set([...this.#prefix, "digest", scope, id], digest, { expireIn: ttlMs });
        }
        return op.commit();
      });
      if (!res.ok) throw new Error("Deno KV refused to store interval digests");
    }
  }

  async checkpoint(run: string): Promise<Set<string>> {
    const out = new Set<string>();
    for await (const e of this.#kv.list({ prefix: [...this.#prefix, "checkpoint", run] })) {
      out.add(String(e.key.at(-1)));
    }
    return out;
  }

  async markDone(run: string, ids: readonly string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += BATCH) {
      const res = await retryWhileLocked(() => {
        const op = this.#kv.atomic();
        for (const id of ids.slice(i, i + BATCH)) {
          op.set([...this.#prefix, "checkpoint", run, id], true, { expireIn: CHECKPOINT_TTL_MS });
        }
        return op.commit();
      });
      if (!res.ok) throw new Error("Deno KV refused to store a backfill checkpoint");
    }
  }

  async clearCheckpoint(run: string): Promise<void> {
    const keys: Deno.KvKey[] = [];
    for await (const e of this.#kv.list({ prefix: [...this.#prefix, "checkpoint", run] })) keys.push(e.key);
    for (let i = 0; i < keys.length; i += BATCH) {
      await retryWhileLocked(() => {
        const op = this.#kv.atomic();
        for (const key of keys.slice(i, i + BATCH)) op.delete(key);
        return op.commit();
      });
    }
  }

  close(): Promise<void> {
    if (this.#ownsKv) this.#kv.close();
    return Promise.resolve();
  }
}
