/**
 * The hot store on Deno KV: the embedded default when `REDIS_URL` is unset, with the same structures as
 * Redis under key parts (`["caiso", "zone", zone, "rt:5min", ms]`, …) and in-process fan-out through an
 * `EventTarget`. A poll's writes go in atomic batches (`kv_writes.ts`).
 *
 * @module
 */
import { openKv } from "../clients/kv.ts";
import type { AlertEvent } from "../analytics/alerts.ts";
import type { OasisRow } from "../oasis/row.ts";
import { type AlertRuleBook, kvRuleBackend } from "./alert_rule_book.ts";
import type { IngestPlan } from "./ingest_plan.ts";
import { readKvInterval } from "./interval_components.ts";
import { KvKeys, kvRangeSelector } from "./keys.ts";
import { readKvValues, toMarketValues, writeKvValues } from "./market_values.ts";
import { type PriceRevision, readKvRevisions } from "./revision_log.ts";
import type { StoreConfig } from "./settings.ts";
import { readSignals, StoreCore, type ZoneSnapshot } from "./store_core.ts";
import { KvWriter } from "./kv_writes.ts";
import {
  type BatterySignal,
  type CurrentPrices,
  type IngestResult,
  type IntervalQuery,
  type Market,
  MARKETS,
  type MarketValue,
  type PriceStore,
  type PriceUpdate,
  type SeriesPoint,
  type SignalQuery,
  type StoreRead,
  type StoreStats,
  type TimeRange,
  type Unsubscribe,
  type ValueMarket,
} from "./store.ts";

/** Options for `KvStore`. */
export interface KvStoreOptions {
  readonly config: StoreConfig;
  /** An open database; when absent `openKvStore` opens `config.kvPath`. */
  readonly kv: Deno.Kv;
  /** Key parts before `"caiso"`. */
  readonly prefix?: readonly string[];
  /** Clock for retention and the current hour; defaults to the system clock. */
  readonly clock?: () => Date;
  /** Whether `close()` closes `kv` (true when the store opened it). */
  readonly ownsKv?: boolean;
}

const fresh = <T>(value: T): StoreRead<T> => ({ value, stale: false, ageMs: 0 });

/** The Deno KV implementation of `PriceStore`. */
export class KvStore implements PriceStore {
  readonly #kv: Deno.Kv;
  readonly #keys: KvKeys;
  readonly #config: StoreConfig;
  readonly #core: StoreCore;
  readonly #events = new EventTarget();
  readonly #ownsKv: boolean;
  readonly #writer: KvWriter;
  #failedWrites = 0;
  #restore = false;
  #closed = false;

  /** Wraps an open database. */
  constructor(options: KvStoreOptions) {
    this.#kv = options.kv;
    this.#keys = new KvKeys(options.prefix ?? []);
    this.#config = options.config;
    this.#core = new StoreCore(
      options.config,
      options.clock,
      kvRuleBackend(options.kv, this.#keys.alertRules()),
    );
    this.#ownsKv = options.ownsKv ?? false;
    this.#writer = new KvWriter(options.kv, this.#keys, options.config);
  }

  ingest(rows: readonly OasisRow[], now: Date = this.#core.clock()): Promise<IngestResult> {
    return this.#core.exclusive(async () => {
      const accepted = this.#core.accept(rows);
      const missing = this.#core.unloaded(accepted);
      if (missing.length > 0) await this.#load(missing).then((s) => this.#core.mirror(s), () => {});
      const prepared = await this.#core.prepare(accepted, now);
      const stored = await this.#write(prepared.plan, this.#core.clock());
      const result = this.#core.commit(prepared, stored);
      if (stored) this.#fanOut(prepared.plan);
      return result;
    });
  }

  async #load(zones: readonly string[]): Promise<Map<string, ZoneSnapshot>> {
    const out = new Map<string, ZoneSnapshot>();
    for (const zone of zones) {
      const series = { RT: [], FMM: [], DA: [] } as Record<Market, SeriesPoint[]>;
      for (const market of MARKETS) series[market] = await this.#list(zone, market, {});
      const current = (await this.#kv.get<CurrentPrices>(this.#keys.current(zone))).value;
      out.set(zone, { series, current });
    }
    return out;
  }

  async #list(zone: string, market: Market, range: TimeRange): Promise<SeriesPoint[]> {
    const selector = kvRangeSelector(this.#keys.series(zone, market), range);
    const out: SeriesPoint[] = [];
    for await (const e of this.#kv.list<SeriesPoint>(selector)) out.push(e.value);
    return out;
  }

  /** Writes `plan`; `revisedAt` (the store's clock, not the run's older `now`) dates its revisions. */
  async #write(plan: IngestPlan, revisedAt: Date): Promise<boolean> {
    try {
      await this.#writer.write(plan, this.#core.state, this.#restore, revisedAt);
      this.#restore = false;
      return true;
    } catch {
      this.#failedWrites++;
      this.#restore = true;
      return false;
    }
  }

  #fanOut(plan: IngestPlan): void {
    for (const u of plan.updates) {
      this.#events.dispatchEvent(new CustomEvent(`updates:${u.zone}`, { detail: u }));
      this.#events.dispatchEvent(new CustomEvent("updates:*", { detail: u }));
    }
    for (const a of plan.alerts) this.#events.dispatchEvent(new CustomEvent("alerts", { detail: a }));
  }

  async current(zone: string): Promise<StoreRead<CurrentPrices | null>> {
    return fresh((await this.#kv.get<CurrentPrices>(this.#keys.current(zone))).value);
  }

  async history(zone: string, market: Market, range: TimeRange = {}): Promise<StoreRead<SeriesPoint[]>> {
    return fresh(await this.#list(zone, market, range));
  }

  async revisions(zone: string, market: Market, range: TimeRange = {}): Promise<StoreRead<PriceRevision[]>> {
    return {
      value: await readKvRevisions(this.#kv, this.#keys, zone, market, range),
      stale: false,
      ageMs: 0,
    };
  }

  async interval(zone: string, query: IntervalQuery): Promise<StoreRead<PriceUpdate | null>> {
    const prefix = this.#keys.stream(zone);
    return fresh(await readKvInterval(this.#kv, prefix, query, this.#config.streamMaxLen));
  }

  async keepValues(rows: readonly OasisRow[]): Promise<boolean> {
    return await writeKvValues(this.#kv, this.#keys.values(), toMarketValues(rows)).then(
      () => true,
      () => false,
    );
  }

  async values(market: ValueMarket, range: TimeRange = {}): Promise<StoreRead<MarketValue[]>> {
    return fresh(await readKvValues(this.#kv, this.#keys.values(), market, range));
  }

  async alerts(limit = 50): Promise<StoreRead<AlertEvent[]>> {
    const out: AlertEvent[] = [];
    for await (
      const e of this.#kv.list<AlertEvent>({ prefix: this.#keys.alertsStream() }, { reverse: true, limit })
    ) {
      out.push(e.value);
    }
    return fresh(out);
  }

  async signals(zone: string, query: SignalQuery = {}): Promise<StoreRead<BatterySignal[]>> {
    return await readSignals(this, this.#core, zone, query);
  }

  async zones(): Promise<StoreRead<string[]>> {
    const out: string[] = [];
    for await (const e of this.#kv.list({ prefix: this.#keys.zoneIndex() })) out.push(String(e.key.at(-1)));
    return fresh(out.sort());
  }

  #on<T>(name: string, listener: (detail: T) => void): Promise<Unsubscribe> {
    const handler = (e: Event) => {
      try {
        listener((e as CustomEvent<T>).detail);
      } catch {
        // A failing listener must not stop the others.
      }
    };
    this.#events.addEventListener(name, handler);
    return Promise.resolve(() => Promise.resolve(this.#events.removeEventListener(name, handler)));
  }

  async onUpdate(zone: string | null, listener: (update: PriceUpdate) => void): Promise<Unsubscribe> {
    if (zone !== null) this.#keys.current(zone); // validates the zone name
    return await this.#on(zone === null ? "updates:*" : `updates:${zone}`, listener);
  }

  onAlert(listener: (alert: AlertEvent) => void): Promise<Unsubscribe> {
    return this.#on("alerts", listener);
  }

  alertRules(): AlertRuleBook {
    return this.#core.rules;
  }

  onOwnAlert(listener: (alert: AlertEvent) => void): () => void {
    return this.#core.onOwnAlert(listener);
  }

  stats(): StoreStats {
    return {
      backend: "kv",
      connected: !this.#closed,
      failedWrites: this.#failedWrites,
      skippedRows: this.#core.skippedRows(),
      ingests: this.#core.ingests(),
    };
  }

  close(): Promise<void> {
    if (!this.#closed && this.#ownsKv) this.#kv.close();
    this.#closed = true;
    return Promise.resolve();
  }
}

/** Opens the Deno KV store at `path` (default `config.kvPath`; `:memory:` in tests), creating its folder. */
export async function openKvStore(
  options: Omit<KvStoreOptions, "kv" | "ownsKv"> & { readonly path?: string },
): Promise<KvStore> {
  const kv = await openKv(options.path ?? options.config.kvPath);
  return new KvStore({ ...options, kv, ownsKv: true });
}
