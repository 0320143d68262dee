/**
 * Builds the OASIS request stack from configuration: one gate, the off-thread sender and parser, and the
 * client. `openService` builds it once for the service, the backfill CLI and the library connector, so that
 * all ask OASIS the same way; with `shared` slots the gate reserves each start where every process on the
 * same Redis or `JOBS_KV_PATH` reserves its own, so the spacing holds across processes.
 *
 * @module
 */
import type { Config } from "../config.ts";
import { type Log, silentLog } from "../log.ts";
import { OasisClient, type OasisRequestEvent } from "../oasis/client.ts";
import { RequestGate, type SharedSlots } from "../oasis/gate.ts";
import { WorkerParser } from "../oasis/worker_parser.ts";
import { WorkerSender } from "../oasis/worker_sender.ts";

/** The client and what it owns; `close()` stops the parser and sender workers. */
export interface OasisStack {
  readonly client: OasisClient;
  readonly gate: RequestGate;
  close(): void;
}

/** What `createOasisStack` takes besides configuration. */
export interface OasisStackOptions {
  /** Hears every request attempt. */
  readonly onRequest?: (event: OasisRequestEvent) => void;
  /** `fetch` on this thread (tests, a library caller); default: requests leave from the sender worker. */
  readonly fetch?: typeof fetch;
  /** Reserved starts shared with other processes; the gate logs when it has to go alone and when it is back. */
  readonly shared?: { readonly slots: SharedSlots; readonly log?: Log };
}

/** Creates the gate, the worker parser and the client described by `config`. */
export function createOasisStack(config: Config["oasis"], options: OasisStackOptions = {}): OasisStack {
  const parser = new WorkerParser();
  // Requests leave from a thread of their own, on time however long the main thread is busy; an injected
  // fetch (tests, the connector's caller) runs on this thread.
  const sender = options.fetch ? undefined : new WorkerSender();
  const shared = options.shared;
  const log = shared?.log ?? silentLog;
  const gate = new RequestGate({
    minIntervalMs: config.minIntervalMs,
    guardMs: config.guardMs,
    ratePerMinute: config.ratePerMinute,
    shared: shared?.slots,
    onSharedState: (state, error) =>
      state === "local"
        ? log("warn", "shared oasis request gate unreachable; spacing requests in this process only", {
          gate: shared?.slots.kind,
          error: error?.message,
        })
        : log("info", "shared oasis request gate reachable again", { gate: shared?.slots.kind }),
  });
  const client = new OasisClient({
    baseUrl: config.baseUrl,
    gate,
    fetch: options.fetch,
    sender,
    timeoutMs: config.timeoutMs,
    maxAttempts: config.maxAttempts,
    backoffInitialMs: config.backoffInitialMs,
    breakerThreshold: config.breakerThreshold,
    breakerHalfOpenMs: config.breakerHalfOpenMs,
    format: config.format,
    parse: (bytes, ctx) => parser.parse(bytes, ctx),
    onRequest: options.onRequest,
  });
  return {
    client,
    gate,
    close: () => {
      parser.close();
      sender?.close();
    },
  };
}
