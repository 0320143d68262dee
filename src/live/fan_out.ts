/**
 * The WebSocket fan-out: ONE subscription to the store's updates and alerts per process (Redis pub/sub, or
 * the KV store's in-process events), handed to every connected socket. Each broadcast is serialized once
 * and the same string goes to every subscriber. Every send (broadcast, snapshot or reply) first checks the
 * client's unsent bytes: past `maxBufferedBytes` the client is dropped at once (and counted), so one slow
 * reader never delays the others nor grows the process. A client's own frames are answered by
 * `client_frames.ts`: they pass a token bucket (`clientFramesPerS`, `clientFrameBurst`); a flood gets an
 * error frame and is closed with 4003, a frame over `MAX_CLIENT_FRAME` too (1009). Liveness is the
 * runtime's: `routes/ws.ts` sets `idleTimeout` (see there). Several processes behind a load balancer each
 * run their own fan-out.
 *
 * @module
 */
import type { AlertThresholds } from "../analytics/alerts.ts";
import type { Metrics, WsMessageType } from "../metrics/metrics.ts";
import type { AlertEvent, PriceStore, PriceUpdate, Unsubscribe } from "../store/store.ts";
import type { EstimateSettings } from "./estimate.ts";
import { type ClientFrameDeps, receiveFrame } from "./client_frames.ts";
import { ClientSet } from "./client_set.ts";
import {
  CLOSE_GOING_AWAY,
  CLOSE_IDLE,
  createLiveClient,
  DROP_CLOSE,
  type DropReason,
  type LiveClient,
  trySend,
} from "./live_client.ts";
import type { WsSettings } from "./settings.ts";
import { SnapshotCache } from "./snapshot.ts";
import type { ZoneCatalog } from "./zone_catalog.ts";

export { CLOSE_GOING_AWAY, CLOSE_IDLE, CLOSE_RATE_LIMIT, CLOSE_SLOW, CLOSE_TOO_BIG } from "./live_client.ts";

/** Messages held for a client while its snapshot is built; more and it is dropped as slow. */
export const MAX_PENDING = 1000;

const UTF8 = new TextEncoder();

/** What the fan-out needs. */
export interface FanOutOptions {
  readonly store: PriceStore;
  readonly zones: ZoneCatalog;
  readonly ws: WsSettings;
  readonly staleAfterMs: number;
  /** How snapshots estimate a missing newest RT price. */
  readonly estimates: EstimateSettings;
  readonly thresholds: AlertThresholds;
  readonly metrics?: Metrics;
  /** Wall clock for snapshots and staleness (default: system clock). */
  readonly now?: () => Date;
}

/** One process's WebSocket fan-out. */
export class FanOut {
  readonly #options: FanOutOptions;
  readonly #now: () => Date;
  readonly #clients = new ClientSet();
  readonly #snapshots: SnapshotCache;
  readonly #frames: ClientFrameDeps;
  #unsubscribe: Unsubscribe[] = [];
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #started = false;

  /** A fan-out over `options.store`; call `start()` to subscribe. */
  constructor(options: FanOutOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#snapshots = new SnapshotCache({ ...options, heartbeatMs: options.ws.heartbeatMs, now: this.#now });
    this.#frames = {
      ...options,
      now: this.#now,
      connected: (c) => this.#clients.has(c),
      send: (c, message) => this.#send(c, message),
      drop: (c, reason) => this.#drop(c, reason, 0),
      resubscribe: (c, zones) => this.#resubscribe(c, zones),
    };
  }

  /** Subscribes once to the store's updates and alerts and starts the heartbeat. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const store = this.#options.store;
    this.#unsubscribe.push(await store.onUpdate(null, (u) => this.publishUpdate(u)));
    this.#unsubscribe.push(await store.onAlert((a) => this.publishAlert(a)));
    const hb = this.#options.ws.heartbeatMs;
    if (hb > 0) this.#heartbeat = setInterval(() => this.#beat(), hb);
  }

  /** Connected clients. */
  get size(): number {
    return this.#clients.size;
  }

  /** Whether `WS_MAX_CONNECTIONS` is reached. */
  get full(): boolean {
    return this.#clients.size >= this.#options.ws.maxConnections;
  }

  /** Whether `WS_MAX_CONNECTIONS_PER_IP` connections from `address` are open (never, when it is 0). */
  fullFor(address: string): boolean {
    const max = this.#options.ws.maxConnectionsPerIp;
    return max > 0 && this.#clients.countFrom(address) >= max;
  }

  /** Takes over an upgraded socket from `address` subscribed to `subscribed` (validated zones, or `"*"`). */
  accept(socket: WebSocket, subscribed: readonly string[] | "*", address: string | null = null): void {
    socket.binaryType = "arraybuffer";
    const client = createLiveClient(socket, address, this.#options.ws);
    this.#clients.add(client, subscribed);
    this.#options.metrics?.wsConnected();
    this.#options.metrics?.wsClients(this.#clients.size);
    socket.onopen = () => void this.#sendSnapshot(client, subscribed);
    socket.onmessage = (e) => void receiveFrame(this.#frames, client, e.data);
    socket.onclose = (e) => {
      if (e.code === CLOSE_IDLE && !e.wasClean && this.#clients.has(client)) {
        this.#options.metrics?.wsClientDropped("heartbeat");
      }
      this.#remove(client);
    };
    socket.onerror = () => {}; // a close event follows
  }

  /** Sends a new or revised interval to the clients of its zone (what the store subscription calls). */
  publishUpdate(update: PriceUpdate): void {
    if (!this.#options.zones.offers(update.zone)) return; // a node outside the configured list
    this.#options.zones.add(update.zone);
    this.#snapshots.clear();
    this.#broadcast(update.zone, JSON.stringify({ type: "update", update }), "update");
  }

  /** Sends an alert to every client. */
  publishAlert(alert: AlertEvent): void {
    if (!this.#options.zones.offers(alert.zone)) return;
    this.#options.metrics?.alert(alert);
    this.#snapshots.clear();
    this.#broadcast(null, JSON.stringify({ type: "alert", alert }), "alert");
  }

  /** Stops the heartbeat and the store subscription and closes every socket. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    const unsubscribe = this.#unsubscribe.splice(0);
    await Promise.allSettled(unsubscribe.map((u) => u()));
    for (const c of [...this.#clients.all]) {
      this.#remove(c);
      try {
        c.socket.close(CLOSE_GOING_AWAY, "Server shutting down");
      } catch {
        // already closing
      }
    }
  }

  #broadcast(zone: string | null, text: string, type: WsMessageType): void {
    const t0 = performance.now();
    const bytes = UTF8.encode(text).byteLength;
    let sent = 0;
    if (zone === null) {
      for (const c of this.#clients.all) sent += this.#deliver(c, text, bytes);
    } else {
      for (const c of this.#clients.wildcard) sent += this.#deliver(c, text, bytes);
      const set = this.#clients.of(zone);
      if (set !== undefined) { for (const c of set) sent += this.#deliver(c, text, bytes); }
    }
    this.#options.metrics?.wsSent(type, sent, (performance.now() - t0) / 1000);
  }

  #deliver(c: LiveClient, text: string, bytes: number): number {
    if (c.pending !== null) {
      if (c.pending.length >= MAX_PENDING) this.#drop(c, "slow", 1);
      else c.pending.push(text);
      return 0;
    }
    return this.#write(c, text, bytes) ? 1 : 0;
  }

  /**
   * Sends `text` (`bytes` long in UTF-8) unless the client's unsent bytes are over the limit, in which case
   * it is dropped as slow. Every send goes through here. False when the client is (now) gone.
   */
  #write(c: LiveClient, text: string, bytes: number): boolean {
    const outcome = trySend(c, text, bytes, this.#options.ws.maxBufferedBytes);
    if (outcome === "slow") this.#drop(c, "slow", 1);
    else if (outcome === "closed") this.#remove(c); // closed under us; its close event may not have run yet
    return outcome === "sent";
  }

  /** A reply to the client's own frame, through the same limit as a broadcast. */
  #send(c: LiveClient, message: unknown): void {
    if (c.socket.readyState !== WebSocket.OPEN) return;
    const text = JSON.stringify(message);
    this.#write(c, text, UTF8.encode(text).byteLength);
  }

  #drop(c: LiveClient, reason: DropReason, messagesLost: number): void {
    if (!this.#clients.has(c)) return;
    this.#remove(c);
    this.#options.metrics?.wsClientDropped(reason, messagesLost);
    try {
      c.socket.close(...DROP_CLOSE[reason]);
    } catch {
      // already closing
    }
  }

  #remove(c: LiveClient): void {
    if (!this.#clients.delete(c)) return;
    this.#options.metrics?.wsClients(this.#clients.size);
  }

  async #sendSnapshot(c: LiveClient, subscribed: readonly string[] | "*"): Promise<void> {
    const generation = c.generation;
    c.pending ??= [];
    let text: string;
    try {
      text = await this.#snapshots.get(subscribed);
    } catch {
      text = JSON.stringify({ type: "error", error: "The snapshot could not be read; updates follow" });
    }
    if (generation !== c.generation || !this.#clients.has(c) || c.pending === null) return;
    const pending = c.pending;
    c.pending = null;
    if (!this.#write(c, text, UTF8.encode(text).byteLength)) return;
    for (const m of pending) if (!this.#write(c, m, UTF8.encode(m).byteLength)) return;
  }

  /** Makes `c` receive `zones`; updates published while the new snapshot is read are held and sent after it. */
  async #resubscribe(c: LiveClient, zones: readonly string[] | "*"): Promise<void> {
    c.generation++;
    this.#clients.subscribe(c, zones);
    c.pending ??= [];
    await this.#sendSnapshot(c, zones);
  }

  #beat(): void {
    this.#snapshots.clear(); // snapshots carry ages: rebuild them at least once per period
    const message = { type: "ping", server_time: this.#now().toISOString() };
    this.#broadcast(null, JSON.stringify(message), "ping");
  }
}
