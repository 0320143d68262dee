/**
 * `Coordination` on Redis, shared by every instance pointed at the same server. Every operation is one Lua
 * script (atomic on the server), sent through an `eval` function (`redisEval(client)` of
 * `src/clients/redis.ts`, on the connection the hot store also uses), so this file imports no client. Keys live under
 * `{prefix}caiso:jobs:` — `watermark:{dataset}` (epoch ms), `lock:{name}` (token, `PX` expiry),
 * `digest:{scope}:{utc-day}` (hash: interval ms → digest, expiring) and `checkpoint:{run}` (set).
 *
 * @module
 */
import type { RedisEval } from "../clients/redis.ts";
import { CHECKPOINT_TTL_MS, type Coordination, type Lease } from "./coordination.ts";

const GET = "return redis.call('GET', KEYS[1])";
const ADVANCE = `local s = redis.call('GET', KEYS[1])
if (not s) or tonumber(s) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) return ARGV[1] end
return s`;
const ACQUIRE = "return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX')";
const FINISH = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2]) return 1 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
const HMGET = "return redis.call('HMGET', KEYS[1], unpack(ARGV))";
const HSET = `redis.call('HSET', KEYS[1], unpack(ARGV, 2))
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1`;
const SMEMBERS = "return redis.call('SMEMBERS', KEYS[1])";
const SADD = "redis.call('SADD', KEYS[1], unpack(ARGV, 2)) redis.call('PEXPIRE', KEYS[1], ARGV[1]) return 1";
const DEL = "return redis.call('DEL', KEYS[1])";

/** Arguments per script call (Lua's `unpack` limit is about 8000). */
const CHUNK = 1000;
const DAY_MS = 86_400_000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function byDay(ids: Iterable<number>): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const id of ids) {
    const day = Math.floor(id / DAY_MS);
    const list = out.get(day);
    if (list) list.push(id);
    else out.set(day, [id]);
  }
  return out;
}

/** Options of `RedisCoordination`. */
export interface RedisCoordinationOptions {
  readonly eval: RedisEval;
  /** Prepended to every key (tests); empty in production. */
  readonly prefix?: string;
}

/** The Redis implementation of `Coordination`. */
export class RedisCoordination implements Coordination {
  readonly kind = "redis" as const;
  readonly #eval: RedisEval;
  readonly #root: string;

  constructor(options: RedisCoordinationOptions) {
    this.#eval = options.eval;
    this.#root = `${options.prefix ?? ""}caiso:jobs:`;
  }

  async watermark(dataset: string): Promise<Date | null> {
    const v = await this.#eval(GET, [`${this.#root}watermark:${dataset}`], []);
    return v === null || v === undefined ? null : new Date(Number(v));
  }

  async advanceWatermark(dataset: string, to: Date): Promise<Date> {
    const v = await this.#eval(ADVANCE, [`${this.#root}watermark:${dataset}`], [to.getTime()]);
    return new Date(Number(v));
  }

  async acquire(name: string, ttlMs: number): Promise<Lease | null> {
    const key = `${this.#root}lock:${name}`;
    const token = crypto.randomUUID();
    const ok = await this.#eval(ACQUIRE, [key], [token, Math.max(1, Math.round(ttlMs))]);
    if (ok !== "OK") return null;
    return {
      name,
      release: async () => void await this.#eval(RELEASE, [key], [token]),
      finish: async (holdMs) =>
        void await this.#eval(FINISH, [key], [token, Math.max(1, Math.round(holdMs))]),
    };
  }

  async digests(scope: string, ids: readonly number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    for (const [day, list] of byDay(ids)) {
      for (const part of chunks(list, CHUNK)) {
        const values = await this.#eval(HMGET, [`${this.#root}digest:${scope}:${day}`], part) as
          | (string | null)[]
          | null;
        part.forEach((id, i) => {
          const v = values?.[i];
          if (typeof v === "string") out.set(id, v);
        });
      }
    }
    return out;
  }

  async saveDigests(scope: string, entries: ReadonlyMap<number, string>, ttlMs: number): Promise<void> {
    const ttl = Math.max(1, Math.round(ttlMs));
    for (const [day, list] of byDay(entries.keys())) {
      for (const part of chunks(list, CHUNK)) {
        const args = part.flatMap((id) => [id, entries.get(id)!]);
        await this.#eval(HSET, [`${this.#root}digest:${scope}:${day}`], [ttl, ...args]);
      }
    }
  }

  async checkpoint(run: string): Promise<Set<string>> {
    const members = await this.#eval(SMEMBERS, [`${this.#root}checkpoint:${run}`], []) as string[] | null;
    return new Set(members ?? []);
  }

  async markDone(run: string, ids: readonly string[]): Promise<void> {
    for (const part of chunks(ids, CHUNK)) {
      await this.#eval(SADD, [`${this.#root}checkpoint:${run}`], [CHECKPOINT_TTL_MS, ...part]);
    }
  }

  async clearCheckpoint(run: string): Promise<void> {
    await this.#eval(DEL, [`${this.#root}checkpoint:${run}`], []);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
