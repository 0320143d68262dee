/**
 * One interval's LMP with its components (energy, congestion, loss, GHG), read back from the zone's event
 * stream (`caiso:{zone}:stream`), the only place the store keeps components: the newest entry of that
 * interval is its latest price. The stream is capped (`STORE_STREAM_MAXLEN`), so an old interval may be gone.
 *
 * @module
 */
import type { RedisClient as Redis } from "../clients/redis.ts";
import type { Market, PriceComponent, PriceUpdate } from "./store.ts";

/** Which interval to find: the newest of `market`, or the one starting at `timestamp`. */
export interface IntervalQuery {
  readonly market: Market;
  /** Interval start, UTC ISO-8601 ending in `Z`; absent for the newest interval. */
  readonly timestamp?: string;
}

/** Stream entries read from Redis in one `XREVRANGE`. */
const PAGE = 500;

const COMPONENTS: readonly PriceComponent[] = ["MCE", "MCC", "MCL", "MGHG"];

/** Whether stream entry `u` is the interval asked for. */
export const matches = (u: PriceUpdate, q: IntervalQuery): boolean =>
  u.market === q.market && (q.timestamp === undefined || u.timestamp === q.timestamp);

/** Parses the fields of a `caiso:{zone}:stream` entry; undefined when incomplete. */
export function decodeUpdate(fields: readonly string[]): PriceUpdate | undefined {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  const [timestamp, price, market] = [f.get("timestamp"), Number(f.get("price")), f.get("type")];
  if (timestamp === undefined || !Number.isFinite(price)) return undefined;
  if (market !== "RT" && market !== "FMM" && market !== "DA") return undefined;
  const components: Partial<Record<PriceComponent, number>> = {};
  for (const c of COMPONENTS) {
    const v = f.get(c.toLowerCase());
    if (v !== undefined && Number.isFinite(Number(v))) components[c] = Number(v);
  }
  const previous = f.get("previous_price");
  return {
    timestamp,
    ms: Date.parse(timestamp),
    price,
    market,
    zone: f.get("zone") ?? "",
    node: f.get("node") ?? "",
    components,
    revised: f.get("revised") === "1",
    previous_price: previous === undefined ? null : Number(previous),
  };
}

/** The newest entry of stream `key` matching `query`, reading at most `maxEntries` entries back. */
export async function readRedisInterval(
  client: Redis,
  key: string,
  query: IntervalQuery,
  maxEntries: number,
): Promise<PriceUpdate | null> {
  let end = "+";
  for (let read = 0; read < maxEntries; read += PAGE) {
    const entries = await client.xrevrange(key, end, "-", "COUNT", PAGE);
    for (const [, fields] of entries) {
      const u = decodeUpdate(fields);
      if (u !== undefined && matches(u, query)) return u;
    }
    if (entries.length < PAGE) return null;
    end = `(${entries[entries.length - 1]![0]}`;
  }
  return null;
}

/** The newest entry under Deno KV stream prefix `prefix` matching `query`, reading at most `maxEntries`. */
export async function readKvInterval(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  query: IntervalQuery,
  maxEntries: number,
): Promise<PriceUpdate | null> {
  for await (const e of kv.list<PriceUpdate>({ prefix }, { reverse: true, limit: maxEntries })) {
    if (matches(e.value, query)) return e.value;
  }
  return null;
}
