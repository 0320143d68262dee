/**
 * Every key and channel name of the hot store, built in one place. The Redis names are a contract read by
 * other services: `caiso:{zone}:stream`, `caiso:{zone}:current`, `caiso:{zone}:rt:5min`,
 * `caiso:{zone}:fmm:15min`, `caiso:{zone}:da:hourly`, `caiso:{zone}:updates`, `caiso:alerts`,
 * `caiso:alerts:stream`, `caiso:alerts:rules`. A prefix (empty in production) lets tests share one server without colliding.
 *
 * @module
 */
import type { Market, TimeRange } from "./store.ts";
import { isZone } from "./zone.ts";

/** Sorted-set suffix of each market's price series. */
export const SERIES_SUFFIX: Readonly<Record<Market, string>> = {
  RT: "rt:5min",
  FMM: "fmm:15min",
  DA: "da:hourly",
};

function checked(zone: string): string {
  if (!isZone(zone)) {
    throw new RangeError(`Invalid zone "${zone}": expected lowercase letters, digits, "_.-"`);
  }
  return zone;
}

/** Redis key and channel names under an optional prefix. */
export class RedisKeys {
  readonly #root: string;

  /** `prefix` is prepended to every key and channel (tests use `test:<uuid>:`). */
  constructor(readonly prefix = "") {
    this.#root = `${prefix}caiso`;
  }

  /** Stream of price events of `zone`. */
  stream(zone: string): string {
    return `${this.#root}:${checked(zone)}:stream`;
  }

  /** Hash with the current prices of `zone`. */
  current(zone: string): string {
    return `${this.#root}:${checked(zone)}:current`;
  }

  /** Sorted set of `market` prices of `zone`. */
  series(zone: string, market: Market): string {
    return `${this.#root}:${checked(zone)}:${SERIES_SUFFIX[market]}`;
  }

  /** Pub/sub channel of new or revised intervals of `zone`. */
  updates(zone: string): string {
    return `${this.#root}:${checked(zone)}:updates`;
  }

  /** Pattern matching the updates channel of every zone. */
  updatesPattern(): string {
    return `${this.#root}:*:updates`;
  }

  /** Pattern matching the current-prices hash of every zone. */
  currentPattern(): string {
    return `${this.#root}:*:current`;
  }

  /** The zone inside a key or channel built by this class, if any. */
  zoneIn(name: string): string | undefined {
    if (!name.startsWith(`${this.#root}:`)) return undefined;
    const zone = name.slice(this.#root.length + 1).split(":")[0] ?? "";
    return isZone(zone) ? zone : undefined;
  }

  /** Pub/sub channel of alerts. */
  alerts(): string {
    return `${this.#root}:alerts`;
  }

  /** Stream of recent alerts, for clients that join late. */
  alertsStream(): string {
    return `${this.#root}:alerts:stream`;
  }

  /** The alert rules, one JSON string. */
  alertRules(): string {
    return `${this.#root}:alerts:rules`;
  }

  /** Index of the kept AS or CRR values of `market`; `…:{interval ms}` holds one interval's values. */
  values(market: string): string {
    return `${this.#root}:values:${market}`;
  }
}

/** Deno KV keys: the same names as Redis, split into key parts so that ranges can be listed. */
export class KvKeys {
  readonly #root: readonly string[];

  /** `prefix` parts come before `"caiso"` in every key. */
  constructor(prefix: readonly string[] = []) {
    this.#root = [...prefix, "caiso"];
  }

  /** Prefix of the zone index (one key per zone with data), listed to find the zones. */
  zoneIndex(): Deno.KvKey {
    return [...this.#root, "zones"];
  }

  /** Current prices of `zone`. */
  current(zone: string): Deno.KvKey {
    return [...this.#root, "zone", checked(zone), "current"];
  }

  /** Prefix of the `market` series of `zone`; an entry appends the interval start in epoch ms. */
  series(zone: string, market: Market): Deno.KvKey {
    return [...this.#root, "zone", checked(zone), SERIES_SUFFIX[market]];
  }

  /** Prefix of the event stream of `zone`; an entry appends a sequence number. */
  stream(zone: string): Deno.KvKey {
    return [...this.#root, "zone", checked(zone), "stream"];
  }

  /** Last sequence number used in the stream of `zone` (or of the alerts with `zone` null). */
  streamSeq(zone: string | null): Deno.KvKey {
    return zone === null
      ? [...this.#root, "alerts:stream:seq"]
      : [...this.#root, "zone", checked(zone), "stream:seq"];
  }

  /** Prefix of the alerts stream; an entry appends a sequence number. */
  alertsStream(): Deno.KvKey {
    return [...this.#root, "alerts:stream"];
  }

  /** The alert rules, one value. */
  alertRules(): Deno.KvKey {
    return [...this.#root, "alerts:rules"];
  }

  /** Prefix of the kept AS and CRR values; an entry appends market, interval ms and identity. */
  values(): Deno.KvKey {
    return [...this.#root, "values"];
  }
}

/**
 * The `kv.list` selector of the entries under `prefix` whose last key part (epoch ms) lies in `range`
 * (inclusive). Deno KV takes a prefix with at most one bound, or both bounds without it.
 */
export function kvRangeSelector(prefix: Deno.KvKey, range: TimeRange): Deno.KvListSelector {
  const start = range.from ? [...prefix, range.from.getTime()] : undefined;
  const end = range.to ? [...prefix, range.to.getTime() + 1] : undefined;
  if (start && end) return { start, end };
  if (start) return { prefix, start };
  if (end) return { prefix, end };
  return { prefix };
}
