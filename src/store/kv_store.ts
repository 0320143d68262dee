/**
 * The hot store on Deno KV: the embedded default when `REDIS_URL` is unset, with the same structures as
 * Redis under key parts (`["caiso", "zone", zone, "rt:5min", ms]`, …) and in-process fan-out through an
 * `EventTarget`. A poll's writes go in atomic batches of at most `KV_BATCH` mutations (Deno KV allows
 * 1,000 per atomic operation), in order, so a day of prices for several zones still fits.
 *
 * @module
 */
import { dirname } from "node:path";
import type { AlertEvent } from "../analytics/alerts.ts";
import type { OasisRow } from "../oasis/row.ts";
import { type AlertRuleBook, kvRuleBackend } from "./alert_rule_book.ts";
import type { IngestPlan } from "./ingest_plan.ts";
import { readKvInterval } from "./interval_components.ts";
import { KvKeys, kvRangeSelector } from "./keys.ts";
import { readKvValues, toMarketValues, writeKvValues } from "./market_values.ts";
import { kvRevisionEntries, kvRevisionsPrefix, type PriceRevision, readKvRevisions } from "./revision_log.ts";
import type { StoreConfig } from "./settings.ts";
import { StoreCore, type ZoneSnapshot } from "./store_core.ts";
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

/** Most mutations per atomic commit. */
export const KV_BATCH = 500;

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

type Mutation = { key: Deno.KvKey; value?: unknown };

const fresh = <T>(value: T): StoreRead<T> => ({ value, stale: false, ageMs: 0 });

/** The Deno KV implementation of `PriceStore`. */
export class KvStore implements PriceStore {
  readonly #kv: Deno.Kv;
  readonly #keys: KvKeys;
  readonly #config: StoreConfig;
  readonly #core: StoreCore;
  readonly #events = new EventTarget();
  readonly #ownsKv: boolean;
  readonly #seq = new Map<string, number>();
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
  }

  ingest(rows: readonly OasisRow[], now: Date = this.#core.clock()): Promise<IngestResult> {
    return this.#core.exclusive(async () => {
      const prepared = await this.#core.prepare(rows, now, (zones) => this.#load(zones));
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

  async #nextSeq(zone: string | null, used: Set<string>): Promise<number> {
    const id = zone ?? "";
    let seq = this.#seq.get(id);
    if (seq === undefined) seq = (await this.#kv.get<number>(this.#keys.streamSeq(zone))).value ?? 0;
    this.#seq.set(id, ++seq);
    used.add(id);
    return seq;
  }

  async #mutations(
    plan: IngestPlan,
    restore: boolean,
    used: Set<string>,
    revisedAt: Date,
  ): Promise<Mutation[]> {
    const out: Mutation[] = [];
    const state = this.#core.state;
    const zones = new Set([...plan.updates.map((u) => u.zone), ...plan.current.map((c) => c.zone)]);
    if (restore) {
      for (const zone of state.zones()) {
        zones.add(zone);
        for (const market of MARKETS) {
          for (const p of state.series(zone, market)) {
            out.push({ key: [...this.#keys.series(zone, market), p.ms], value: p });
          }
        }
        const current = state.current(zone);
        if (current) out.push({ key: this.#keys.current(zone), value: current });
      }
    }
    for (const zone of zones) out.push({ key: [...this.#keys.zoneIndex(), zone], value: true });
    for (const u of plan.updates) {
      const point: SeriesPoint = { timestamp: u.timestamp, ms: u.ms, price: u.price };
      out.push({ key: [...this.#keys.series(u.zone, u.market), u.ms], value: point });
      out.push({ key: [...this.#keys.stream(u.zone), await this.#nextSeq(u.zone, used)], value: u });
    }
    out.push(...kvRevisionEntries(this.#keys, plan.updates, revisedAt));
    for (const c of plan.current) out.push({ key: this.#keys.current(c.zone), value: c });
    for (const a of plan.alerts) {
      out.push({ key: [...this.#keys.alertsStream(), await this.#nextSeq(null, used)], value: a });
    }
    for (const id of used) {
      out.push({ key: this.#keys.streamSeq(id === "" ? null : id), value: this.#seq.get(id) });
    }
    for (const t of plan.trims) {
      const prefix = this.#keys.series(t.zone, t.market);
      for await (const e of this.#kv.list({ prefix, end: [...prefix, t.cutoffMs] })) out.push({ key: e.key });
      const log = kvRevisionsPrefix(this.#keys, t.zone, t.market);
      for await (const e of this.#kv.list({ prefix: log, end: [...log, t.cutoffMs] })) {
        out.push({ key: e.key });
      }
    }
    return out;
  }

  /** Writes `plan`; `revisedAt` (the store's clock, not the run's older `now`) dates its revisions. */
  async #write(plan: IngestPlan, revisedAt: Date): Promise<boolean> {
    const restore = this.#restore;
    try {
      const used = new Set<string>();
      const mutations = await this.#mutations(plan, restore, used, revisedAt);
      // Stream caps are applied once the new entries are in, so that they count too.
      await this.#commit(mutations);
      await this.#commit(await this.#streamTrims(used));
      this.#restore = false;
      return true;
    } catch {
      this.#failedWrites++;
      this.#restore = true;
      this.#seq.clear();
      return false;
    }
  }

  async #streamTrims(used: ReadonlySet<string>): Promise<Mutation[]> {
    const out: Mutation[] = [];
    for (const id of used) {
      const seq = this.#seq.get(id)!;
      const prefix = id === "" ? this.#keys.alertsStream() : this.#keys.stream(id);
      const max = id === "" ? this.#config.alertsMaxLen : this.#config.streamMaxLen;
      if (seq <= max) continue;
      for await (const e of this.#kv.list({ prefix, end: [...prefix, seq - max + 1] })) {
        out.push({ key: e.key });
      }
    }
    return out;
  }

  async #commit(mutations: readonly Mutation[]): Promise<void> {
    for (let i = 0; i < mutations.length; i += KV_BATCH) {
      const op = this.#kv.atomic();
      for (const m of mutations.slice(i, i + KV_BATCH)) {
        if (m.value === undefined) op.delete(m.key);
        else op.set(m.key, m.value);
      }
      const res = await op.commit();
      if (!res.ok) throw new Error("Deno KV refused an atomic write");
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
    return await this.#core.signals(zone, query, (z, m, r) => this.history(z, m, r));
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
  const path = options.path ?? options.config.kvPath;
  if (path !== ":memory:") await Deno.mkdir(dirname(path), { recursive: true });
  return new KvStore({ ...options, kv: await Deno.openKv(path), ownsKv: true });
}
