/**
 * The fan-out's bookkeeping of its clients: each client's state (`LiveClient`), the frame rate limit each
 * client's frames pass (`FrameBucket`), the index of who receives which zone (`Subscribers`), connections
 * per peer address (`AddressCounts`) and the close codes of the WebSocket protocol.
 *
 * @module
 */
import type { WsDropReason } from "../metrics/metrics.ts";

/** Close code for a client dropped because its send buffer passed the limit. */
export const CLOSE_SLOW = 4001;
/** Close code for a client whose frames passed the rate limit. */
export const CLOSE_RATE_LIMIT = 4003;
/** Close code for a client frame longer than `MAX_CLIENT_FRAME` (RFC 6455 "message too big"). */
export const CLOSE_TOO_BIG = 1009;
/**
 * Close code (and `wasClean: false`) of the runtime's idle timeout: no frame and no Pong for two heartbeat
 * periods. The reason the runtime gives is "No response from ping frame.".
 */
export const CLOSE_IDLE = 1001;
/** Close code sent to every client when the server shuts down. */
export const CLOSE_GOING_AWAY = 1001;

/** Why the fan-out itself closes a client (the runtime closes idle ones). */
export type DropReason = Exclude<WsDropReason, "heartbeat">;

/** The close code and reason the fan-out sends, by why it drops the client. */
export const DROP_CLOSE: Readonly<Record<DropReason, readonly [number, string]>> = {
  slow: [CLOSE_SLOW, "Send buffer over limit: reconnect"],
  rate_limit: [CLOSE_RATE_LIMIT, "Too many frames"],
  too_big: [CLOSE_TOO_BIG, "Frame too long"],
};

/** A token bucket over real (monotonic) time: `ratePerS` tokens a second, at most `burst` saved up. */
export class FrameBucket {
  readonly #ratePerS: number;
  readonly #burst: number;
  #tokens: number;
  #at: number;

  /** A full bucket. */
  constructor(ratePerS: number, burst: number, nowMs = performance.now()) {
    this.#ratePerS = ratePerS;
    this.#burst = burst;
    this.#tokens = burst;
    this.#at = nowMs;
  }

  /** Takes one token; false when none is left. */
  take(nowMs = performance.now()): boolean {
    this.#tokens = Math.min(this.#burst, this.#tokens + ((nowMs - this.#at) / 1000) * this.#ratePerS);
    this.#at = nowMs;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** One connected client. */
export interface LiveClient {
  readonly socket: WebSocket;
  /** The peer's address, counted against `WS_MAX_CONNECTIONS_PER_IP`, or null when unknown. */
  readonly address: string | null;
  /** Zones subscribed to, or null for all. */
  subscribed: ReadonlySet<string> | null;
  /** The client's frames pass this rate limit. */
  readonly frames: FrameBucket;
  /** Messages held back until the client's snapshot is sent, or null once it is. */
  pending: string[] | null;
  /** Bumped by each subscription so that an older snapshot is never sent after a newer one. */
  generation: number;
  /**
   * An upper bound of the socket's unsent bytes: its `bufferedAmount` when last read plus what was sent
   * since. Reading `bufferedAmount` is a call into the runtime; the bound lets a broadcast skip it until the
   * limit could really be passed, which keeps the per-client cost of a broadcast that of a bare `send`.
   */
  unsentBound: number;
}

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
