/**
 * Web Worker entry that runs `AnalyticsJob`s (`analytics_jobs.ts`) off the thread serving HTTP, WebSocket
 * and cron. It says `ready` once loaded, then answers each job with its result or its error's name and
 * message. HiGHS (WebAssembly) is loaded before `ready`, so a job's deadline never pays for loading it.
 * Started by `analytics_pool.ts`, which terminates it when a job passes its deadline.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { type AnalyticsJob, runJob } from "./analytics_jobs.ts";
import type { WorkerMessage } from "./analytics_pool.ts";
import { loadHighs } from "./highs_solver.ts";

self.onmessage = async (event: MessageEvent<{ id: number; job: AnalyticsJob }>) => {
  const { id, job } = event.data;
  let message: WorkerMessage;
  try {
    message = { type: "done", id, result: await runJob(job) };
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    message = { type: "error", id, name: error.name, message: error.message };
  }
  self.postMessage(message);
};
await loadHighs();
self.postMessage({ type: "ready" } satisfies WorkerMessage);
