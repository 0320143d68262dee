/**
 * Builds the OASIS request stack from configuration: one gate, the off-thread sender and parser, and the
 * client.
 * Shared by the service (`main.ts`), the backfill CLI and the library connector so that all ask OASIS the
 * same way. Once the backends are open, `share()` makes the gate reserve each start in the slots every
 * process on the same Redis or `JOBS_KV_PATH` reserves in, so the spacing holds across processes.
 *
 * @module
 */
import type { Config } from "./config.ts";
import { type Log, silentLog } from "./log.ts";
import { OasisClient, type OasisRequestEvent } from "./oasis/client.ts";
import { RequestGate, type SharedSlots } from "./oasis/gate.ts";
import { WorkerParser } from "./oasis/worker_parser.ts";
import { WorkerSender } from "./oasis/worker_sender.ts";

/** The client and what it owns; `close()` stops the parser worker. */
export interface OasisStack {
  readonly client: OasisClient;
  readonly gate: RequestGate;
  /** Spaces requests together with every process reserving in `slots`; logs when it has to go alone. */
  share(slots: SharedSlots, log?: Log): void;
  close(): void;
}

/** Creates the gate, the worker parser and the client described by `config`. */
export function createOasisStack(
  config: Config["oasis"],
  options: { onRequest?: (event: OasisRequestEvent) => void; fetch?: typeof fetch } = {},
): OasisStack {
  const parser = new WorkerParser();
  // Requests leave from a thread of their own, on time however long the main thread is busy; an injected
  // fetch (tests, the connector's caller) runs on this thread.
  const sender = options.fetch ? undefined : new WorkerSender();
  const gate = new RequestGate({
    minIntervalMs: config.minIntervalMs,
    guardMs: config.guardMs,
    ratePerMinute: config.ratePerMinute,
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
    share: (slots, log = silentLog) =>
      gate.share(
        slots,
        (state, error) =>
          state === "local"
            ? log("warn", "shared oasis request gate unreachable; spacing requests in this process only", {
              gate: slots.kind,
              error: error?.message,
            })
            : log("info", "shared oasis request gate reachable again", { gate: slots.kind }),
      ),
    close: () => {
      parser.close();
      sender?.close();
    },
  };
}
