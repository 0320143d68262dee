/**
 * What a poll becomes on Deno KV: the mutations `KvStore` commits in atomic batches of at most `KV_BATCH`
 * (Deno KV allows 1,000 per atomic operation), in order, so a day of prices for several zones still fits.
 * Streams are keyed by a per-stream sequence number kept here; their length caps are applied once the new
 * entries are in, so that they count too.
 *
 * @module
 */
import type { HotState } from "./hot_state.ts";
import type { IngestPlan } from "./ingest_plan.ts";
import type { KvKeys } from "./keys.ts";
import { kvRevisionEntries, kvRevisionsPrefix } from "./revision_log.ts";
import type { StoreConfig } from "./settings.ts";
import { MARKETS, type SeriesPoint } from "./store.ts";

/** Most mutations per atomic commit. */
export const KV_BATCH = 500;

type Mutation = { key: Deno.KvKey; value?: unknown };

/** Writes planned polls to one Deno KV database. */
export class KvWriter {
  readonly #kv: Deno.Kv;
  readonly #keys: KvKeys;
  readonly #config: Pick<StoreConfig, "streamMaxLen" | "alertsMaxLen">;
  readonly #seq = new Map<string, number>();

  constructor(kv: Deno.Kv, keys: KvKeys, config: Pick<StoreConfig, "streamMaxLen" | "alertsMaxLen">) {
    [this.#kv, this.#keys, this.#config] = [kv, keys, config];
  }

  /**
   * Writes `plan` (and, with `restore`, the whole mirror `state` first); `revisedAt` dates its revisions.
   * Throws when a batch is refused; the stream sequences are then read again from the database.
   */
  async write(plan: IngestPlan, state: HotState, restore: boolean, revisedAt: Date): Promise<void> {
    try {
      const used = new Set<string>();
      await this.#commit(await this.#mutations(plan, restore ? state : null, used, revisedAt));
      await this.#commit(await this.#streamTrims(used));
    } catch (error) {
      this.#seq.clear();
      throw error;
    }
  }

  async #nextSeq(zone: string | null, used: Set<string>): Promise<number> {
    const id = zone ?? "";
    let seq = this.#seq.get(id);
    if (seq === undefined) seq = (await this.#kv.get<number>(this.#keys.streamSeq(zone))).value ?? 0;
    this.#seq.set(id, ++seq);
    used.add(id);
    return seq;
  }

  #restore(state: HotState, zones: Set<string>): Mutation[] {
    const out: Mutation[] = [];
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
    return out;
  }

  async #mutations(
    plan: IngestPlan,
    restore: HotState | null,
    used: Set<string>,
    revisedAt: Date,
  ): Promise<Mutation[]> {
    const keys = this.#keys;
    const zones = new Set([...plan.updates.map((u) => u.zone), ...plan.current.map((c) => c.zone)]);
    const out = restore === null ? [] : this.#restore(restore, zones);
    for (const zone of zones) out.push({ key: [...keys.zoneIndex(), zone], value: true });
    for (const u of plan.updates) {
      const point: SeriesPoint = { timestamp: u.timestamp, ms: u.ms, price: u.price };
      out.push({ key: [...keys.series(u.zone, u.market), u.ms], value: point });
      out.push({ key: [...keys.stream(u.zone), await this.#nextSeq(u.zone, used)], value: u });
    }
    out.push(...kvRevisionEntries(keys, plan.updates, revisedAt));
    for (const c of plan.current) out.push({ key: keys.current(c.zone), value: c });
    for (const a of plan.alerts) {
      out.push({ key: [...keys.alertsStream(), await this.#nextSeq(null, used)], value: a });
    }
    for (const id of used) out.push({ key: keys.streamSeq(id === "" ? null : id), value: this.#seq.get(id) });
    for (const t of plan.trims) {
      for (const prefix of [keys.series(t.zone, t.market), kvRevisionsPrefix(keys, t.zone, t.market)]) {
        for await (const e of this.#kv.list({ prefix, end: [...prefix, t.cutoffMs] })) {
          out.push({ key: e.key });
        }
      }
    }
    return out;
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
}
