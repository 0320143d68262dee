/**
 * Arbitrage summaries computed in one long-lived Web Worker (`summary_worker.ts`): the same figures as
 * `summarize`, without blocking the event loop. The service creates one and closes it on shutdown; the
 * summary cache in front of it still coalesces identical requests.
 *
 * @module
 */
import type { SummaryInput, ZoneSummary } from "./arbitrage_summary.ts";

/** Message to the worker. */
export interface SummaryRequest {
  readonly id: number;
  readonly input: SummaryInput;
}

/** Message from the worker. */
export type SummaryResponse =
  | { readonly id: number; readonly type: "done"; readonly summary: ZoneSummary[] }
  | { readonly id: number; readonly type: "error"; readonly message: string };

interface Pending {
  resolve: (summary: ZoneSummary[]) => void;
  reject: (error: Error) => void;
}

/** Computes summaries in a worker started on first use; `close()` terminates it. */
export class WorkerSummarizer {
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();

  /** The figures of `input`, computed in the worker. */
  summarize(input: SummaryInput): Promise<ZoneSummary[]> {
    const worker = this.#ensureWorker();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, input } satisfies SummaryRequest);
    });
  }

  /** Terminates the worker; computations in progress reject. */
  close(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#failAll(new Error("Summarizer closed"));
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL("./summary_worker.ts", import.meta.url).href, { type: "module" });
    worker.onmessage = (event: MessageEvent<SummaryResponse>) => {
      const message = event.data;
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.type === "done") pending.resolve(message.summary);
      else pending.reject(new Error(`Cannot compute the arbitrage summary: ${message.message}`));
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#worker?.terminate();
      this.#worker = undefined;
      this.#failAll(new Error(`Summary worker failed: ${event.message}`));
    };
    this.#worker = worker;
    return worker;
  }

  #failAll(error: Error): void {
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
  }
}
