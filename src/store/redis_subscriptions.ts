/**
 * Listeners on Redis pub/sub channels and patterns over one subscriber connection: the first listener of a
 * name subscribes, the last one to leave unsubscribes, and each message goes to every listener of its
 * channel or pattern. The connection is made on first use by the caller (`redis_store.ts` owns ioredis).
 *
 * @module
 */
import type { Unsubscribe } from "./store.ts";

/** The part of a subscriber connection used here (an ioredis client). */
export interface SubscriberConnection {
  subscribe(channel: string): Promise<unknown>;
  psubscribe(pattern: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  punsubscribe(pattern: string): Promise<unknown>;
  on(event: string, listener: (...args: string[]) => void): unknown;
}

/** Listener registry over one lazily made subscriber connection. */
export class RedisSubscriptions {
  readonly #connect: () => SubscriberConnection;
  readonly #ackTimeoutMs: number;
  readonly #listeners = new Map<string, Set<(message: string) => void>>();
  #connection: SubscriberConnection | undefined;

  /** `connect` makes the subscriber connection; a SUBSCRIBE is awaited at most `ackTimeoutMs`. */
  constructor(connect: () => SubscriberConnection, ackTimeoutMs: number) {
    this.#connect = connect;
    this.#ackTimeoutMs = ackTimeoutMs;
  }

  #subscriber(): SubscriberConnection {
    if (this.#connection === undefined) {
      const c = this.#connect();
      c.on("message", (channel: string, message: string) => this.#dispatch(channel, message));
      c.on(
        "pmessage",
        (pattern: string, _channel: string, message: string) => this.#dispatch(pattern, message),
      );
      this.#connection = c;
    }
    return this.#connection;
  }

  /** Adds `listener` for channel `name` (a glob pattern when `pattern`). */
  async add(name: string, pattern: boolean, listener: (message: string) => void): Promise<Unsubscribe> {
    const sub = this.#subscriber();
    let set = this.#listeners.get(name);
    if (set === undefined) {
      this.#listeners.set(name, set = new Set());
      let timer: ReturnType<typeof setTimeout> | undefined;
      const acked = pattern ? sub.psubscribe(name) : sub.subscribe(name);
      // Bounded wait: while Redis is down the SUBSCRIBE stays queued rather than blocking the caller.
      await Promise.race([acked, new Promise((r) => timer = setTimeout(r, this.#ackTimeoutMs))])
        .catch(() => {})
        .finally(() => clearTimeout(timer));
    }
    set.add(listener);
    return async () => {
      set.delete(listener);
      if (set.size > 0 || this.#listeners.get(name) !== set) return;
      this.#listeners.delete(name);
      await (pattern ? sub.punsubscribe(name) : sub.unsubscribe(name)).catch(() => {});
    };
  }

  #dispatch(name: string, message: string): void {
    for (const listener of this.#listeners.get(name) ?? []) {
      try {
        listener(message);
      } catch {
        // A failing listener (or an unreadable message) must not stop the others.
      }
    }
  }

  /** Forgets every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}
