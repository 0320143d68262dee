/**
 * The `snapshot` message: current prices (with any estimate) of the subscribed zones, their last 24 hours
 * of RT, FMM and DA prices (DA also the hours published ahead of now), the recent alerts of offered zones
 * and the thresholds the dashboard draws. Built from the store, once per subscription and publish (the
 * fan-out caches it), never once per client.
 *
 * @module
 */
import type { AlertThresholds } from "../analytics/alerts.ts";
import type { PriceStore } from "../store/store.ts";
import { currentView } from "./current_view.ts";
import type { EstimateSettings } from "./estimate.ts";
import type { SnapshotMessage, ZoneHistory } from "./messages.ts";
import type { ZoneCatalog } from "./zone_catalog.ts";

/** Hours of history in a snapshot. */
export const SNAPSHOT_HOURS = 24;

/**
 * How far ahead of now day-ahead prices are read (the snapshot's and `GET /api/history?type=da`): to the end
 * of tomorrow's Pacific operating day (48 hours from a midnight, 49 on the day the clocks fall back), so every
 * day-ahead hour already published is in it.
 */
export const DA_AHEAD_MS = 49 * 3_600_000;

/** Most zones whose history a `"*"` snapshot carries. */
export const WILDCARD_HISTORY_ZONES = 10;

/** Recent alerts in a snapshot. */
export const SNAPSHOT_ALERTS = 50;

/** What a snapshot is built from. */
export interface SnapshotDeps {
  readonly store: PriceStore;
  readonly zones: ZoneCatalog;
  readonly thresholds: AlertThresholds;
  readonly staleAfterMs: number;
  /** How a missing newest RT price is estimated. */
  readonly estimates: EstimateSettings;
  readonly heartbeatMs: number;
  readonly now: () => Date;
}

async function zoneHistory(store: PriceStore, zone: string, from: Date, to: Date): Promise<ZoneHistory> {
  // Day-ahead prices are known ahead: a client derives the coming hours' DA price and spread from them.
  const ahead = new Date(to.getTime() + DA_AHEAD_MS);
  const [rt, fmm, da] = await Promise.all([
    store.history(zone, "RT", { from, to }),
    store.history(zone, "FMM", { from, to }),
    store.history(zone, "DA", { from, to: ahead }),
  ]);
  return { RT: rt.value, FMM: fmm.value, DA: da.value };
}

/** The snapshot for a client subscribed to `subscribed` (zone names, or `"*"` for all). */
export async function buildSnapshot(
  deps: SnapshotDeps,
  subscribed: readonly string[] | "*",
): Promise<SnapshotMessage> {
  const now = deps.now();
  const from = new Date(now.getTime() - SNAPSHOT_HOURS * 3_600_000);
  const all = await deps.zones.list();
  const zones = subscribed === "*" ? all : subscribed;
  const withHistory = subscribed === "*" && zones.length > WILDCARD_HISTORY_ZONES ? [] : zones;
  const [current, histories, alerts] = await Promise.all([
    Promise.all(zones.map((z) => currentView(deps.store, z, now, deps))),
    Promise.all(withHistory.map((z) => zoneHistory(deps.store, z, from, now))),
    deps.store.alerts(SNAPSHOT_ALERTS),
  ]);
  return {
    type: "snapshot",
    server_time: now.toISOString(),
    zones: all,
    subscribed,
    current,
    history: Object.fromEntries(withHistory.map((z, i) => [z, histories[i]!])),
    alerts: alerts.value.filter((a) => deps.zones.offers(a.zone)),
    thresholds: deps.thresholds,
    stale_after_s: deps.staleAfterMs / 1000,
    estimate_after_s: deps.estimates.afterMs / 1000,
    heartbeat_s: deps.heartbeatMs / 1000,
  };
}

/** Serialized snapshots by subscription, shared by every client until `clear()` (each publish, each beat). */
export class SnapshotCache {
  readonly #deps: SnapshotDeps;
  readonly #texts = new Map<string, Promise<string>>();

  /** An empty cache over `deps`. */
  constructor(deps: SnapshotDeps) {
    this.#deps = deps;
  }

  /** The snapshot of `subscribed` as JSON, built at most once until the next `clear()`. */
  get(subscribed: readonly string[] | "*"): Promise<string> {
    const key = subscribed === "*" ? "*" : [...subscribed].sort().join(",");
    let text = this.#texts.get(key);
    if (text === undefined) {
      if (this.#texts.size >= 100) this.#texts.clear();
      text = buildSnapshot(this.#deps, subscribed).then((s) => JSON.stringify(s));
      text.catch(() => this.#texts.delete(key));
      this.#texts.set(key, text);
    }
    return text;
  }

  /** Forgets every snapshot. */
  clear(): void {
    this.#texts.clear();
  }
}
