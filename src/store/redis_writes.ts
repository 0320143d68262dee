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
