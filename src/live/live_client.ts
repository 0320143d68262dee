/**
 * One client of the fan-out: its state (`LiveClient`), the frame rate limit its frames pass
 * (`FrameBucket`), the send limit every message to it passes (`trySend`) and the close codes of the
 * WebSocket protocol. The index of all clients is `client_set.ts`.
 *
 * @module
 */
import type { WsDropReason } from "../metrics/metrics.ts";
import type { WsSettings } from "./settings.ts";

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

/** A client that just connected from `address`: its snapshot not sent yet, its frame bucket full. */
export function createLiveClient(
  socket: WebSocket,
  address: string | null,
  ws: Pick<WsSettings, "clientFramesPerS" | "clientFrameBurst">,
): LiveClient {
  return {
    socket,
    address,
    subscribed: null,
    frames: new FrameBucket(ws.clientFramesPerS, ws.clientFrameBurst),
    pending: [],
    generation: 0,
    unsentBound: Infinity,
  };
}

/** What `trySend` did: sent; not sent, the client's unsent bytes being over the limit; or the socket failed. */
export type SendOutcome = "sent" | "slow" | "closed";

/** Sends `text` (`bytes` long in UTF-8) unless the client's unsent bytes are over `maxBytes`. */
export function trySend(c: LiveClient, text: string, bytes: number, maxBytes: number): SendOutcome {
  if (c.unsentBound > maxBytes) {
    c.unsentBound = c.socket.bufferedAmount;
    if (c.unsentBound > maxBytes) return "slow";
  }
  try {
    c.socket.send(text);
    c.unsentBound += bytes;
    return "sent";
  } catch {
    return "closed";
  }
}
