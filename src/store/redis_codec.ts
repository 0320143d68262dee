/**
 * How the hot structures are written into Redis values and read back: sorted-set members
 * `"<iso timestamp>:<price>"`, the flat fields of the current-prices hash, and the fields of stream entries.
 * Pure, so the encoding is tested without a server.
 *
 * @module
 */
import type { AlertEvent, AlertKind } from "../analytics/alerts.ts";
import type { CurrentPrices, PriceComponent, PriceUpdate, SeriesPoint } from "./store.ts";

/** Sorted-set member of a point: `"<iso timestamp>:<price>"`. */
export function encodeMember(p: Pick<SeriesPoint, "timestamp" | "price">): string {
  return `${p.timestamp}:${p.price}`;
}

/** Parses a sorted-set member and its score; `undefined` when it is not one of ours. */
export function decodeMember(member: string, score: number | string): SeriesPoint | undefined {
  const cut = member.lastIndexOf(":");
  const price = Number(member.slice(cut + 1));
  const ms = Number(score);
  if (cut < 1 || member.slice(cut + 1) === "" || !Number.isFinite(price) || !Number.isFinite(ms)) {
    return undefined;
  }
  return { timestamp: member.slice(0, cut), ms, price };
}

/** Parses a `ZRANGE … WITHSCORES` reply (member, score, member, score, …). */
export function decodeWithScores(reply: readonly string[]): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const p = decodeMember(reply[i]!, reply[i + 1]!);
    if (p !== undefined) out.push(p);
  }
  return out;
}

const CURRENT_FIELDS = [
  "rt_price",
  "rt_timestamp",
  "fmm_price",
  "fmm_timestamp",
  "da_price",
  "da_timestamp",
  "spread",
  "last_update",
] as const;
const NUMERIC = new Set<string>(["rt_price", "fmm_price", "da_price", "spread"]);

/** Hash fields of the current prices; null fields are left out. */
export function encodeCurrent(c: CurrentPrices): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of CURRENT_FIELDS) if (c[f] !== null) out[f] = String(c[f]);
  return out;
}

/** Each market's fields in the current hash, with the timestamp field that orders them. */
const CURRENT_GROUPS: ReadonlyArray<readonly [keyof CurrentPrices, ReadonlyArray<keyof CurrentPrices>]> = [
  ["rt_timestamp", ["rt_price", "rt_timestamp", "spread"]],
  ["fmm_timestamp", ["fmm_price", "fmm_timestamp"]],
  ["da_timestamp", ["da_price", "da_timestamp"]],
];

/**
 * Merges current prices into `caiso:{zone}:current` (KEYS[1]) one market at a time: a market's fields are
 * written only when its timestamp is not older than the stored one, so an instance whose mirror has not seen
 * another instance's newer real-time price never moves the hash back. ARGV: groups `G tsField ts n
 * (field value)×n`, then `S field value` entries set unconditionally. An empty value means null.
 */
export const CURRENT_MERGE_SCRIPT = `
local key = KEYS[1]
local i = 1
while i <= #ARGV do
  if ARGV[i] == 'G' then
    local cur = redis.call('HGET', key, ARGV[i + 1])
    local newer = (not cur) or cur == '' or ARGV[i + 2] >= cur
    local n = tonumber(ARGV[i + 3])
    if newer then
      for j = 0, n - 1 do
        redis.call('HSET', key, ARGV[i + 4 + 2 * j], ARGV[i + 5 + 2 * j])
      end
    end
    i = i + 4 + 2 * n
  else
    redis.call('HSET', key, ARGV[i + 1], ARGV[i + 2])
    i = i + 3
  end
end
return 1
`;

/** ARGV of `CURRENT_MERGE_SCRIPT` for `c`: the markets it has a price for, and `last_update`. */
export function currentMergeArgs(c: CurrentPrices): string[] {
  const out: string[] = [];
  for (const [tsField, fields] of CURRENT_GROUPS) {
    const ts = c[tsField];
    if (ts === null || ts === undefined) continue;
    out.push("G", tsField, String(ts), String(fields.length));
    for (const f of fields) out.push(f, c[f] === null ? "" : String(c[f]));
  }
  if (c.last_update !== null) out.push("S", "last_update", c.last_update);
  return out;
}

/** Parses `HGETALL caiso:{zone}:current`; null for an empty hash. */
export function decodeCurrent(zone: string, hash: Readonly<Record<string, string>>): CurrentPrices | null {
  if (Object.keys(hash).length === 0) return null;
  const out: Record<string, string | number | null> = { zone };
  for (const f of CURRENT_FIELDS) {
    const v = hash[f];
    out[f] = v === undefined || v === ""
      ? null
      : NUMERIC.has(f)
      ? (Number.isFinite(Number(v)) ? Number(v) : null)
      : v;
  }
  return out as unknown as CurrentPrices;
}

/** Stream fields of a price event: timestamp, price, type, node, zone, then the components and the revision. */
export function encodeUpdate(u: PriceUpdate): string[] {
  const fields = [
    "timestamp",
    u.timestamp,
    "price",
    String(u.price),
    "type",
    u.market,
    "node",
    u.node,
    "zone",
    u.zone,
  ];
  for (const c of ["MCE", "MCC", "MCL", "MGHG"] as PriceComponent[]) {
    const v = u.components[c];
    if (v !== undefined) fields.push(c.toLowerCase(), String(v));
  }
  fields.push("revised", u.revised ? "1" : "0");
  if (u.previous_price !== null) fields.push("previous_price", String(u.previous_price));
  return fields;
}

/** Stream fields of an alert. */
export function encodeAlert(a: AlertEvent): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(a)) out.push(k, v === null ? "" : String(v));
  return out;
}

/** Parses the fields of an `caiso:alerts:stream` entry; `undefined` when incomplete. */
export function decodeAlert(fields: readonly string[]): AlertEvent | undefined {
  const m: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) m[fields[i]!] = fields[i + 1]!;
  const num = (k: string) => (m[k] === undefined || m[k] === "" ? null : Number(m[k]));
  if (!m.id || !m.kind || !m.zone || !m.timestamp || num("price") === null) return undefined;
  return {
    id: m.id,
    kind: m.kind as AlertKind,
    event: m.event === "cleared" ? "cleared" : "raised",
    rule: m.rule || `default-${m.kind}`,
    zone: m.zone,
    node: m.node ?? "",
    market: m.market === "FMM" ? "FMM" : "RT",
    timestamp: m.timestamp,
    price: num("price")!,
    da_price: num("da_price"),
    spread: num("spread"),
    threshold: num("threshold") ?? 0,
    message: m.message ?? "",
  };
}
