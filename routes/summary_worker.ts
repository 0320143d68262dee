/**
 * Web Worker entry that computes arbitrage summaries (`summarize`, about a second of dynamic programming for
 * a day of 5-minute prices) off the main thread, so the event loop that fans price updates out to WebSocket
 * clients never stalls on them. Started by `worker_summarizer.ts`; not imported anywhere else.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { summarize } from "./arbitrage_summary.ts";
import type { SummaryRequest, SummaryResponse } from "./worker_summarizer.ts";

self.onmessage = (event: MessageEvent<SummaryRequest>) => {
  const { id, input } = event.data;
  let message: SummaryResponse;
  try {
    message = { id, type: "done", summary: summarize(input) };
  } catch (e) {
    message = { id, type: "error", message: (e as Error).message ?? String(e) };
  }
  self.postMessage(message);
};
