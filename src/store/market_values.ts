/**
 * Ancillary-service and CRR clearing prices in the hot store, for the dashboard: they are not LMP, so they
 * have no zone, series or alerts; one value per (market, interval, region or node, item, qualifier), a
 * revision overwriting it, kept `VALUE_RETENTION_MS` after it is written.
 *
 * Redis: a hash `caiso:values:{market}:{interval ms}` (field `node\titem\tqualifier`, value
 * `price\tinterval end`) and an index `caiso:values:{market}` (sorted set of interval starts).
 * Deno KV: `["caiso", "values", market, interval ms, "node\titem\tqualifier"]`, each with `expireIn`.
 *
 * @module
 */
import type { RedisClient as Redis } from "../clients/redis.ts";
import type { OasisRow } from "../oasis/row.ts";
import { toIso } from "../oasis/time.ts";
import type { RedisKeys } from "./keys.ts";
import type { TimeRange } from "./store.ts";

/** Markets of kept values: day-ahead AS (hourly), real-time AS (15-minute), CRR auction clearing. */
export type ValueMarket = "AS_DAM" | "AS_RTM" | "CRR";

/** The value markets, in the order they are listed. */
export const VALUE_MARKETS: readonly ValueMarket[] = ["AS_DAM", "AS_RTM", "CRR"];

/** One kept price. */
export interface MarketValue {
  readonly market: ValueMarket;
  /** AS region (`AS_CAISO_EXP`, …) or CRR pricing node. */
  readonly node: string;
  /** AS type (`RU`, `RD`, `SR`, `NR`, `RMU`, `RMD`) or CRR data item (`ON_PRC`, …). */
  readonly item: string;
  /** CRR `market name/term/time of use`; null for AS. */
  readonly qualifier: string | null;
  /** Interval (CRR: auction period) start and end, UTC. */
  readonly timestamp: string;
  readonly end: string;
  readonly ms: number;
  /** $/MW for AS, $/MW per period for CRR. */
  readonly price: number;
}

/** How long a value is kept after it is written: a week of AS, and a monthly CRR auction's period. */
export const VALUE_RETENTION_MS: Readonly<Record<ValueMarket, number>> = {
  AS_DAM: 7 * 86_400_000,
  AS_RTM: 7 * 86_400_000,
  CRR: 62 * 86_400_000,
};

/** Kept values read in one range at most (a week of 15-minute AS of 6 types in 12 regions, with margin). */
export const MAX_VALUES = 100_000;

const MARKET_OF: Readonly<Record<string, ValueMarket>> = {
  as_dam: "AS_DAM",
  as_fmm: "AS_RTM",
  as_rtm: "AS_RTM",
};

/** The market a row's price is kept in, or undefined for LMP, CRR inventory and other rows. */
export function valueMarketOf(row: Pick<OasisRow, "dataset" | "report">): ValueMarket | undefined {
  if (row.dataset === "crr") return row.report === "CRR_CLEARING" ? "CRR" : undefined;
  return MARKET_OF[row.dataset];
}

/** The AS and CRR clearing prices among `rows` (rows without a finite value or start are left out). */
export function toMarketValues(rows: readonly OasisRow[]): MarketValue[] {
  const out: MarketValue[] = [];
  for (const row of rows) {
    const market = valueMarketOf(row);
    const ms = Date.parse(row.interval_start);
    if (market === undefined || typeof row.value !== "number" || !Number.isFinite(row.value)) continue;
    if (!Number.isFinite(ms)) continue;
    out.push({
      market,
      node: row.node,
      item: row.component,
      qualifier: row.qualifier,
      timestamp: toIso(new Date(ms)),
      end: row.interval_end,
      ms,
      price: row.value,
    });
  }
  return out;
}

/** The identity of a value within its interval. */
export const valueField = (v: Pick<MarketValue, "node" | "item" | "qualifier">): string =>
  `${v.node}\t${v.item}\t${v.qualifier ?? ""}`;

function fromField(market: ValueMarket, ms: number, field: string, stored: string): MarketValue | undefined {
  const [node = "", item = "", qualifier = ""] = field.split("\t");
  const [price, end = ""] = stored.split("\t");
  const value = Number(price);
  if (!Number.isFinite(value) || !Number.isFinite(ms)) return undefined;
  const timestamp = toIso(new Date(ms));
  return { market, node, item, qualifier: qualifier || null, timestamp, end, ms, price: value };
}

const byTime = (a: MarketValue, b: MarketValue) =>
  a.ms - b.ms || (a.node < b.node ? -1 : a.node > b.node ? 1 : a.item < b.item ? -1 : 1);

/** Writes `values` to Redis in one `MULTI`; trims the index of intervals past retention. */
export async function writeRedisValues(
  client: Redis,
  keys: Pick<RedisKeys, "values">,
  values: readonly MarketValue[],
  now: Date,
): Promise<void> {
  if (values.length === 0) return;
  const m = client.multi();
  const touched = new Set<string>();
  for (const v of values) {
    const index = keys.values(v.market);
    const key = `${index}:${v.ms}`;
    m.hset(key, valueField(v), `${v.price}\t${v.end}`);
    if (!touched.has(key)) {
      touched.add(key);
      m.pexpire(key, VALUE_RETENTION_MS[v.market]);
      m.zadd(index, v.ms, String(v.ms));
    }
  }
  for (const market of new Set(values.map((v) => v.market))) {
    m.zremrangebyscore(keys.values(market), "-inf", `(${now.getTime() - VALUE_RETENTION_MS[market]}`);
  }
  const replies = await m.exec();
  const failed = replies?.find(([error]) => error !== null);
  if (replies === null || failed) throw failed?.[0] ?? new Error("Redis discarded the MULTI");
}

/** Reads the values of `market` whose interval starts in `range`, oldest first (at most `MAX_VALUES`). */
export async function readRedisValues(
  client: Redis,
  keys: Pick<RedisKeys, "values">,
  market: ValueMarket,
  range: TimeRange,
): Promise<MarketValue[]> {
  const index = keys.values(market);
  const from = range.from ? String(range.from.getTime()) : "-inf";
  const to = range.to ? String(range.to.getTime()) : "+inf";
  const starts = await client.zrangebyscore(index, from, to);
  const p = client.pipeline();
  for (const ms of starts) p.hgetall(`${index}:${ms}`);
  const replies = (await p.exec()) ?? [];
  const out: MarketValue[] = [];
  replies.forEach(([error, hash], i) => {
    if (error !== null || out.length >= MAX_VALUES) return;
    for (const [field, stored] of Object.entries(hash as Record<string, string>)) {
      const v = fromField(market, Number(starts[i]), field, stored);
      if (v !== undefined) out.push(v);
    }
  });
  return out.sort(byTime).slice(0, MAX_VALUES);
}

/** Writes `values` to Deno KV, each expiring after its market's retention. */
export async function writeKvValues(
  kv: Deno.Kv,
  root: Deno.KvKey,
  values: readonly MarketValue[],
): Promise<void> {
  for (let i = 0; i < values.length; i += 500) {
    const op = kv.atomic();
    for (const v of values.slice(i, i + 500)) {
      op.set([...root, v.market, v.ms, valueField(v)], `${v.price}\t${v.end}`, {
        expireIn: VALUE_RETENTION_MS[v.market],
      });
    }
    if (!(await op.commit()).ok) throw new Error("Deno KV refused an atomic write");
  }
}

/** Reads the values of `market` whose interval starts in `range` from Deno KV, oldest first. */
export async function readKvValues(
  kv: Deno.Kv,
  root: Deno.KvKey,
  market: ValueMarket,
  range: TimeRange,
): Promise<MarketValue[]> {
  const prefix = [...root, market];
  const start = [...prefix, range.from?.getTime() ?? 0];
  const end = [...prefix, (range.to?.getTime() ?? Number.MAX_SAFE_INTEGER) + 1];
  const out: MarketValue[] = [];
  for await (const e of kv.list<string>({ start, end }, { limit: MAX_VALUES })) {
    const v = fromField(market, Number(e.key[prefix.length]), String(e.key[prefix.length + 1]), e.value);
    if (v !== undefined) out.push(v);
  }
  return out.sort(byTime);
}
