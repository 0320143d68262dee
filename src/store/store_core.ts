/**
 * The part of a store that does not depend on the backend: turning rows into a plan against the mirror,
 * mirroring zones read from the backend, counting skipped rows and polls, and computing battery signals from
 * stored prices. `RedisStore` and `KvStore` each own one and add their writes and reads; the core never
 * calls back into its store (the store loads what `unloaded()` names and hands it to `mirror()`).
 *
 * @module
 */
import type { OasisRow } from "../oasis/row.ts";
import { DATASETS } from "../oasis/datasets.ts";
import { operatingDate, operatingDay } from "../oasis/time.ts";
import { type BatterySignal, batterySignals } from "../analytics/signals.ts";
import { defaultAlertRules } from "../analytics/alert_rules.ts";
import { type AlertRuleBackend, AlertRuleBook } from "./alert_rule_book.ts";
import { HotState } from "./hot_state.ts";
import { applyPlan, type IngestPlan, planIngest } from "./ingest_plan.ts";
import { toPricePoints } from "./price_points.ts";
import type { StoreConfig } from "./settings.ts";
import type {
  AlertEvent,
  CurrentPrices,
  IngestResult,
  Market,
  PricePoint,
  PriceStore,
  SeriesPoint,
  SignalQuery,
  SkippedRow,
  StoreRead,
  TimeRange,
} from "./store.ts";

/** What the backend holds for one zone. */
export interface ZoneSnapshot {
  readonly series: Readonly<Record<Market, readonly SeriesPoint[]>>;
  readonly current: CurrentPrices | null;
}

/** One poll's rows as price points, with what was skipped. */
export interface AcceptedRows {
  readonly points: readonly PricePoint[];
  readonly skipped: readonly SkippedRow[];
  /** Rows received. */
  readonly rows: number;
}

/** A poll ready to be written: the plan and the counts for the result. */
export interface PreparedIngest {
  readonly plan: IngestPlan;
  readonly rows: number;
  readonly points: number;
  readonly skipped: readonly SkippedRow[];
}

/** Settings the core uses. */
export type CoreConfig = Pick<StoreConfig, "retentionDays" | "alerts" | "signals" | "alertsMaxLen">;

const INTERVAL_MINUTES: Readonly<Record<Market, number>> = {
  RT: DATASETS.lmp_rtm.intervalMinutes,
  FMM: DATASETS.lmp_fmm.intervalMinutes,
  DA: DATASETS.lmp_dam.intervalMinutes,
};

/** Backend-independent store logic around one mirror. */
export class StoreCore {
  /** The mirror. */
  readonly state: HotState;
  /** The store's clock. */
  readonly clock: () => Date;
  /** The alert rules. */
  readonly rules: AlertRuleBook;
  readonly #config: CoreConfig;
  readonly #skipped: Record<string, number> = {};
  #ingests = 0;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #own = new Set<(alert: AlertEvent) => void>();

  /** `clock` defaults to the system clock; the alert rules live in `rules`. */
  constructor(config: CoreConfig, clock: () => Date = () => new Date(), rules: AlertRuleBackend) {
    this.#config = config;
    this.clock = clock;
    this.rules = new AlertRuleBook(rules, defaultAlertRules(config.alerts));
    this.state = new HotState(config.alertsMaxLen);
  }

  /**
   * Runs `ingest` steps one poll at a time. A poll is planned against the mirror, written, then applied to
   * the mirror; two polls planned together (every dataset runs at once at start) would each build the
   * zone's current prices without the other's rows, and the later write would clobber the earlier.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Turns one poll's rows into price points, counting the skipped rows and the poll. */
  accept(rows: readonly OasisRow[]): AcceptedRows {
    const list = Array.isArray(rows) ? rows : [];
    const { points, skipped } = toPricePoints(list);
    for (const s of skipped) this.#skipped[s.code] = (this.#skipped[s.code] ?? 0) + 1;
    this.#ingests++;
    return { points, skipped, rows: list.length };
  }

  /** Zones of `accepted` not yet in the mirror: the store loads them from its backend first. */
  unloaded(accepted: AcceptedRows): string[] {
    return [...new Set(accepted.points.map((p) => p.zone))].filter((z) => !this.state.isLoaded(z));
  }

  /** Puts zones read from the backend into the mirror. */
  mirror(snapshots: ReadonlyMap<string, ZoneSnapshot>): void {
    for (const [zone, snap] of snapshots) this.state.load(zone, snap.series, snap.current);
  }

  /** Plans one poll against the mirror (the zones it could load) and the current alert rules. */
  async prepare(accepted: AcceptedRows, now: Date): Promise<PreparedIngest> {
    const rules = await this.rules.refresh();
    const plan = planIngest(this.state, accepted.points, { ...this.#config, rules }, now);
    return { plan, rows: accepted.rows, points: accepted.points.length, skipped: accepted.skipped };
  }

  /** Calls `listener` for each alert this process's own polls raise or clear (see `PriceStore`). */
  onOwnAlert(listener: (alert: AlertEvent) => void): () => void {
    this.#own.add(listener);
    return () => this.#own.delete(listener);
  }

  /** Applies a planned poll to the mirror and builds the result. */
  commit(prepared: PreparedIngest, stored: boolean): IngestResult {
    applyPlan(this.state, prepared.plan);
    const { plan } = prepared;
    for (const alert of plan.alerts) {
      for (const listener of this.#own) {
        try {
          listener(alert);
        } catch {
          // A failing listener must not fail the poll.
        }
      }
    }
    return {
      rows: prepared.rows,
      points: prepared.points,
      updates: plan.updates,
      unchanged: plan.unchanged,
      expired: plan.expired,
      skipped: prepared.skipped,
      alerts: plan.alerts,
      stored,
    };
  }

  /** Skipped rows since start, by reason class. */
  skippedRows(): Readonly<Record<string, number>> {
    return { ...this.#skipped };
  }

  /** Polls ingested since start. */
  ingests(): number {
    return this.#ingests;
  }

  /** The series and the operating day whose prices `signals` needs for `query`. */
  signalDay(query: SignalQuery): { readonly market: Market; readonly range: Required<TimeRange> } {
    const day = operatingDay(query.date ?? operatingDate(this.clock()));
    return { market: query.market ?? "RT", range: { from: day.start, to: new Date(day.end.getTime() - 1) } };
  }

  /** Battery signals from the day's `prices` in `market` and its day-ahead prices `da`. */
  signals(
    market: Market,
    prices: StoreRead<SeriesPoint[]>,
    da: StoreRead<SeriesPoint[]>,
  ): StoreRead<BatterySignal[]> {
    return {
      value: batterySignals(prices.value, INTERVAL_MINUTES[market], da.value, this.#config.signals),
      stale: prices.stale || da.stale,
      ageMs: Math.max(prices.ageMs, da.ageMs),
    };
  }
}

/** Battery signals of `zone` for `query`, from the prices `store` reads (what both stores' `signals` do). */
export async function readSignals(
  store: Pick<PriceStore, "history">,
  core: StoreCore,
  zone: string,
  query: SignalQuery,
): Promise<StoreRead<BatterySignal[]>> {
  const { market, range } = core.signalDay(query);
  const prices = await store.history(zone, market, range);
  const da = market === "DA" ? prices : await store.history(zone, "DA", range);
  return core.signals(market, prices, da);
}
