/**
 * The fan-out's index of its connected clients: who receives which zone (`Subscribers`), connections per
 * peer address (`AddressCounts`), and the two kept in step with the set of clients (`ClientSet`).
 *
 * @module
 */
import type { LiveClient } from "./live_client.ts";

/** Who receives which zone's updates: wildcard clients and a set per zone. */
export class Subscribers {
  readonly #wildcard = new Set<LiveClient>();
  readonly #byZone = new Map<string, Set<LiveClient>>();

  /** Subscribes `c` to `zones` (validated names, or `"*"`), replacing its previous subscription. */
  subscribe(c: LiveClient, zones: readonly string[] | "*"): void {
    this.unlink(c);
    c.subscribed = zones === "*" ? null : new Set(zones);
    if (c.subscribed === null) this.#wildcard.add(c);
    else {
      for (const zone of c.subscribed) {
        let set = this.#byZone.get(zone);
        if (set === undefined) this.#byZone.set(zone, set = new Set());
        set.add(c);
      }
    }
  }

  /** Removes `c` from every set. */
  unlink(c: LiveClient): void {
    if (c.subscribed === null) this.#wildcard.delete(c);
    else {
      for (const zone of c.subscribed) {
        const set = this.#byZone.get(zone);
        set?.delete(c);
        if (set?.size === 0) this.#byZone.delete(zone);
      }
    }
  }

  /** The clients subscribed to every zone. */
  get wildcard(): ReadonlySet<LiveClient> {
    return this.#wildcard;
  }

  /** The clients subscribed to `zone` by name (the wildcard ones receive it too). */
  of(zone: string): ReadonlySet<LiveClient> | undefined {
    return this.#byZone.get(zone);
  }
}

/** Open connections per peer address. */
export class AddressCounts {
  readonly #counts = new Map<string, number>();

  /** Connections from `address`. */
  count(address: string): number {
    return this.#counts.get(address) ?? 0;
  }

  /** Counts a connection from `address` (nothing when unknown). */
  add(address: string | null): void {
    if (address !== null) this.#counts.set(address, this.count(address) + 1);
  }

  /** Forgets a connection from `address`. */
  remove(address: string | null): void {
    if (address === null) return;
    const n = this.count(address) - 1;
    if (n > 0) this.#counts.set(address, n);
    else this.#counts.delete(address);
  }
}

/** The connected clients, indexed by the zones they receive and by peer address. */
export class ClientSet {
  readonly #all = new Set<LiveClient>();
  readonly #subscribers = new Subscribers();
  readonly #perAddress = new AddressCounts();

  /** Connected clients. */
  get size(): number {
    return this.#all.size;
  }

  /** Every connected client. */
  get all(): ReadonlySet<LiveClient> {
    return this.#all;
  }

  /** Whether `c` is still connected. */
  has(c: LiveClient): boolean {
    return this.#all.has(c);
  }

  /** Open connections from `address`. */
  countFrom(address: string): number {
    return this.#perAddress.count(address);
  }

  /** Adds a client subscribed to `zones` (validated names, or `"*"`). */
  add(c: LiveClient, zones: readonly string[] | "*"): void {
    this.#all.add(c);
    this.#perAddress.add(c.address);
    this.#subscribers.subscribe(c, zones);
  }

  /** Removes a client from every index; false when it was not connected. */
  delete(c: LiveClient): boolean {
    if (!this.#all.delete(c)) return false;
    this.#subscribers.unlink(c);
    this.#perAddress.remove(c.address);
    return true;
  }

  /** Replaces the zones `c` receives. */
  subscribe(c: LiveClient, zones: readonly string[] | "*"): void {
    this.#subscribers.subscribe(c, zones);
  }

  /** The clients subscribed to every zone. */
  get wildcard(): ReadonlySet<LiveClient> {
    return this.#subscribers.wildcard;
  }

  /** The clients subscribed to `zone` by name (the wildcard ones receive it too). */
  of(zone: string): ReadonlySet<LiveClient> | undefined {
    return this.#subscribers.of(zone);
  }
}
