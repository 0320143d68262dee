/**
 * The hot store: the live view of prices that the API and WebSocket layer read in a millisecond. This file
 * owns the interface; `redis_store.ts` (core) and `kv_store.ts` (embedded edge) implement it, and one
 * contract test suite runs against both.
 *
 * @module
 */
import type { OasisRow } from "../oasis/row.ts";
import type { AlertEvent } from "../analytics/alerts.ts";
import type { BatterySignal } from "../analytics/signals.ts";
import type { AlertRuleBook } from "./alert_rule_book.ts";
import type { PriceRevision } from "./revision_log.ts";
import type { IntervalQuery } from "./interval_components.ts";
import type { MarketValue, ValueMarket } from "./market_values.ts";

export type { IntervalQuery } from "./interval_components.ts";
export type { MarketValue, ValueMarket } from "./market_values.ts";
export type { AlertEvent, AlertKind } from "../analytics/alerts.ts";
export type { BatterySignal, SignalAction } from "../analytics/signals.ts";
export type { PriceRevision } from "./revision_log.ts";

/** Price series kept per zone: real-time 5-minute, fifteen-minute and day-ahead hourly. */
export type Market = "RT" | "FMM" | "DA";

/** The markets, in the order they are stored and listed. */
export const MARKETS: readonly Market[] = ["RT", "FMM", "DA"];

/** LMP components other than the total, kept in the stream entry. */
export type PriceComponent = "MCE" | "MCC" | "MCL" | "MGHG";

/** One stored price: interval start and total LMP. */
export interface SeriesPoint {
  /** Interval start, UTC ISO-8601 ending in `Z`. */
  readonly timestamp: string;
  /** Interval start in epoch ms (the sorted-set score). */
  readonly ms: number;
  /** Total LMP in $/MWh. */
  readonly price: number;
}

/** One interval of one node with its total LMP and components, ready to store. */
export interface PricePoint extends SeriesPoint {
  /** Zone the node belongs to. */
  readonly zone: string;
  /** Pricing node as OASIS names it. */
  readonly node: string;
  /** Market of the price. */
  readonly market: Market;
  /** Components present in the source (energy, congestion, loss, GHG). */
  readonly components: Readonly<Partial<Record<PriceComponent, number>>>;
}

/** A new or revised interval, as published on `caiso:{zone}:updates` and appended to the stream. */
export interface PriceUpdate extends PricePoint {
  /** Whether the interval was already stored with another price. */
  readonly revised: boolean;
  /** The price it replaced, or null for a new interval. */
  readonly previous_price: number | null;
}

/** The `caiso:{zone}:current` hash, parsed; null fields are absent from the hash. */
export interface CurrentPrices {
  readonly zone: string;
  readonly rt_price: number | null;
  readonly rt_timestamp: string | null;
  readonly fmm_price: number | null;
  readonly fmm_timestamp: string | null;
  /** Day-ahead price of the hour that contains the store's clock at the last write. */
  readonly da_price: number | null;
  readonly da_timestamp: string | null;
  /** `rt_price` minus the day-ahead price of the hour that contains `rt_timestamp`. */
  readonly spread: number | null;
  /** When the hash was last written, UTC ISO-8601. */
  readonly last_update: string | null;
}

/** A source row that was not stored, and why. */
export interface SkippedRow {
  /** Reason class, the key of `StoreStats.skippedRows` (`null_value`, `unknown_component`, …). */
  readonly code: string;
  /** Why, naming the value. */
  readonly reason: string;
  readonly node: string;
  readonly dataset: string;
  readonly component: string;
  readonly interval_start: string;
  readonly source_file: string;
  readonly row_number: number;
}

/** What one `ingest()` call did. */
export interface IngestResult {
  /** Rows received. */
  readonly rows: number;
  /** Distinct intervals with a total LMP found in the rows. */
  readonly points: number;
  /** New or revised intervals (published and appended to the streams). */
  readonly updates: readonly PriceUpdate[];
  /** Intervals already stored with the same price. */
  readonly unchanged: number;
  /** Intervals older than the retention window, ignored. */
  readonly expired: number;
  /** Rows skipped, each with its reason. */
  readonly skipped: readonly SkippedRow[];
  /** Alerts raised or cleared by this poll. */
  readonly alerts: readonly AlertEvent[];
  /** Whether the backend accepted the writes (false when Redis is down; the data is kept in memory). */
  readonly stored: boolean;
}

/** A read answer: the value, and whether it is a last known value because the backend is unreachable. */
export interface StoreRead<T> {
  readonly value: T;
  /** True when the backend could not be read and `value` is the last known state. */
  readonly stale: boolean;
  /** Milliseconds since the backend last answered (0 when fresh). */
  readonly ageMs: number;
}

/** A time range of interval starts, `[from, to]` inclusive; open ends mean unbounded. */
export interface TimeRange {
  readonly from?: Date;
  readonly to?: Date;
}

/** Which prices `signals()` turns into battery signals. */
export interface SignalQuery {
  /** Pacific operating date `YYYY-MM-DD`; defaults to the date of the store's clock. */
  readonly date?: string;
  /** Series to signal on; default `RT`. `DA` gives the day's hourly plan. */
  readonly market?: Market;
}

/** Counters for the metrics endpoint. */
export interface StoreStats {
  /** Backend kind. */
  readonly backend: "redis" | "kv";
  /** Whether the backend is reachable now. */
  readonly connected: boolean;
  /** Write batches (one per poll) the backend rejected or could not receive. */
  readonly failedWrites: number;
  /** Rows skipped since start, by reason class. */
  readonly skippedRows: Readonly<Record<string, number>>;
  /** Polls ingested since start. */
  readonly ingests: number;
}

/** Stops a subscription. */
export type Unsubscribe = () => Promise<void>;

/** The hot store the service core owns; implemented on Redis and on Deno KV. */
export interface PriceStore {
  /** Stores the rows of one poll; returns what changed. Never throws for bad rows or an unreachable backend. */
  ingest(rows: readonly OasisRow[], now?: Date): Promise<IngestResult>;
  /** Current prices of `zone`, or null when nothing is known about it. */
  current(zone: string): Promise<StoreRead<CurrentPrices | null>>;
  /** Stored prices of `zone` in `market`, oldest first. */
  history(zone: string, market: Market, range?: TimeRange): Promise<StoreRead<SeriesPoint[]>>;
  /** The replaced prices of intervals of `zone` in `market` within `range` (for `as_of`), in no order. */
  revisions(zone: string, market: Market, range?: TimeRange): Promise<StoreRead<PriceRevision[]>>;
  /** The newest stream entry of one interval of `zone` (total LMP and components), or null if not kept. */
  interval(zone: string, query: IntervalQuery): Promise<StoreRead<PriceUpdate | null>>;
  /** Keeps the AS and CRR clearing prices among `rows` (other rows are ignored); false if not written. */
  keepValues(rows: readonly OasisRow[], now?: Date): Promise<boolean>;
  /** Kept AS or CRR prices of `market` whose interval starts in `range`, oldest first. */
  values(market: ValueMarket, range?: TimeRange): Promise<StoreRead<MarketValue[]>>;
  /** The most recent alerts, newest first. */
  alerts(limit?: number): Promise<StoreRead<AlertEvent[]>>;
  /** Battery signals for one zone and operating day. */
  signals(zone: string, query?: SignalQuery): Promise<StoreRead<BatterySignal[]>>;
  /** Zones with current prices, sorted. */
  zones(): Promise<StoreRead<string[]>>;
  /** Calls `listener` for each new or revised interval of `zone` (every zone when null). */
  onUpdate(zone: string | null, listener: (update: PriceUpdate) => void): Promise<Unsubscribe>;
  /** Calls `listener` for each alert raised or cleared. */
  onAlert(listener: (alert: AlertEvent) => void): Promise<Unsubscribe>;
  /**
   * Calls `listener` (synchronously, inside the poll: keep it short) for each alert this process's own
   * polls raise or clear, stored or not; unlike `onAlert`, never for another instance's. Returns the stop.
   */
  onOwnAlert(listener: (alert: AlertEvent) => void): () => void;
  /** The alert rules, persisted in the backend. */
  alertRules(): AlertRuleBook;
  /** Counters for metrics. */
  stats(): StoreStats;
  /** Closes connections and subscriptions. */
  close(): Promise<void>;
}
