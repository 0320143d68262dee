/**
 * Sends OASIS requests from a Web Worker (`fetch_worker.ts`), so that their starts keep to the gate's
 * tickets however busy the main thread is: a request fetched on the main thread leaves only when its event
 * loop next runs I/O, which after a fetch was started can be a whole parse or delivery later (measured:
 * 310 ms behind a 300 ms task, landing 1.2 s after another process's start with a 1.6 s interval).
 *
 * The worker is an isolate of its own (about 20 MB resident): it is stopped after `idleMs` (60 s) without a
 * request and started again by `ready()`, which the client awaits before it reserves a start, so a restart
 * never makes a ticket late.
 *
 * @module
 */
import type { GateTicket } from "./gate.ts";
import { IdleTimer } from "./idle_timer.ts";
import type { Sender, SentAnswer } from "./sender.ts";

/** Message to the worker. */
export type SendRequest =
  | {
    readonly type: "send";
    readonly id: number;
    readonly url: string;
    readonly at: number;
    readonly until: number;
  }
  | { readonly type: "abort"; readonly id: number };

/** Messages from the worker. */
export type SendResponse =
  | {
    id: number;
    type: "answer";
    status: number;
    statusText: string;
    headers: [string, string][];
    url: string;
    body: ArrayBuffer;
  }
  | { id: number; type: "missed" }
  /** Posted once when the worker has loaded. */
  | { id: 0; type: "ready" }
  /** `messages`: the fetch error's message and its causes' (outermost first), so the cause can be named. */
  | { id: number; type: "error"; messages: string[] };

interface Pending {
  resolve: (answer: SentAnswer | null) => void;
  reject: (error: Error) => void;
}

/** A sender backed by a worker started on demand and stopped when idle; `close()` terminates it. */
export class WorkerSender implements Sender {
  #worker: Worker | undefined;
  #ready: Promise<void> = Promise.resolve();
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #idle: IdleTimer;

  constructor(options: { idleMs?: number } = {}) {
    this.#idle = new IdleTimer(options.idleMs ?? 60_000, () => {
      if (this.#pending.size > 0) return;
      this.#worker?.terminate();
      this.#worker = undefined;
    });
  }

  /** Whether the worker is running now. */
  get workerRunning(): boolean {
    return this.#worker !== undefined;
  }

  /** Starts the worker if it is stopped; resolves once it has loaded. */
  ready(): Promise<void> {
    this.#idle.cancel();
    this.#ensureWorker();
    return this.#ready;
  }

  send(url: string, ticket: GateTicket, signal: AbortSignal): Promise<SentAnswer | null> {
    if (signal.aborted) return Promise.reject(signal.reason);
    this.#idle.cancel();
    const worker = this.#ensureWorker();
    const id = this.#nextId++;
    return new Promise<SentAnswer | null>((resolve, reject) => {
      const onAbort = () => {
        this.#pending.delete(id);
        this.#scheduleIdleStop();
        worker.postMessage({ type: "abort", id } satisfies SendRequest);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      const done = () => (signal.removeEventListener("abort", onAbort), this.#scheduleIdleStop());
      this.#pending.set(id, {
        resolve: (answer) => (done(), resolve(answer)),
        reject: (error) => (done(), reject(error)),
      });
      worker.postMessage({ type: "send", id, url, at: ticket.at, until: ticket.until } satisfies SendRequest);
    });
  }

  close(): void {
    this.#idle.cancel();
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#failAll(new Error("Sender closed"));
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL("./fetch_worker.ts", import.meta.url).href, { type: "module" });
    let loaded = () => {};
    this.#ready = new Promise<void>((resolve) => loaded = resolve);
    worker.onmessage = (event: MessageEvent<SendResponse>) =>
      event.data.type === "ready" ? loaded() : this.#receive(event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#worker?.terminate();
      this.#worker = undefined;
      this.#failAll(new Error(`Sender worker failed: ${event.message}`));
      loaded(); // the next ready() starts a new worker
    };
    return this.#worker = worker;
  }

  /** With nothing in flight, the worker stops after the idle time. */
  #scheduleIdleStop(): void {
    if (this.#pending.size === 0 && this.#worker) this.#idle.arm();
  }

  #receive(message: Exclude<SendResponse, { type: "ready" }>): void {
    const pending = this.#pending.get(message.id);
    if (!pending) return; // aborted meanwhile
    this.#pending.delete(message.id);
    if (message.type === "missed") return pending.resolve(null);
    if (message.type === "error") return pending.reject(rebuildError(message.messages));
    const { status, statusText, headers, url, body } = message;
    const response = new Response(null, { status, statusText, headers });
    Object.defineProperty(response, "url", { value: url });
    pending.resolve({ response, bytes: new Uint8Array(body) });
  }

  #failAll(error: Error): void {
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
  }
}

/** The worker's fetch error as a `TypeError` whose `cause` chain carries the same messages. */
function rebuildError(messages: string[]): TypeError {
  let cause: Error | undefined;
  for (const text of messages.slice(1).reverse()) cause = new Error(text, cause ? { cause } : undefined);
  return new TypeError(messages[0] ?? "fetch failed", cause ? { cause } : undefined);
}
