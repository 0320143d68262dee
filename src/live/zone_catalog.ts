/**
 * Which zones exist, for validating `?zone=` and WebSocket subscriptions without a store read per request.
 * With a configured node list (`OASIS_NODES=A,B`) the zones are those nodes' zones and nothing else: rows of
 * other nodes (a one-off backfill with `--nodes`) may sit in the store, but the API, the arbitrage panel and
 * the WebSocket never offer them. With a node group (`ALL`, `ALL_APNODES`) or no configuration, the zones
 * are learned: the three trading hubs always, every zone the store lists, and every zone the fan-out has
 * seen an update for. A miss refreshes from the store at most once per `minRefreshMs`, so garbage zones
 * cannot hammer it.
 *
 * @module
 */
import type { NodeSelection } from "../oasis/windows.ts";
import type { PriceStore, StoreRead } from "../store/store.ts";
import { HUB_ZONES, isZone, zoneOf } from "../store/zone.ts";

/** Options for `ZoneCatalog`. */
export interface ZoneCatalogOptions {
  /** The only zones offered (from `configuredZones`); undefined: learned from the store and updates. */
  readonly configured?: readonly string[];
  /** Least time between two refreshes caused by misses (default 1000 ms). */
  readonly minRefreshMs?: number;
  /** Monotonic clock in ms (default `performance.now`). */
  readonly now?: () => number;
}

/** The zones of a configured node list, sorted; undefined for a node group (its zones are learned). */
export function configuredZones(nodes: NodeSelection | undefined): string[] | undefined {
  if (nodes === undefined || !("nodes" in nodes)) return undefined;
  const zones = nodes.nodes.map(zoneOf).filter((z) => z !== undefined);
  return [...new Set(zones)].sort();
}

/** `store` whose `zones()` lists only `configured` zones (all of them when undefined). */
export function withConfiguredZones(
  store: Pick<PriceStore, "history" | "zones">,
  configured: readonly string[] | undefined,
): Pick<PriceStore, "history" | "zones"> {
  if (configured === undefined) return store;
  const offered = new Set(configured);
  return {
    history: (zone, market, range) => store.history(zone, market, range),
    zones: async (): Promise<StoreRead<string[]>> => {
      const read = await store.zones();
      return { ...read, value: read.value.filter((z) => offered.has(z)) };
    },
  };
}

/** The known zones. */
export class ZoneCatalog {
  readonly #store: Pick<PriceStore, "zones">;
  readonly #configured: ReadonlySet<string> | undefined;
  readonly #zones: Set<string>;
  readonly #minRefreshMs: number;
  readonly #now: () => number;
  #lastRefresh = -Infinity;
  #refreshing: Promise<void> | undefined;

  /** A catalog over `store`. */
  constructor(store: Pick<PriceStore, "zones">, options: ZoneCatalogOptions = {}) {
    this.#store = store;
    this.#configured = options.configured && new Set(options.configured);
    this.#zones = new Set(options.configured ?? Object.values(HUB_ZONES));
    this.#minRefreshMs = options.minRefreshMs ?? 1000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Records a zone seen in an update (ignored when the zones are configured). */
  add(zone: string): void {
    if (this.#configured === undefined) this.#zones.add(zone);
  }

  /** Whether `zone` is offered to clients, without asking the store. */
  offers(zone: string): boolean {
    return this.#configured === undefined || this.#configured.has(zone);
  }

  #refresh(): Promise<void> {
    if (this.#configured !== undefined) return Promise.resolve();
    this.#lastRefresh = this.#now();
    return this.#refreshing ??= this.#store.zones()
      .then((read) => read.value.forEach((z) => this.#zones.add(z)))
      .catch(() => {}) // an unreachable store keeps the zones already known
      .finally(() => (this.#refreshing = undefined));
  }

  /** Whether `zone` is known, refreshing from the store on a miss. */
  async has(zone: string): Promise<boolean> {
    if (this.#zones.has(zone)) return true;
    if (!isZone(zone) || this.#configured !== undefined) return false;
    if (this.#now() - this.#lastRefresh >= this.#minRefreshMs) await this.#refresh();
    return this.#zones.has(zone);
  }

  /** Every known zone, sorted, after a refresh from the store. */
  async list(): Promise<string[]> {
    await this.#refresh();
    return [...this.#zones].sort();
  }

  /** The zones known without asking the store, sorted. */
  known(): string[] {
    return [...this.#zones].sort();
  }
}
