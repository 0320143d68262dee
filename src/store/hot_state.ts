/**
 * The in-process copy of the hot structures: every zone's price series within retention, its current
 * prices and node, and the recent alerts. Both stores keep one: it is what a poll is compared with (so a
 * re-fetch changes nothing), what reads fall back to while Redis is down, and what restores Redis after.
 *
 * @module
 */
import type { AlertEvent } from "../analytics/alerts.ts";
import { type CurrentPrices, type Market, MARKETS, type PriceUpdate, type SeriesPoint } from "./store.ts";

/** The mirrored state of all zones. */
export class HotState {
  readonly #series = new Map<string, Map<number, SeriesPoint>>();
  readonly #current = new Map<string, CurrentPrices>();
  readonly #nodes = new Map<string, string>();
  readonly #loaded = new Set<string>();
  readonly #alerts: AlertEvent[] = [];
  readonly #alertsMax: number;

  /** Keeps at most `alertsMax` recent alerts. */
  constructor(alertsMax = 1000) {
    this.#alertsMax = alertsMax;
  }

  #map(zone: string, market: Market): Map<number, SeriesPoint> {
    const key = `${zone}|${market}`;
    let m = this.#series.get(key);
    if (m === undefined) this.#series.set(key, m = new Map());
    return m;
  }

  /** Whether `zone` was loaded from the backend since start. */
  isLoaded(zone: string): boolean {
    return this.#loaded.has(zone);
  }

  /** Merges what the backend holds for `zone`; points already mirrored win, being newer. */
  load(
    zone: string,
    series: Readonly<Record<Market, readonly SeriesPoint[]>>,
    current: CurrentPrices | null,
  ): void {
    for (const market of MARKETS) {
      const m = this.#map(zone, market);
      for (const p of series[market]) if (!m.has(p.ms)) m.set(p.ms, p);
    }
    if (current !== null && !this.#current.has(zone)) this.#current.set(zone, current);
    this.#loaded.add(zone);
  }

  /** The stored price of one interval, if any. */
  get(zone: string, market: Market, ms: number): SeriesPoint | undefined {
    return this.#series.get(`${zone}|${market}`)?.get(ms);
  }

  /** The `market` series of `zone`, oldest first, optionally limited to `[fromMs, toMs]`. */
  series(zone: string, market: Market, fromMs = -Infinity, toMs = Infinity): SeriesPoint[] {
    const m = this.#series.get(`${zone}|${market}`);
    if (m === undefined) return [];
    return [...m.values()].filter((p) => p.ms >= fromMs && p.ms <= toMs).sort((a, b) => a.ms - b.ms);
  }

  /** The latest point of a series. */
  latest(zone: string, market: Market): SeriesPoint | undefined {
    let best: SeriesPoint | undefined;
    for (const p of this.#series.get(`${zone}|${market}`)?.values() ?? []) {
      if (!best || p.ms > best.ms) best = p;
    }
    return best;
  }

  /** Current prices of `zone`, if known. */
  current(zone: string): CurrentPrices | undefined {
    return this.#current.get(zone);
  }

  /** Records the current prices of `zone`. */
  setCurrent(zone: string, current: CurrentPrices): void {
    this.#current.set(zone, current);
  }

  /** The node last seen for `zone`. */
  node(zone: string): string | undefined {
    return this.#nodes.get(zone);
  }

  /** Zones with any data, sorted. */
  zones(): string[] {
    const zones = new Set([...this.#current.keys()]);
    for (const [key, m] of this.#series) if (m.size > 0) zones.add(key.split("|")[0]!);
    return [...zones].sort();
  }

  /** Applies new or revised intervals. */
  applyUpdates(updates: readonly PriceUpdate[]): void {
    for (const u of updates) {
      this.#map(u.zone, u.market).set(u.ms, { timestamp: u.timestamp, ms: u.ms, price: u.price });
      this.#nodes.set(u.zone, u.node);
    }
  }

  /** Drops points of a series that start before `cutoffMs`; returns how many. */
  trim(zone: string, market: Market, cutoffMs: number): number {
    const m = this.#series.get(`${zone}|${market}`);
    let n = 0;
    for (const ms of m?.keys() ?? []) {
      if (ms < cutoffMs) {
        m!.delete(ms);
        n++;
      }
    }
    return n;
  }

  /** Records alerts, keeping the most recent. */
  addAlerts(alerts: readonly AlertEvent[]): void {
    this.#alerts.push(...alerts);
    if (this.#alerts.length > this.#alertsMax) this.#alerts.splice(0, this.#alerts.length - this.#alertsMax);
  }

  /** The most recent alerts, newest first. */
  recentAlerts(limit: number): AlertEvent[] {
    return this.#alerts.slice(-limit).reverse();
  }
}
