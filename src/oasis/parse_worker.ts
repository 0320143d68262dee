/**
 * Web Worker entry that runs `parseResponse` off the main thread and sends the rows back in slices, so
 * that neither parsing nor deserializing a one-day all-nodes file blocks the event loop that serves
 * WebSocket clients. Started by `worker_parser.ts`; not imported anywhere else.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { OasisParseError } from "./errors.ts";
import { parseResponse } from "./parse.ts";
import type { WorkerRequest, WorkerResponse } from "./worker_parser.ts";

const SLICE = 10_000;

function post(message: WorkerResponse): void {
  self.postMessage(message);
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const { id, bytes, ctx, sliceRows } = event.data;
  try {
    const result = parseResponse(bytes, ctx);
    if (result.kind !== "rows") {
      post({ id, type: "done", result });
      return;
    }
    const size = sliceRows ?? SLICE;
    for (let i = 0; i < result.rows.length; i += size) {
      post({ id, type: "rows", rows: result.rows.slice(i, i + size) });
    }
    post({ id, type: "done", result: { ...result, rows: [] } });
  } catch (e) {
    const err = e as Error;
    post({
      id,
      type: "error",
      error: {
        name: err.name,
        message: err.message,
        file: e instanceof OasisParseError ? e.file : undefined,
        line: e instanceof OasisParseError ? e.line : undefined,
      },
    });
  }
};
