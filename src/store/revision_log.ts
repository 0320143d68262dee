/**
 * The revision log of the hot store: every time an interval's price is replaced (a re-poll revision or a
 * CAISO price correction) the store records when, the price replaced and the new one, beside the series
 * that keeps only the latest price. With it `/api/history?as_of=` answers the prices as they were known
 * at a past instant: the first published price of an interval revised later, or the revision in force.
 * Redis keeps it in the sorted set `caiso:{zone}:<series>:revisions` (score: interval start; member: JSON),
 * Deno KV under `caiso/zone/<zone>/revisions:<series>/<interval ms>/<revision ms>`; both are trimmed with
 * their series. Its own keys and functions, so that the store's other writes stay as they are.
 *
 * @module
 */
import { type KvKeys, kvRangeSelector, type RedisKeys, SERIES_SUFFIX } from "./keys.ts";
import type { Market, PriceUpdate, SeriesPoint, TimeRange } from "./store.ts";

/** One replaced price of one interval. */
export interface PriceRevision {
  /** Interval start, epoch ms. */
  readonly ms: number;
  /** When the store took the new price, epoch ms. */
  readonly at: number;
  /** The price replaced. */
  readonly previous_price: number;
  /** The price that replaced it. */
  readonly price: number;
}

/** The revisions of `updates` written at `now` (new intervals are not revisions). */
export function revisionsOf(
  updates: readonly PriceUpdate[],
  now: Date,
): Array<PriceRevision & { zone: string; market: Market }> {
  const at = now.getTime();
  return updates.filter((u) => u.revised && u.previous_price !== null).map((u) => ({
    zone: u.zone,
    market: u.market,
    ms: u.ms,
    at,
    previous_price: u.previous_price!,
    price: u.price,
  }));
}

/**
 * The prices of `points` as known at `asOfMs`: an interval revised after it gets the price then in force
 * (the latest revision made by then, else the first published price). Intervals first published after
 * `asOfMs` are not told apart (the store keeps no first-publication time of intervals never revised).
 */
export function pricesAsOf(
  points: readonly SeriesPoint[],
  revisions: readonly PriceRevision[],
  asOfMs: number,
): SeriesPoint[] {
  const byInterval = new Map<number, PriceRevision[]>();
  for (const r of revisions) {
    let list = byInterval.get(r.ms);
    if (!list) byInterval.set(r.ms, list = []);
    list.push(r);
  }
  return points.map((p) => {
    const list = byInterval.get(p.ms)?.sort((a, b) => a.at - b.at);
    if (!list || list.at(-1)!.at <= asOfMs) return p;
    const known = list.filter((r) => r.at <= asOfMs).at(-1);
    return { ...p, price: known ? known.price : list[0]!.previous_price };
  });
}

function isRevision(v: unknown): v is PriceRevision {
  const r = v as Partial<PriceRevision> | null;
  return typeof r === "object" && r !== null &&
    [r.ms, r.at, r.previous_price, r.price].every(Number.isFinite);
}

/** The Redis commands the log queues (on the store's MULTI); structural, so that only the store imports ioredis. */
export interface RevisionWrites {
  zadd(key: string, score: number, member: string): unknown;
  zremrangebyscore(key: string, min: string, max: string): unknown;
}

/** The Redis command the log reads with. */
export interface RevisionReads {
  zrangebyscore(key: string, min: string, max: string): Promise<string[]>;
}

/** Redis key of the revision log of `zone`'s `market` series. */
export function redisRevisionsKey(keys: RedisKeys, zone: string, market: Market): string {
  return `${keys.series(zone, market)}:revisions`;
}

/** Queues the revisions of `updates` and the trims on `m` (inside the store's MULTI). */
export function queueRedisRevisions(
  m: RevisionWrites,
  keys: RedisKeys,
  updates: readonly PriceUpdate[],
  now: Date,
  trims: readonly { zone: string; market: Market; cutoffMs: number }[],
): void {
  for (const r of revisionsOf(updates, now)) {
    const { zone, market, ...entry } = r;
    m.zadd(redisRevisionsKey(keys, zone, market), r.ms, JSON.stringify(entry));
  }
  for (const t of trims) {
    m.zremrangebyscore(redisRevisionsKey(keys, t.zone, t.market), "-inf", `(${t.cutoffMs}`);
  }
}

/** The revisions of intervals in `range` from Redis. */
export async function readRedisRevisions(
  client: RevisionReads,
  keys: RedisKeys,
  zone: string,
  market: Market,
  range: TimeRange,
): Promise<PriceRevision[]> {
  const from = range.from ? String(range.from.getTime()) : "-inf";
  const to = range.to ? String(range.to.getTime()) : "+inf";
  const members = await client.zrangebyscore(redisRevisionsKey(keys, zone, market), from, to);
  return members.map((m) => {
    try {
      return JSON.parse(m) as unknown;
    } catch {
      return null;
    }
  }).filter(isRevision);
}

/** Deno KV prefix of the revision log of `zone`'s `market` series. */
export function kvRevisionsPrefix(keys: KvKeys, zone: string, market: Market): Deno.KvKey {
  return [...keys.current(zone).slice(0, -1), `revisions:${SERIES_SUFFIX[market]}`];
}

/** The Deno KV entries of the revisions of `updates`. */
export function kvRevisionEntries(
  keys: KvKeys,
  updates: readonly PriceUpdate[],
  now: Date,
): Array<{ key: Deno.KvKey; value: PriceRevision }> {
  return revisionsOf(updates, now).map(({ zone, market, ...entry }) => ({
    key: [...kvRevisionsPrefix(keys, zone, market), entry.ms, entry.at],
    value: entry,
  }));
}

/** The revisions of intervals in `range` from Deno KV. */
export async function readKvRevisions(
  kv: Deno.Kv,
  keys: KvKeys,
  zone: string,
  market: Market,
  range: TimeRange,
): Promise<PriceRevision[]> {
  const selector = kvRangeSelector(kvRevisionsPrefix(keys, zone, market), range);
  const out: PriceRevision[] = [];
  for await (const e of kv.list(selector)) if (isRevision(e.value)) out.push(e.value);
  return out;
}
