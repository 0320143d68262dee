/**
 * Builds the OASIS request stack from configuration: one process-wide gate, the off-thread parser and the
 * client. Shared by the service (`main.ts`) and the backfill CLI so that both ask OASIS the same way.
 *
 * @module
 */
import type { Config } from "./config.ts";
import { OasisClient, type OasisRequestEvent } from "./oasis/client.ts";
import { RequestGate } from "./oasis/gate.ts";
import { WorkerParser } from "./oasis/worker_parser.ts";

/** The client and what it owns; `close()` stops the parser worker. */
export interface OasisStack {
  readonly client: OasisClient;
  readonly gate: RequestGate;
  close(): void;
}

/** Creates the gate, the worker parser and the client described by `config`. */
export function createOasisStack(
  config: Config["oasis"],
  options: { onRequest?: (event: OasisRequestEvent) => void; fetch?: typeof fetch } = {},
): OasisStack {
  const parser = new WorkerParser();
  const gate = new RequestGate({
    minIntervalMs: config.minIntervalMs,
    guardMs: config.guardMs,
    ratePerMinute: config.ratePerMinute,
  });
  const client = new OasisClient({
    baseUrl: config.baseUrl,
    gate,
    fetch: options.fetch,
    timeoutMs: config.timeoutMs,
    maxAttempts: config.maxAttempts,
    backoffInitialMs: config.backoffInitialMs,
    breakerThreshold: config.breakerThreshold,
    breakerHalfOpenMs: config.breakerHalfOpenMs,
    format: config.format,
    parse: (bytes, ctx) => parser.parse(bytes, ctx),
    onRequest: options.onRequest,
  });
  return { client, gate, close: () => parser.close() };
}
