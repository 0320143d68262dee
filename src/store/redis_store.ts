/**
 * The hot store on Redis, on an injected client (`src/clients/redis.ts` builds it). Each poll is written as
 * one MULTI pipeline (`redis_writes.ts`).
 *
 * When Redis is unreachable the poll still completes: the mirror takes the data, the failed write is
 * counted, reads answer the last known values flagged stale with their age, and the client reconnects with
 * exponential backoff and jitter. The first poll after a failed write or a reconnection writes the whole
 * mirror back (a restarted Redis without persistence comes back empty), plus the stream entries it missed.
 *
 * @module
 */
import type { AlertEvent } from "../analytics/alerts.ts";
import {
  closeRedisClient,
  createRedisClient,
  type RedisClient,
  redisEval,
  StoreUnavailableError,
  waitForRedis,
} from "../clients/redis.ts";
import type { OasisRow } from "../oasis/row.ts";
import type { AlertRuleBook } from "./alert_rule_book.ts";
import type { IngestPlan } from "./ingest_plan.ts";
import { readRedisInterval } from "./interval_components.ts";
import { RedisKeys } from "./keys.ts";
import { readRedisValues, toMarketValues, writeRedisValues } from "./market_values.ts";
import { redisRuleBackend } from "./redis_alert_rules.ts";
import { decodeAlert, decodeCurrent, decodeWithScores } from "./redis_codec.ts";
import { loadRedisZones, scanRedisZones } from "./redis_reads.ts";
import { RedisSubscriptions } from "./redis_subscriptions.ts";
import { RedisWriter } from "./redis_writes.ts";
import { type PriceRevision, readRedisRevisions } from "./revision_log.ts";
import type { StoreConfig } from "./settings.ts";
import { readSignals, StoreCore } from "./store_core.ts";
import type {
  BatterySignal,
  CurrentPrices,
  IngestResult,
  IntervalQuery,
  Market,
  MarketValue,
  PriceStore,
  PriceUpdate,
  SeriesPoint,
  SignalQuery,
  StoreRead,
  StoreStats,
  TimeRange,
  Unsubscribe,
  ValueMarket,
} from "./store.ts";

export { StoreUnavailableError };

/** Options for `RedisStore`. */
export interface RedisStoreOptions {
  /** The connection; the store closes it (and its own subscriber connection) in `close()`. */
  readonly client: RedisClient;
  /** Store configuration; `config.redis` must be set. */
  readonly config: StoreConfig;
  /** Prepended to every key and channel (tests); empty in production. */
  readonly prefix?: string;
  /** Clock for retention, the current hour and stale ages; defaults to the system clock. */
  readonly clock?: () => Date;
}

/** The Redis implementation of `PriceStore`. */
export class RedisStore implements PriceStore {
  readonly #client: RedisClient;
  readonly #url: string;
  readonly #streamMaxLen: number;
  readonly #keys: RedisKeys;
  readonly #writer: RedisWriter;
  readonly #core: StoreCore;
  readonly #subscriptions: RedisSubscriptions;
  #subscriber: RedisClient | undefined;
  #everReady = false;
  #lastOkMs: number;
  #lastError = "";
  #lastAlerts: AlertEvent[] = [];

  /** Wraps `client`, which may still be connecting; use `waitUntilReady()` to require a reachable server. */
  constructor(options: RedisStoreOptions) {
    if (options.config.redis === null) throw new TypeError("RedisStore needs config.redis (REDIS_URL)");
    this.#client = options.client;
    this.#url = options.config.redis.url;
    this.#streamMaxLen = options.config.streamMaxLen;
    this.#keys = new RedisKeys(options.prefix ?? "");
    this.#writer = new RedisWriter({ keys: this.#keys, config: options.config });
    const rules = redisRuleBackend(redisEval(this.#client), this.#keys.alertRules());
    this.#core = new StoreCore(options.config, options.clock, rules);
    this.#lastOkMs = this.#core.clock().getTime();
    this.#client.on("error", (e: Error) => (this.#lastError = e.message));
    this.#subscriptions = new RedisSubscriptions(() => {
      // Its own connection (a subscribed connection runs no other command); it queues SUBSCRIBE while
      // disconnected and re-subscribes after a reconnection.
      const sub = this.#client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
      sub.on("error", () => {});
      return this.#subscriber = sub;
    }, options.config.redis.commandTimeoutMs);
    this.#client.on("ready", () => {
      // A server that went away may come back empty: have the next poll write the mirror back.
      if (this.#everReady) this.#writer.restoreNext();
      this.#everReady = true;
      this.#lastOkMs = this.#core.clock().getTime();
    });
    if (this.#client.status === "ready") this.#everReady = true;
  }

  /**
   * Resolves once connected (the subscriber connection too, if any); throws `StoreUnavailableError` naming
   * the URL (password hidden) otherwise.
   */
  async waitUntilReady(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const c of [this.#client, this.#subscriber]) {
      if (c === undefined) continue;
      const waitMs = Math.max(0, deadline - Date.now());
      await waitForRedis(c, { url: this.#url, waitMs, timeoutMs, lastError: () => this.#lastError });
    }
  }

  ingest(rows: readonly OasisRow[], now: Date = this.#core.clock()): Promise<IngestResult> {
    return this.#core.exclusive(async () => {
      const accepted = this.#core.accept(rows);
      const missing = this.#core.unloaded(accepted);
      // Redis down: plan against what the mirror has; the load is tried again next poll.
      if (missing.length > 0) await this.#load(missing).then((s) => this.#core.mirror(s), () => {});
      const prepared = await this.#core.prepare(accepted, now);
      const stored = await this.#write(prepared.plan, this.#core.clock());
      return this.#core.commit(prepared, stored);
    });
  }

  async #load(zones: readonly string[]) {
    if (this.#client.status !== "ready") throw new StoreUnavailableError("Redis is not connected");
    const out = await loadRedisZones(this.#client, this.#keys, zones);
    this.#lastOkMs = this.#core.clock().getTime();
    return out;
  }

  /** Writes `plan`; `revisedAt` (the store's clock, not the run's older `now`) dates its revisions. */
  async #write(plan: IngestPlan, revisedAt: Date): Promise<boolean> {
    try {
      if (this.#client.status !== "ready") throw new StoreUnavailableError("Redis is not connected");
      await this.#writer.write(this.#client.multi(), plan, this.#core.state, revisedAt);
      this.#lastOkMs = this.#core.clock().getTime();
      return true;
    } catch (e) {
      this.#writer.failed(plan);
      this.#lastError = (e as Error).message;
      return false;
    }
  }

  async #read<T>(op: () => Promise<T>, fallback: () => T): Promise<StoreRead<T>> {
    if (this.#client.status === "ready") {
      try {
        const value = await op();
        this.#lastOkMs = this.#core.clock().getTime();
        return { value, stale: false, ageMs: 0 };
      } catch (e) {
        this.#lastError = (e as Error).message;
      }
    }
    return {
      value: fallback(),
      stale: true,
      ageMs: Math.max(0, this.#core.clock().getTime() - this.#lastOkMs),
    };
  }

  async current(zone: string): Promise<StoreRead<CurrentPrices | null>> {
    const key = this.#keys.current(zone);
    return await this.#read(async () => {
      const value = decodeCurrent(zone, await this.#client.hgetall(key));
      if (value !== null) this.#core.state.setCurrent(zone, value);
      return value;
    }, () => this.#core.state.current(zone) ?? null);
  }

  async history(zone: string, market: Market, range: TimeRange = {}): Promise<StoreRead<SeriesPoint[]>> {
    const key = this.#keys.series(zone, market);
    const from = range.from?.getTime() ?? -Infinity;
    const to = range.to?.getTime() ?? Infinity;
    const bound = (n: number) => (n === Infinity ? "+inf" : n === -Infinity ? "-inf" : String(n));
    return await this.#read(
      async () =>
        decodeWithScores(await this.#client.zrangebyscore(key, bound(from), bound(to), "WITHSCORES")),
      () => this.#core.state.series(zone, market, from, to),
    );
  }

  revisions(zone: string, market: Market, range: TimeRange = {}): Promise<StoreRead<PriceRevision[]>> {
    return this.#read(() => readRedisRevisions(this.#client, this.#keys, zone, market, range), () => []);
  }

  interval(zone: string, query: IntervalQuery): Promise<StoreRead<PriceUpdate | null>> {
    const key = this.#keys.stream(zone);
    return this.#read(
      () => readRedisInterval(this.#client, key, query, this.#streamMaxLen),
      () => null,
    );
  }

  keepValues(rows: readonly OasisRow[], now: Date = this.#core.clock()): Promise<boolean> {
    return writeRedisValues(this.#client, this.#keys, toMarketValues(rows), now).then(
      () => true,
      () => false,
    );
  }

  values(market: ValueMarket, range: TimeRange = {}): Promise<StoreRead<MarketValue[]>> {
    return this.#read(() => readRedisValues(this.#client, this.#keys, market, range), () => []);
  }

  alerts(limit = 50): Promise<StoreRead<AlertEvent[]>> {
    return this.#read(async () => {
      const entries = await this.#client.xrevrange(this.#keys.alertsStream(), "+", "-", "COUNT", limit);
      this.#lastAlerts = entries.map(([, fields]) => decodeAlert(fields)).filter((a) => a !== undefined);
      return this.#lastAlerts;
    }, () => {
      const mine = this.#core.state.recentAlerts(limit);
      return mine.length > 0 ? mine : this.#lastAlerts.slice(0, limit);
    });
  }

  async signals(zone: string, query: SignalQuery = {}): Promise<StoreRead<BatterySignal[]>> {
    return await readSignals(this, this.#core, zone, query);
  }

  zones(): Promise<StoreRead<string[]>> {
    return this.#read(() => scanRedisZones(this.#client, this.#keys), () => this.#core.state.zones());
  }

  async onUpdate(zone: string | null, listener: (update: PriceUpdate) => void): Promise<Unsubscribe> {
    const name = zone === null ? this.#keys.updatesPattern() : this.#keys.updates(zone);
    return await this.#subscriptions.add(name, zone === null, (m) => listener(JSON.parse(m) as PriceUpdate));
  }

  onAlert(listener: (alert: AlertEvent) => void): Promise<Unsubscribe> {
    return this.#subscriptions.add(this.#keys.alerts(), false, (m) => listener(JSON.parse(m) as AlertEvent));
  }

  alertRules(): AlertRuleBook {
    return this.#core.rules;
  }

  onOwnAlert(listener: (alert: AlertEvent) => void): () => void {
    return this.#core.onOwnAlert(listener);
  }

  stats(): StoreStats {
    return {
      backend: "redis",
      connected: this.#client.status === "ready",
      failedWrites: this.#writer.failedWrites,
      skippedRows: this.#core.skippedRows(),
      ingests: this.#core.ingests(),
    };
  }

  async close(): Promise<void> {
    for (const c of [this.#subscriber, this.#client]) if (c !== undefined) await closeRedisClient(c);
    this.#subscriptions.clear();
  }
}

/** A Redis store on a new client for `options.config.redis` (connecting in the background). */
export function createRedisStore(options: Omit<RedisStoreOptions, "client">): RedisStore {
  if (options.config.redis === null) throw new TypeError("RedisStore needs config.redis (REDIS_URL)");
  return new RedisStore({ ...options, client: createRedisClient(options.config.redis) });
}
