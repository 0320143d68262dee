/**
 * What a poll becomes on Redis: the commands `RedisStore` queues on one MULTI. Per new or revised interval
 * `ZREMRANGEBYSCORE` + `ZADD` on the series, `XADD` on the zone's stream and `PUBLISH` on its updates
 * channel; the revision log; changed current-prices hashes (merged on the server); retention trims; alerts.
 * After a failed write or a reconnection the whole mirror is queued first, plus the stream entries missed.
 *
 * @module
 */
import type { AlertEvent } from "../analytics/alerts.ts";
import type { RedisMulti } from "../clients/redis.ts";
import type { HotState } from "./hot_state.ts";
import type { IngestPlan } from "./ingest_plan.ts";
import type { RedisKeys } from "./keys.ts";
import {
  CURRENT_MERGE_SCRIPT,
  currentMergeArgs,
  encodeAlert,
  encodeCurrent,
  encodeMember,
  encodeUpdate,
} from "./redis_codec.ts";
import { queueRedisRevisions } from "./revision_log.ts";
import type { StoreConfig } from "./settings.ts";
import { MARKETS, type PriceUpdate } from "./store.ts";

/** What the queued commands need to know. */
export interface RedisWriteContext {
  readonly keys: RedisKeys;
  readonly config: Pick<StoreConfig, "streamMaxLen" | "alertsMaxLen">;
}

/** Stream entries a failed write could not append (bounded), replayed with the next restore. */
export interface MissedEntries {
  readonly updates: readonly PriceUpdate[];
  readonly alerts: readonly AlertEvent[];
}

/**
 * Writes polls as MULTI transactions and remembers what a failed one left out: the next write then restores
 * the whole mirror first, with the stream entries missed (bounded; pub/sub is live-only, not replayed).
 */
export class RedisWriter {
  readonly #ctx: RedisWriteContext;
  #restore = false;
  #missed: MissedEntries = { updates: [], alerts: [] };
  #failedWrites = 0;

  constructor(ctx: RedisWriteContext) {
    this.#ctx = ctx;
  }

  /** Write batches that failed since start. */
  get failedWrites(): number {
    return this.#failedWrites;
  }

  /** Has the next write restore the mirror (the server reconnected and may have come back empty). */
  restoreNext(): void {
    this.#restore = true;
  }

  /** Queues `plan` on `m` (after the mirror `state` when a restore is due) and runs it; throws on failure. */
  async write(m: RedisMulti, plan: IngestPlan, state: HotState, revisedAt: Date): Promise<void> {
    const restore = this.#restore;
    if (restore) queueRestore(m, this.#ctx, state, this.#missed);
    queuePlan(m, this.#ctx, plan, revisedAt);
    const replies = await m.exec();
    if (replies === null) throw new Error("MULTI was aborted");
    const failed = replies.find(([err]) => err);
    if (failed) throw failed[0];
    if (restore) [this.#restore, this.#missed] = [false, { updates: [], alerts: [] }];
  }

  /** Counts a failed write of `plan` and keeps its stream entries for the restore. */
  failed(plan: IngestPlan): void {
    const { streamMaxLen, alertsMaxLen } = this.#ctx.config;
    this.#failedWrites++;
    this.#restore = true;
    this.#missed = {
      updates: [...this.#missed.updates, ...plan.updates].slice(-streamMaxLen),
      alerts: [...this.#missed.alerts, ...plan.alerts].slice(-alertsMaxLen),
    };
  }
}

/** Queues the whole mirror and the missed stream entries: a restarted server may have come back empty. */
export function queueRestore(
  m: RedisMulti,
  ctx: RedisWriteContext,
  state: HotState,
  missed: MissedEntries,
): void {
  const { keys, config } = ctx;
  for (const zone of state.zones()) {
    for (const market of MARKETS) {
      const key = keys.series(zone, market);
      for (const p of state.series(zone, market)) {
        m.zremrangebyscore(key, p.ms, p.ms).zadd(key, p.ms, encodeMember(p));
      }
    }
    const current = state.current(zone);
    if (current !== undefined) m.del(keys.current(zone)).hset(keys.current(zone), encodeCurrent(current));
  }
  for (const u of missed.updates) {
    m.xadd(keys.stream(u.zone), "MAXLEN", "~", config.streamMaxLen, "*", ...encodeUpdate(u));
  }
  for (const a of missed.alerts) {
    m.xadd(keys.alertsStream(), "MAXLEN", "~", config.alertsMaxLen, "*", ...encodeAlert(a));
  }
}

/** Queues `plan`; `revisedAt` (the store's clock, not the run's older `now`) dates its revisions. */
export function queuePlan(m: RedisMulti, ctx: RedisWriteContext, plan: IngestPlan, revisedAt: Date): void {
  const { keys, config } = ctx;
  for (const u of plan.updates) {
    const key = keys.series(u.zone, u.market);
    m.zremrangebyscore(key, u.ms, u.ms).zadd(key, u.ms, encodeMember(u));
    m.xadd(keys.stream(u.zone), "MAXLEN", "~", config.streamMaxLen, "*", ...encodeUpdate(u));
    m.publish(keys.updates(u.zone), JSON.stringify(u));
  }
  queueRedisRevisions(m, keys, plan.updates, revisedAt, plan.trims);
  for (const c of plan.current) {
    // Merged per market, never older over newer: another instance may have written a newer price.
    m.eval(CURRENT_MERGE_SCRIPT, 1, keys.current(c.zone), ...currentMergeArgs(c));
  }
  for (const t of plan.trims) m.zremrangebyscore(keys.series(t.zone, t.market), "-inf", `(${t.cutoffMs}`);
  for (const a of plan.alerts) {
    m.xadd(keys.alertsStream(), "MAXLEN", "~", config.alertsMaxLen, "*", ...encodeAlert(a));
    m.publish(keys.alerts(), JSON.stringify(a));
  }
}
