/**
 * The WebSocket edge: connected clients, accepted and refused upgrades, messages sent or lost, clients the
 * server closed, bad frames and broadcast time. Reasons and message types are closed sets.
 *
 * @module
 */
import { Counter, Gauge, Histogram, type Registry } from "./_prom.ts";
import type { ServerMessage } from "../live/messages.ts";

/** Why a WebSocket client was closed by the server. */
export type WsDropReason = "slow" | "heartbeat" | "rate_limit" | "too_big";

/** Why a WebSocket upgrade was refused. */
export type WsRejectReason = "max_connections" | "max_per_ip" | "unauthorized" | "origin" | "bad_request";

/** The `type` label of `ws_messages_sent_total`: a server message type. */
export type WsMessageType = ServerMessage["type"];

/** The WebSocket metrics, registered on `registers` in the order the scrape lists them. */
export class WsMetrics {
  readonly #clients: Gauge;
  readonly #connections: Counter;
  readonly #rejected: Counter<"reason">;
  readonly #sent: Counter<"type">;
  readonly #dropped: Counter<"reason">;
  readonly #clientsDropped: Counter<"reason">;
  readonly #badFrames: Counter;
  readonly #broadcast: Histogram;

  /** Registers the WebSocket metrics. */
  constructor(registers: Registry[]) {
    this.#clients = new Gauge({ name: "ws_clients", help: "Connected WebSocket clients", registers });
    this.#connections = new Counter({
      name: "ws_connections_total",
      help: "WebSocket connections accepted",
      registers,
    });
    this.#rejected = new Counter({
      name: "ws_connections_rejected_total",
      help: "WebSocket upgrades refused, by reason",
      labelNames: ["reason"],
      registers,
    });
    this.#sent = new Counter({
      name: "ws_messages_sent_total",
      help: "WebSocket messages sent, by message type",
      labelNames: ["type"],
      registers,
    });
    this.#dropped = new Counter({
      name: "ws_messages_dropped_total",
      help: "WebSocket messages not sent because the client was dropped, by reason",
      labelNames: ["reason"],
      registers,
    });
    this.#clientsDropped = new Counter({
      name: "ws_clients_dropped_total",
      help:
        "WebSocket clients closed by the server, by reason (slow: send buffer over limit; heartbeat: no frame or pong for two heartbeats; rate_limit: too many frames; too_big: frame too long)",
      labelNames: ["reason"],
      registers,
    });
    this.#badFrames = new Counter({
      name: "ws_bad_frames_total",
      help: "WebSocket frames from clients answered with an error frame",
      registers,
    });
    this.#broadcast = new Histogram({
      name: "ws_broadcast_seconds",
      help: "Time to hand one broadcast to every subscribed socket (serialization included)",
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
  }

  /** Sets the number of connected WebSocket clients. */
  clients(n: number): void {
    this.#clients.set(n);
  }

  /** Counts an accepted WebSocket connection. */
  connected(): void {
    this.#connections.inc();
  }

  /** Counts a refused WebSocket upgrade. */
  rejected(reason: WsRejectReason): void {
    this.#rejected.inc({ reason });
  }

  /** Counts `n` messages of `type` handed to sockets, and how long the broadcast took. */
  sent(type: WsMessageType, n: number, seconds?: number): void {
    if (n > 0) this.#sent.inc({ type }, n);
    if (seconds !== undefined) this.#broadcast.observe(seconds);
  }

  /** Counts a client the server closed and the messages it did not get. */
  clientDropped(reason: WsDropReason, messagesLost = 0): void {
    this.#clientsDropped.inc({ reason });
    if (messagesLost > 0) this.#dropped.inc({ reason }, messagesLost);
  }

  /** Counts a client frame answered with an error frame. */
  badFrame(): void {
    this.#badFrames.inc();
  }
}
