/**
 * Which zones exist, for validating `?zone=` and WebSocket subscriptions without a store read per request:
 * the three trading hubs always, every zone the store lists, and every zone the fan-out has seen an update
 * for. A miss refreshes from the store at most once per `minRefreshMs`, so garbage zones cannot hammer it.
 *
 * @module
 */
import type { PriceStore } from "../store/store.ts";
import { HUB_ZONES, isZone } from "../store/zone.ts";

/** Options for `ZoneCatalog`. */
export interface ZoneCatalogOptions {
  /** Least time between two refreshes caused by misses (default 1000 ms). */
  readonly minRefreshMs?: number;
  /** Monotonic clock in ms (default `performance.now`). */
  readonly now?: () => number;
}

/** The known zones. */
export class ZoneCatalog {
  readonly #store: Pick<PriceStore, "zones">;
  readonly #zones = new Set<string>(Object.values(HUB_ZONES));
  readonly #minRefreshMs: number;
  readonly #now: () => number;
  #lastRefresh = -Infinity;
  #refreshing: Promise<void> | undefined;

  /** A catalog over `store`. */
  constructor(store: Pick<PriceStore, "zones">, options: ZoneCatalogOptions = {}) {
    this.#store = store;
    this.#minRefreshMs = options.minRefreshMs ?? 1000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Records a zone seen in an update. */
  add(zone: string): void {
    this.#zones.add(zone);
  }

  #refresh(): Promise<void> {
    this.#lastRefresh = this.#now();
    return this.#refreshing ??= this.#store.zones()
      .then((read) => read.value.forEach((z) => this.#zones.add(z)))
      .catch(() => {}) // an unreachable store keeps the zones already known
      .finally(() => (this.#refreshing = undefined));
  }

  /** Whether `zone` is known, refreshing from the store on a miss. */
  async has(zone: string): Promise<boolean> {
    if (this.#zones.has(zone)) return true;
    if (!isZone(zone)) return false;
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
