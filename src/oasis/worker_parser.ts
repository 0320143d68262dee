/**
 * Parses OASIS responses in a Web Worker (`parse_worker.ts`) with the same signature as `parseResponse`,
 * so that the client can parse a 30 MB all-nodes file without stalling the event loop. Rows come back in
 * slices of 10,000, each deserialized in its own task.
 *
 * @module
 */
import { OasisParseError } from "./errors.ts";
import { IdleTimer } from "./idle_timer.ts";
import { type ParseContext, parseResponse } from "./parse.ts";
import type { OasisRow, ParseResult } from "./row.ts";

/** Message to the worker. */
export interface WorkerRequest {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly ctx: ParseContext;
  readonly sliceRows?: number;
}

/** Messages from the worker: row slices, then `done` (or `error`). */
export type WorkerResponse =
  | { id: number; type: "rows"; rows: OasisRow[] }
  | { id: number; type: "done"; result: ParseResult }
  | { id: number; type: "error"; error: { name: string; message: string; file?: string; line?: number } };

interface Pending {
  rows: OasisRow[];
  resolve: (r: ParseResult) => void;
  reject: (e: Error) => void;
}

/** Options of `WorkerParser`. */
export interface WorkerParserOptions {
  /** Rows per message from the worker (default 10,000). */
  readonly sliceRows?: number;
  /** Answers up to this many bytes are parsed on the calling thread (default 65,536; 0: always the worker). */
  readonly inlineMaxBytes?: number;
  /** The worker is terminated after this long without work (default 30,000 ms); the next parse starts one. */
  readonly idleMs?: number;
}

/** A parser backed by a worker started on demand and stopped when idle; `close()` terminates it. */
export class WorkerParser {
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #sliceRows?: number;
  readonly #inlineMaxBytes: number;
  readonly #idle: IdleTimer;

  constructor(options: WorkerParserOptions = {}) {
    this.#sliceRows = options.sliceRows;
    this.#inlineMaxBytes = options.inlineMaxBytes ?? 65_536;
    this.#idle = new IdleTimer(options.idleMs ?? 30_000, () => {
      if (this.#pending.size > 0) return;
      this.#worker?.terminate();
      this.#worker = undefined;
    });
  }

  /** Whether a worker is running now (started by a large answer, not yet stopped for idleness). */
  get workerRunning(): boolean {
    return this.#worker !== undefined;
  }

  /** Parses `bytes` (in the worker when large); resolves like `parseResponse`, rejects with `OasisParseError`. */
  parse(bytes: Uint8Array, ctx: ParseContext = {}): Promise<ParseResult> {
    if (bytes.length <= this.#inlineMaxBytes) {
      try {
        return Promise.resolve(parseResponse(bytes, ctx));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    this.#idle.cancel();
    const worker = this.#ensureWorker();
    const id = this.#nextId++;
    return new Promise<ParseResult>((resolve, reject) => {
      this.#pending.set(id, { rows: [], resolve, reject });
      const copy = bytes.slice(); // transferred: the caller keeps its own buffer
      worker.postMessage({ id, bytes: copy, ctx, sliceRows: this.#sliceRows } satisfies WorkerRequest, [
        copy.buffer,
      ]);
    });
  }

  /** Terminates the worker; pending parses reject. */
  close(): void {
    this.#idle.cancel();
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#failAll(new Error("Parser closed"));
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL("./parse_worker.ts", import.meta.url).href, { type: "module" });
    worker.onmessage = (event: MessageEvent<WorkerResponse>) => this.#receive(event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#worker?.terminate();
      this.#worker = undefined;
      this.#failAll(new Error(`Parser worker failed: ${event.message}`));
    };
    this.#worker = worker;
    return worker;
  }

  #receive(message: WorkerResponse): void {
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    if (message.type === "rows") {
      for (const row of message.rows) pending.rows.push(row);
      return;
    }
    this.#pending.delete(message.id);
    this.#scheduleIdleStop();
    if (message.type === "error") {
      const { name, message: text, file, line } = message.error;
      pending.reject(
        name === "OasisParseError" ? new OasisParseError(text, { file, line }) : new Error(text),
      );
      return;
    }
    const result = message.result;
    pending.resolve(result.kind === "rows" ? { ...result, rows: pending.rows } : result);
  }

  /** With nothing in flight, the worker stops after the idle time. */
  #scheduleIdleStop(): void {
    if (this.#pending.size === 0 && this.#worker) this.#idle.arm();
  }

  #failAll(error: Error): void {
    for (const p of this.#pending.values()) p.reject(error);
    this.#pending.clear();
  }
}
