/**
 * The WebSocket fan-out: ONE subscription to the store's updates and alerts per process (Redis pub/sub, or
 * the KV store's in-process events), handed to every connected socket. Each broadcast is serialized once
 * and the same string goes to every subscriber. Every send (broadcast, snapshot or reply) first checks the
 * client's unsent bytes: past `maxBufferedBytes` the client is dropped at once (and counted), so one slow
 * reader never delays the others nor grows the process. A client's frames pass a token bucket
 * (`clientFramesPerS`, `clientFrameBurst`): a flood gets an error frame and is closed with 4003, a frame
 * over `MAX_CLIENT_FRAME` too (1009). Liveness is the runtime's: `routes/ws.ts` sets `idleTimeout` (see
 * there). Several processes behind a load balancer each run their own fan-out.
 *
 * @module
 */
import type { AlertThresholds } from "../analytics/alerts.ts";
import type { Metrics, WsMessageType } from "../metrics/metrics.ts";
import type { AlertEvent, PriceStore, PriceUpdate, Unsubscribe } from "../store/store.ts";
import type { EstimateSettings } from "./estimate.ts";
import {
  AddressCounts,
  CLOSE_GOING_AWAY,
  CLOSE_IDLE,
  DROP_CLOSE,
  type DropReason,
  FrameBucket,
  type LiveClient,
  Subscribers,
} from "./live_client.ts";
import { MAX_CLIENT_FRAME, parseClientMessage } from "./messages.ts";
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
  readonly #clients = new Set<LiveClient>();
  readonly #subscribers = new Subscribers();
  readonly #perAddress = new AddressCounts();
  readonly #snapshots: SnapshotCache;
  #unsubscribe: Unsubscribe[] = [];
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #started = false;

  /** A fan-out over `options.store`; call `start()` to subscribe. */
  constructor(options: FanOutOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#snapshots = new SnapshotCache({ ...options, heartbeatMs: options.ws.heartbeatMs, now: this.#now });
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
    return max > 0 && this.#perAddress.count(address) >= max;
  }

  /** Takes over an upgraded socket from `address` subscribed to `subscribed` (validated zones, or `"*"`). */
  accept(socket: WebSocket, subscribed: readonly string[] | "*", address: string | null = null): void {
    socket.binaryType = "arraybuffer";
    const ws = this.#options.ws;
    const client: LiveClient = {
      socket,
      address,
      subscribed: null,
      frames: new FrameBucket(ws.clientFramesPerS, ws.clientFrameBurst),
      pending: [],
      generation: 0,
      unsentBound: Infinity,
    };
    this.#clients.add(client);
    this.#perAddress.add(address);
    this.#subscribers.subscribe(client, subscribed);
    this.#options.metrics?.wsConnected();
    this.#options.metrics?.wsClients(this.#clients.size);
    socket.onopen = () => void this.#sendSnapshot(client, subscribed);
    socket.onmessage = (e) => void this.#onMessage(client, e.data);
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
    for (const c of [...this.#clients]) {
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
      for (const c of this.#clients) sent += this.#deliver(c, text, bytes);
    } else {
      for (const c of this.#subscribers.wildcard) sent += this.#deliver(c, text, bytes);
      const set = this.#subscribers.of(zone);
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
    const socket = c.socket;
    const max = this.#options.ws.maxBufferedBytes;
    if (c.unsentBound > max) {
      c.unsentBound = socket.bufferedAmount;
      if (c.unsentBound > max) {
        this.#drop(c, "slow", 1);
        return false;
      }
    }
    try {
      socket.send(text);
      c.unsentBound += bytes;
      return true;
    } catch {
      this.#remove(c); // closed under us; its close event may not have run yet
      return false;
    }
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
    this.#subscribers.unlink(c);
    this.#perAddress.remove(c.address);
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

  /** Closes a client whose frame is too long or who sends too many, after an error frame; true if so. */
  #refused(c: LiveClient, data: unknown): boolean {
    const ws = this.#options.ws;
    const size = typeof data === "string" ? data.length : data instanceof ArrayBuffer ? data.byteLength : 0;
    if (size > MAX_CLIENT_FRAME) {
      this.#send(c, { type: "error", error: `Frame longer than ${MAX_CLIENT_FRAME} characters: closing` });
      this.#drop(c, "too_big", 0);
      return true;
    }
    if (c.frames.take()) return false;
    this.#send(c, {
      type: "error",
      error: `More than ${ws.clientFramesPerS} frames a second (burst ${ws.clientFrameBurst}): closing`,
    });
    this.#drop(c, "rate_limit", 0);
    return true;
  }

  async #onMessage(c: LiveClient, data: unknown): Promise<void> {
    if (!this.#clients.has(c) || this.#refused(c, data)) return;
    const parsed = parseClientMessage(data);
    if (!parsed.ok) {
      this.#options.metrics?.wsBadFrame();
      return this.#send(c, { type: "error", error: parsed.error });
    }
    const message = parsed.message;
    if (message.type === "ping") {
      return this.#send(c, { type: "pong", server_time: this.#now().toISOString() });
    }
    if (message.type === "pong") return;
    const zones = [...new Set(message.zones)];
    const all = zones.length === 0 || zones.includes("*");
    if (!all) {
      const known = await Promise.all(zones.map((z) => this.#options.zones.has(z)));
      const unknown = zones.filter((_, i) => !known[i]);
      if (unknown.length > 0) {
        this.#options.metrics?.wsBadFrame();
        return this.#send(c, { type: "error", error: `Unknown zone ${JSON.stringify(unknown[0])}` });
      }
    }
    if (!this.#clients.has(c)) return;
    c.generation++;
    this.#subscribers.subscribe(c, all ? "*" : zones);
    // Updates published while the new snapshot is read are held and sent after it.
    c.pending ??= [];
    await this.#sendSnapshot(c, all ? "*" : zones);
  }

  #beat(): void {
    this.#snapshots.clear(); // snapshots carry ages: rebuild them at least once per period
    const message = { type: "ping", server_time: this.#now().toISOString() };
    this.#broadcast(null, JSON.stringify(message), "ping");
  }
}
