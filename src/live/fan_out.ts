/**
 * The WebSocket fan-out: ONE subscription to the store's updates and alerts per process (Redis pub/sub, or
 * the KV store's in-process events), handed to every connected socket. Each broadcast is serialized once
 * and the same string goes to every subscriber. A client whose unsent bytes pass `maxBufferedBytes` is
 * dropped at once (and counted), so one slow reader never delays the others; a client silent for two
 * heartbeat periods is closed. Several processes behind a load balancer each run their own fan-out.
 *
 * @module
 */
import type { AlertThresholds } from "../analytics/alerts.ts";
import type { Metrics, WsDropReason } from "../metrics.ts";
import type { AlertEvent, PriceStore, PriceUpdate, Unsubscribe } from "../store/store.ts";
import type { EstimateSettings } from "./estimate.ts";
import { parseClientMessage } from "./messages.ts";
import type { WsSettings } from "./settings.ts";
import { buildSnapshot, type SnapshotDeps } from "./snapshot.ts";
import type { ZoneCatalog } from "./zone_catalog.ts";

/** Close code for a client dropped because its send buffer passed the limit. */
export const CLOSE_SLOW = 4001;
/** Close code for a client that stopped answering heartbeats. */
export const CLOSE_HEARTBEAT = 4002;
/** Close code sent to every client when the server shuts down. */
export const CLOSE_GOING_AWAY = 1001;
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

interface LiveClient {
  readonly socket: WebSocket;
  /** Zones subscribed to, or null for all. */
  subscribed: ReadonlySet<string> | null;
  /** When a frame last arrived (ms, from `now`). */
  lastSeen: number;
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

/** One process's WebSocket fan-out. */
export class FanOut {
  readonly #options: FanOutOptions;
  readonly #snapshotDeps: SnapshotDeps;
  readonly #now: () => Date;
  readonly #clients = new Set<LiveClient>();
  readonly #wildcard = new Set<LiveClient>();
  readonly #byZone = new Map<string, Set<LiveClient>>();
  readonly #snapshots = new Map<string, Promise<string>>();
  #unsubscribe: Unsubscribe[] = [];
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #started = false;

  /** A fan-out over `options.store`; call `start()` to subscribe. */
  constructor(options: FanOutOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#snapshotDeps = {
      store: options.store,
      zones: options.zones,
      thresholds: options.thresholds,
      staleAfterMs: options.staleAfterMs,
      estimates: options.estimates,
      heartbeatMs: options.ws.heartbeatMs,
      now: this.#now,
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

  /** Takes over an upgraded socket subscribed to `subscribed` (validated zones, or `"*"`). */
  accept(socket: WebSocket, subscribed: readonly string[] | "*"): void {
    socket.binaryType = "arraybuffer";
    const client: LiveClient = {
      socket,
      subscribed: null,
      lastSeen: this.#ms(),
      pending: [],
      generation: 0,
      unsentBound: Infinity,
    };
    this.#clients.add(client);
    this.#subscribe(client, subscribed);
    this.#options.metrics?.wsConnected();
    this.#options.metrics?.wsClients(this.#clients.size);
    socket.onopen = () => void this.#sendSnapshot(client, subscribed);
    socket.onmessage = (e) => void this.#onMessage(client, e.data);
    socket.onclose = () => this.#remove(client);
    socket.onerror = () => {}; // a close event follows
  }

  /** Sends a new or revised interval to the clients of its zone (what the store subscription calls). */
  publishUpdate(update: PriceUpdate): void {
    this.#options.zones.add(update.zone);
    this.#snapshots.clear();
    this.#broadcast(update.zone, JSON.stringify({ type: "update", update }), "update");
  }

  /** Sends an alert to every client. */
  publishAlert(alert: AlertEvent): void {
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

  #ms(): number {
    return this.#now().getTime();
  }

  #broadcast(zone: string | null, text: string, type: string): void {
    const t0 = performance.now();
    const bytes = UTF8.encode(text).byteLength;
    let sent = 0;
    if (zone === null) {
      for (const c of this.#clients) sent += this.#deliver(c, text, bytes);
    } else {
      for (const c of this.#wildcard) sent += this.#deliver(c, text, bytes);
      const set = this.#byZone.get(zone);
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
    const socket = c.socket;
    const max = this.#options.ws.maxBufferedBytes;
    if (c.unsentBound > max) {
      c.unsentBound = socket.bufferedAmount;
      if (c.unsentBound > max) {
        this.#drop(c, "slow", 1);
        return 0;
      }
    }
    try {
      socket.send(text);
      c.unsentBound += bytes;
      return 1;
    } catch {
      this.#remove(c); // closed under us; its close event may not have run yet
      return 0;
    }
  }

  #send(c: LiveClient, message: unknown): void {
    if (c.socket.readyState !== WebSocket.OPEN) return;
    try {
      c.socket.send(JSON.stringify(message));
      c.unsentBound = Infinity; // read bufferedAmount again before the next broadcast
    } catch {
      this.#remove(c);
    }
  }

  #drop(c: LiveClient, reason: WsDropReason, messagesLost: number): void {
    if (!this.#clients.has(c)) return;
    this.#remove(c);
    this.#options.metrics?.wsClientDropped(reason, messagesLost);
    try {
      if (reason === "slow") c.socket.close(CLOSE_SLOW, "Send buffer over limit: reconnect");
      else c.socket.close(CLOSE_HEARTBEAT, "Heartbeat timeout");
    } catch {
      // already closing
    }
  }

  #remove(c: LiveClient): void {
    if (!this.#clients.delete(c)) return;
    this.#unlink(c);
    this.#options.metrics?.wsClients(this.#clients.size);
  }

  #unlink(c: LiveClient): void {
    if (c.subscribed === null) this.#wildcard.delete(c);
    else {
      for (const zone of c.subscribed) {
        const set = this.#byZone.get(zone);
        set?.delete(c);
        if (set?.size === 0) this.#byZone.delete(zone);
      }
    }
  }

  #subscribe(c: LiveClient, subscribed: readonly string[] | "*"): void {
    this.#unlink(c);
    c.subscribed = subscribed === "*" ? null : new Set(subscribed);
    if (c.subscribed === null) this.#wildcard.add(c);
    else {
      for (const zone of c.subscribed) {
        let set = this.#byZone.get(zone);
        if (set === undefined) this.#byZone.set(zone, set = new Set());
        set.add(c);
      }
    }
  }

  #snapshot(subscribed: readonly string[] | "*"): Promise<string> {
    const key = subscribed === "*" ? "*" : [...subscribed].sort().join(",");
    let text = this.#snapshots.get(key);
    if (text === undefined) {
      if (this.#snapshots.size >= 100) this.#snapshots.clear();
      text = buildSnapshot(this.#snapshotDeps, subscribed).then((s) => JSON.stringify(s));
      text.catch(() => this.#snapshots.delete(key));
      this.#snapshots.set(key, text);
    }
    return text;
  }

  async #sendSnapshot(c: LiveClient, subscribed: readonly string[] | "*"): Promise<void> {
    const generation = c.generation;
    c.pending ??= [];
    let text: string;
    try {
      text = await this.#snapshot(subscribed);
    } catch {
      text = JSON.stringify({ type: "error", error: "The snapshot could not be read; updates follow" });
    }
    if (generation !== c.generation || !this.#clients.has(c) || c.pending === null) return;
    const pending = c.pending;
    c.pending = null;
    try {
      c.socket.send(text);
      for (const m of pending) c.socket.send(m);
      c.unsentBound = Infinity;
    } catch {
      this.#remove(c);
    }
  }

  async #onMessage(c: LiveClient, data: unknown): Promise<void> {
    c.lastSeen = this.#ms();
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
    this.#subscribe(c, all ? "*" : zones);
    // Updates published while the new snapshot is read are held and sent after it.
    c.pending ??= [];
    await this.#sendSnapshot(c, all ? "*" : zones);
  }

  #beat(): void {
    const now = this.#ms();
    const limit = 2 * this.#options.ws.heartbeatMs;
    this.#snapshots.clear(); // snapshots carry ages: rebuild them at least once per period
    for (const c of this.#clients) if (now - c.lastSeen > limit) this.#drop(c, "heartbeat", 0);
    this.#broadcast(null, JSON.stringify({ type: "ping", server_time: new Date(now).toISOString() }), "ping");
  }
}
