/**
 * The hot store on Redis (ioredis; the only file that imports it). Each poll is written as one MULTI
 * pipeline: per new or revised interval `ZREMRANGEBYSCORE` + `ZADD` on the series, `XADD` on the zone's
 * stream and `PUBLISH` on its updates channel; changed current-prices hashes; retention trims; alerts.
 *
 * When Redis is unreachable the poll still completes: the mirror takes the data, the failed write is
 * counted, reads answer the last known values flagged stale with their age, and ioredis reconnects with
 * exponential backoff and jitter. The first poll after a failed write or a reconnection writes the whole
 * mirror back (a restarted Redis without persistence comes back empty), plus the stream entries it missed.
 *
 * @module
 */
import { type ChainableCommander, Redis } from "ioredis";
import type { AlertEvent } from "../analytics/alerts.ts";
import type { OasisRow } from "../oasis/row.ts";
import type { AlertRuleBook } from "./alert_rule_book.ts";
import type { IngestPlan } from "./ingest_plan.ts";
import { redisRuleBackend } from "./redis_alert_rules.ts";
import { RedisKeys } from "./keys.ts";
import { type PriceRevision, queueRedisRevisions, readRedisRevisions } from "./revision_log.ts";
import {
  CURRENT_MERGE_SCRIPT,
  currentMergeArgs,
  decodeAlert,
  decodeCurrent,
  decodeWithScores,
  encodeAlert,
  encodeCurrent,
  encodeMember,
  encodeUpdate,
} from "./redis_codec.ts";
import { RedisSubscriptions } from "./redis_subscriptions.ts";
import type { Coordination } from "../coordination/coordination.ts";
import { RedisCoordination, type RedisEval } from "../coordination/redis_coordination.ts";
import { RedisGateSlots } from "../coordination/redis_gate_slots.ts";
import type { SharedSlots } from "../oasis/gate_slots.ts";
import { redactUrl, type RedisSettings, type StoreConfig } from "./settings.ts";
import { StoreCore, type ZoneSnapshot } from "./store_core.ts";
import {
  type BatterySignal,
  type CurrentPrices,
  type IngestResult,
  type Market,
  MARKETS,
  type PriceStore,
  type PriceUpdate,
  type SeriesPoint,
  type SignalQuery,
  type StoreRead,
  type StoreStats,
  type TimeRange,
  type Unsubscribe,
} from "./store.ts";

/** Redis cannot be reached (raised only by `waitUntilReady`; the store itself degrades instead). */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StoreUnavailableError";
  }
}

/** Options for `RedisStore`. */
export interface RedisStoreOptions {
  /** Store configuration; `config.redis` must be set. */
  readonly config: StoreConfig;
  /** Prepended to every key and channel (tests); empty in production. */
  readonly prefix?: string;
  /** Clock for retention, the current hour and stale ages; defaults to the system clock. */
  readonly clock?: () => Date;
}

/** Reconnect delay for attempt `times` (1-based): doubling from `backoffMs` to `backoffMaxMs`, with jitter. */
export function reconnectDelay(times: number, s: RedisSettings, random: () => number = Math.random): number {
  const base = Math.min(s.backoffMaxMs, s.backoffMs * 2 ** Math.min(30, Math.max(0, times - 1)));
  return Math.round(base / 2 + (base / 2) * random());
}

/** The Redis implementation of `PriceStore`. */
export class RedisStore implements PriceStore {
  readonly #client: Redis;
  readonly #settings: RedisSettings;
  readonly #config: StoreConfig;
  readonly #keys: RedisKeys;
  readonly #core: StoreCore;
  readonly #subscriptions: RedisSubscriptions;
  #subscriber: Redis | undefined;
  #everReady = false;
  #restore = false;
  #lastOkMs: number;
  #lastError = "";
  #failedWrites = 0;
  #pendingUpdates: PriceUpdate[] = [];
  #pendingAlerts: AlertEvent[] = [];
  #lastAlerts: AlertEvent[] = [];
  /** Lua scripts of the coordination and the gate slots, on this connection. */
  readonly #eval: RedisEval = (script, keys, args) =>
    this.#client.eval(script, keys.length, ...keys, ...args);

  /** Starts connecting at once; use `waitUntilReady()` to require a reachable server. */
  constructor(options: RedisStoreOptions) {
    if (options.config.redis === null) throw new TypeError("RedisStore needs config.redis (REDIS_URL)");
    this.#settings = options.config.redis;
    this.#config = options.config;
    this.#keys = new RedisKeys(options.prefix ?? "");
    this.#core = new StoreCore(
      options.config,
      options.clock,
      redisRuleBackend(this.#eval, this.#keys.alertRules()),
    );
    this.#lastOkMs = this.#core.clock().getTime();
    const tls = new URL(this.#settings.url).protocol === "rediss:";
    const ca = tls && this.#settings.tlsCaFile !== null
      ? Deno.readTextFileSync(this.#settings.tlsCaFile)
      : undefined;
    this.#client = new Redis(this.#settings.url, {
      tls: tls ? (ca === undefined ? {} : { ca }) : undefined,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: this.#settings.commandTimeoutMs,
      connectTimeout: this.#settings.commandTimeoutMs,
      retryStrategy: (times: number) => reconnectDelay(times, this.#settings),
    });
    this.#client.on("error", (e: Error) => (this.#lastError = e.message));
    this.#subscriptions = new RedisSubscriptions(() => {
      // Its own connection (a subscribed connection runs no other command); it queues SUBSCRIBE while
      // disconnected and re-subscribes after a reconnection.
      const sub = this.#client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
      sub.on("error", () => {});
      return this.#subscriber = sub;
    }, this.#settings.commandTimeoutMs);
    this.#client.on("ready", () => {
      // A server that went away may come back empty: have the next poll write the mirror back.
      if (this.#everReady) this.#restore = true;
      this.#everReady = true;
      this.#lastOkMs = this.#core.clock().getTime();
    });
  }

  /**
   * Resolves once connected (the subscriber connection too, if any); throws `StoreUnavailableError` naming
   * the URL (password hidden) otherwise.
   */
  async waitUntilReady(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const c of [this.#client, this.#subscriber]) {
      if (c !== undefined) await this.#ready(c, Math.max(0, deadline - Date.now()), timeoutMs);
    }
  }

  async #ready(c: Redis, waitMs: number, timeoutMs: number): Promise<void> {
    if (c.status === "ready") return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onReady = () => {};
    try {
      await new Promise<void>((resolve, reject) => {
        onReady = resolve;
        c.once("ready", onReady);
        timer = setTimeout(() => reject(new Error(this.#lastError || "no answer")), waitMs);
      });
    } catch (e) {
      throw new StoreUnavailableError(
        `Cannot reach Redis at "${redactUrl(this.#settings.url)}" within ${timeoutMs} ms: ${
          (e as Error).message
        }`,
        { cause: e },
      );
    } finally {
      clearTimeout(timer);
      c.off("ready", onReady);
    }
  }

  ingest(rows: readonly OasisRow[], now: Date = this.#core.clock()): Promise<IngestResult> {
    return this.#core.exclusive(async () => {
      const prepared = await this.#core.prepare(rows, now, (zones) => this.#load(zones));
      const stored = await this.#write(prepared.plan, this.#core.clock());
      return this.#core.commit(prepared, stored);
    });
  }

  async #load(zones: readonly string[]): Promise<Map<string, ZoneSnapshot>> {
    if (this.#client.status !== "ready") throw new StoreUnavailableError("Redis is not connected");
    const p = this.#client.pipeline();
    for (const zone of zones) {
      for (const market of MARKETS) p.zrange(this.#keys.series(zone, market), 0, -1, "WITHSCORES");
      p.hgetall(this.#keys.current(zone));
    }
    const replies = await p.exec();
    const out = new Map<string, ZoneSnapshot>();
    zones.forEach((zone, z) => {
      const at = (i: number) => {
        const [err, value] = replies?.[z * 4 + i] ?? [new Error("no reply"), null];
        if (err) throw err;
        return value;
      };
      const [rt, fmm, da] = [0, 1, 2].map((i) => decodeWithScores(at(i) as string[]));
      out.set(zone, {
        series: { RT: rt!, FMM: fmm!, DA: da! },
        current: decodeCurrent(zone, at(3) as Record<string, string>),
      });
    });
    this.#lastOkMs = this.#core.clock().getTime();
    return out;
  }

  #queueRestore(m: ChainableCommander): void {
    const state = this.#core.state;
    for (const zone of state.zones()) {
      for (const market of MARKETS) {
        const key = this.#keys.series(zone, market);
        for (const p of state.series(zone, market)) {
          m.zremrangebyscore(key, p.ms, p.ms).zadd(key, p.ms, encodeMember(p));
        }
      }
      const current = state.current(zone);
      if (current !== undefined) {
        m.del(this.#keys.current(zone)).hset(this.#keys.current(zone), encodeCurrent(current));
      }
    }
    for (const u of this.#pendingUpdates) {
      m.xadd(this.#keys.stream(u.zone), "MAXLEN", "~", this.#config.streamMaxLen, "*", ...encodeUpdate(u));
    }
    for (const a of this.#pendingAlerts) {
      m.xadd(this.#keys.alertsStream(), "MAXLEN", "~", this.#config.alertsMaxLen, "*", ...encodeAlert(a));
    }
  }

  /** Writes `plan`; `revisedAt` (the store's clock, not the run's older `now`) dates its revisions. */
  async #write(plan: IngestPlan, revisedAt: Date): Promise<boolean> {
    const restore = this.#restore;
    try {
      if (this.#client.status !== "ready") throw new StoreUnavailableError("Redis is not connected");
      const m = this.#client.multi();
      if (restore) this.#queueRestore(m);
      for (const u of plan.updates) {
        const key = this.#keys.series(u.zone, u.market);
        m.zremrangebyscore(key, u.ms, u.ms).zadd(key, u.ms, encodeMember(u));
        m.xadd(this.#keys.stream(u.zone), "MAXLEN", "~", this.#config.streamMaxLen, "*", ...encodeUpdate(u));
        m.publish(this.#keys.updates(u.zone), JSON.stringify(u));
      }
      queueRedisRevisions(m, this.#keys, plan.updates, revisedAt, plan.trims);
      for (const c of plan.current) {
        // Merged per market, never older over newer: another instance may have written a newer price.
        m.eval(CURRENT_MERGE_SCRIPT, 1, this.#keys.current(c.zone), ...currentMergeArgs(c));
      }
      for (const t of plan.trims) {
        m.zremrangebyscore(this.#keys.series(t.zone, t.market), "-inf", `(${t.cutoffMs}`);
      }
      for (const a of plan.alerts) {
        m.xadd(this.#keys.alertsStream(), "MAXLEN", "~", this.#config.alertsMaxLen, "*", ...encodeAlert(a));
        m.publish(this.#keys.alerts(), JSON.stringify(a));
      }
      const replies = await m.exec();
      if (replies === null) throw new Error("MULTI was aborted");
      const failed = replies.find(([err]) => err);
      if (failed) throw failed[0];
      this.#lastOkMs = this.#core.clock().getTime();
      if (restore) [this.#restore, this.#pendingUpdates, this.#pendingAlerts] = [false, [], []];
      return true;
    } catch (e) {
      this.#failedWrites++;
      this.#lastError = (e as Error).message;
      this.#restore = true;
      // Keep what the streams missed (bounded); pub/sub is live-only and is not replayed.
      this.#pendingUpdates = [...this.#pendingUpdates, ...plan.updates].slice(-this.#config.streamMaxLen);
      this.#pendingAlerts = [...this.#pendingAlerts, ...plan.alerts].slice(-this.#config.alertsMaxLen);
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
    return await this.#core.signals(zone, query, (z, m, r) => this.history(z, m, r));
  }

  zones(): Promise<StoreRead<string[]>> {
    return this.#read(async () => {
      const found = new Set<string>();
      let cursor = "0";
      do {
        const [next, keys] = await this.#client.scan(
          cursor,
          "MATCH",
          this.#keys.currentPattern(),
          "COUNT",
          1000,
        );
        for (const k of keys) {
          const zone = this.#keys.zoneIn(k);
          if (zone !== undefined && k === this.#keys.current(zone)) found.add(zone);
        }
        cursor = next;
      } while (cursor !== "0");
      return [...found].sort();
    }, () => this.#core.state.zones());
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

  /** Job coordination (watermarks, locks, digests, checkpoints) on this store's connection and prefix. */
  coordination(): Coordination {
    return new RedisCoordination({ eval: this.#eval, prefix: this.#keys.prefix });
  }

  /** The OASIS request gate's slots shared by every process on this server, on this store's connection. */
  gateSlots(): SharedSlots {
    return new RedisGateSlots({ eval: this.#eval, prefix: this.#keys.prefix });
  }

  stats(): StoreStats {
    return {
      backend: "redis",
      connected: this.#client.status === "ready",
      failedWrites: this.#failedWrites,
      skippedRows: this.#core.skippedRows(),
      ingests: this.#core.ingests(),
    };
  }

  async close(): Promise<void> {
    for (const c of [this.#subscriber, this.#client]) {
      if (c === undefined) continue;
      if (c.status === "ready") await c.quit().catch(() => c.disconnect());
      else c.disconnect();
    }
    this.#subscriptions.clear();
  }
}

/** Creates the Redis store (connecting in the background). */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  return new RedisStore(options);
}
