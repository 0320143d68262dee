/**
 * WebSocket test helpers: a real server on port 0 over a `:memory:` store, and a client that records every
 * message and waits (real time, bounded) for the next one of a type.
 *
 * @module
 */
import type { NodeSelection } from "../../src/oasis/windows.ts";
import { loadLiveConfig } from "../../src/live/settings.ts";
import type { ServerMessage } from "../../src/live/messages.ts";
import { createMetrics, type Metrics } from "../../src/metrics/metrics.ts";
import { type HttpServer, startHttpServer } from "../../src/server.ts";
import type { Env } from "../../src/settings.ts";
import { type KvStore, openKvStore } from "../../src/store/kv_store.ts";
import { loadStoreConfig } from "../../src/store/settings.ts";
import type { PriceStore } from "../../src/store/store.ts";
import { NOW, seedPrices, TestClock } from "../routes/helpers.ts";

/** A server and its store. */
export interface WsServer {
  readonly server: HttpServer;
  readonly store: KvStore;
  readonly metrics: Metrics;
  readonly clock: TestClock;
  /** `ws://…/ws` plus `query`. */
  wsUrl(query?: string): string;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1, port 0, over a seeded `:memory:` store. */
export async function startWsServer(
  env: Env = {},
  wrap: (store: KvStore) => PriceStore = (s) => s,
  nodes?: NodeSelection,
): Promise<WsServer> {
  const clock = new TestClock(NOW);
  const store = await openKvStore({ config: loadStoreConfig(env), path: ":memory:", clock: clock.now });
  await seedPrices(store);
  const metrics = createMetrics();
  const server = await startHttpServer({
    config: { port: 0, hostname: "127.0.0.1", live: loadLiveConfig(env), store: loadStoreConfig(env), nodes },
    store: wrap(store),
    metrics,
    health: () => ({}),
    now: clock.now,
  });
  return {
    server,
    store,
    metrics,
    clock,
    wsUrl: (query = "") => `${server.url.replace(/^http/, "ws")}/ws${query}`,
    async close() {
      await server.shutdown();
      await store.close();
    },
  };
}

/** The value of one series line of `metrics` (e.g. `ws_clients_dropped_total{reason="slow"}`), 0 if absent. */
export async function metricValue(metrics: { text(): Promise<string> }, line: string): Promise<number> {
  const found = (await metrics.text()).split("\n").find((l) => l.startsWith(line + " "));
  return found === undefined ? 0 : Number(found.slice(line.length + 1));
}

/** A test client recording every message. */
export class TestSocket {
  readonly socket: WebSocket;
  readonly messages: ServerMessage[] = [];
  readonly closed: Promise<CloseEvent>;
  readonly #unread: ServerMessage[] = [];
  #wake: (() => void) | undefined;

  private constructor(url: string) {
    this.socket = new WebSocket(url);
    this.socket.onmessage = (e) => {
      const message = JSON.parse(String(e.data));
      this.messages.push(message);
      this.#unread.push(message);
      this.#wake?.();
    };
    this.closed = new Promise((resolve) => {
      this.socket.onclose = (e) => {
        resolve(e);
        this.#wake?.();
      };
    });
  }

  /** Opens a connection and waits until it is open. */
  static async open(url: string): Promise<TestSocket> {
    const t = new TestSocket(url);
    await new Promise<void>((resolve, reject) => {
      t.socket.onopen = () => resolve();
      t.socket.onerror = () => reject(new Error(`Cannot connect to ${url}`));
    });
    return t;
  }

  /** Sends a JSON value, or a string as it is. */
  send(message: unknown): void {
    this.socket.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** The oldest unread message of `type` (others stay unread), waiting up to `timeoutMs` of real time. */
  async next<T extends ServerMessage["type"]>(
    type: T,
    timeoutMs = 5000,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.#unread.findIndex((m) => m.type === type);
      if (i >= 0) return this.#unread.splice(i, 1)[0] as Extract<ServerMessage, { type: T }>;
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error(`Closed before a "${type}" message`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`No "${type}" message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Closes the connection and waits for the close to finish. */
  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close();
    await this.closed;
  }
}
