/**
 * Sends OASIS requests from a Web Worker (`fetch_worker.ts`), so that their starts keep to the gate's
 * tickets however busy the main thread is: a request fetched on the main thread leaves only when its event
 * loop next runs I/O, which after a fetch was started can be a whole parse or delivery later (measured:
 * 310 ms behind a 300 ms task, landing 1.2 s after another process's start with a 1.6 s interval).
 *
 * @module
 */
import type { GateTicket } from "./gate.ts";
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
  /** `messages`: the fetch error's message and its causes' (outermost first), so the cause can be named. */
  | { id: number; type: "error"; messages: string[] };

interface Pending {
  resolve: (answer: SentAnswer | null) => void;
  reject: (error: Error) => void;
}

/** A sender backed by one long-lived worker; `close()` terminates it. */
export class WorkerSender implements Sender {
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();

  send(url: string, ticket: GateTicket, signal: AbortSignal): Promise<SentAnswer | null> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const worker = this.#ensureWorker();
    const id = this.#nextId++;
    return new Promise<SentAnswer | null>((resolve, reject) => {
      const onAbort = () => {
        this.#pending.delete(id);
        worker.postMessage({ type: "abort", id } satisfies SendRequest);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      const done = () => signal.removeEventListener("abort", onAbort);
      this.#pending.set(id, {
        resolve: (answer) => (done(), resolve(answer)),
        reject: (error) => (done(), reject(error)),
      });
      worker.postMessage({ type: "send", id, url, at: ticket.at, until: ticket.until } satisfies SendRequest);
    });
  }

  close(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#failAll(new Error("Sender closed"));
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL("./fetch_worker.ts", import.meta.url).href, { type: "module" });
    worker.onmessage = (event: MessageEvent<SendResponse>) => this.#receive(event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#worker?.terminate();
      this.#worker = undefined;
      this.#failAll(new Error(`Sender worker failed: ${event.message}`));
    };
    return this.#worker = worker;
  }

  #receive(message: SendResponse): void {
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
