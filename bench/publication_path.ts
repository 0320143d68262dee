/**
 * The production path after a poll starts, measured for real (`publication_bench.ts` adds the part before
 * it): the simulator served over HTTP (`startSimulator`), the service opened as `main.ts` opens it
 * (`openService`: request gate with shared Deno KV slots, `OasisClient` with its sender and parser workers,
 * Bronze NDJSON outbox + drainer, KV hot store), the live edge served by `startHttpServer` and one real
 * WebSocket client on `/ws` subscribed to every zone. A poll is started by the production `JobRunner`
 * (`pollOnce`, as `createJobRunner` wires it) whose clock, like the simulator's, is frozen at the poll's
 * virtual instant; the receipt is when the client has the awaited intervals of every configured zone.
 * Each run waits until the gate has a free slot first (the runs measured here are a dataset's only
 * requests; see the bench for what that leaves out).
 *
 * @module
 */
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { JobRunner } from "../src/jobs/job_runner.ts";
import { pollOnce } from "../src/jobs/service_runs.ts";
import { configuredZones } from "../src/live/zone_catalog.ts";
import { createMetrics } from "../src/metrics/metrics.ts";
import type { DatasetName } from "../src/oasis/datasets.ts";
import { startHttpServer } from "../src/server.ts";
import { openService, serviceHealth } from "../src/service.ts";
import type { PriceUpdate } from "../src/store/store.ts";
import { startSimulator } from "../simulator/simulator.ts";

/** Timing of one measured poll, ms of real time from the poll's start. */
export interface PathRun {
  /** Poll start → WebSocket receipt of the awaited intervals for every zone. */
  readonly totalMs: number;
  /** Poll start → first OASIS request start (watermark, lock, planning, gate). */
  readonly beforeRequestMs: number;
  /** Sum of the OASIS requests' durations (send, answer, unzip and parse in the worker). */
  readonly requestMs: number;
  /** OASIS requests of the poll. */
  readonly requests: number;
}

/** The opened path. */
export interface ProductionPath {
  /** Moves `dataset`'s watermark to `end` (the first measured poll then asks from there). */
  setWatermark(dataset: DatasetName, end: Date): Promise<void>;
  /**
   * Polls `dataset` at virtual instant `now`; resolves when the WebSocket client has the price of every
   * configured zone for each of `starts` (interval starts, epoch ms) of `market`.
   */
  measure(dataset: DatasetName, now: Date, market: string, starts: readonly number[]): Promise<PathRun>;
  /** The gate's spacing of request starts, ms (the guard included). */
  readonly spacingMs: number;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RECEIPT_TIMEOUT_MS = 60_000;

/** A WebSocket client on `/ws` (every zone) that tells when it has an interval for each of `zones`. */
async function openReceiver(base: string, zones: readonly string[]) {
  const received = new Map<string, Set<string>>();
  let waiting: { keys: readonly string[]; done: (at: number) => void } | null = null;
  const ws = new WebSocket(`${base.replace(/^http/, "ws")}/ws`);
  const opened = Promise.withResolvers<void>();
  ws.onmessage = (e) => {
    const at = performance.now();
    const message = JSON.parse(String(e.data)) as { type: string; update?: PriceUpdate };
    if (message.type === "snapshot") opened.resolve();
    const u = message.update;
    if (message.type !== "update" || u === undefined) return;
    const key = `${u.market}|${u.ms}`;
    received.set(key, (received.get(key) ?? new Set()).add(u.zone));
    if (waiting?.keys.every((k) => (received.get(k)?.size ?? 0) >= zones.length)) waiting.done(at);
  };
  ws.onerror = (e) => opened.reject(new Error(`WebSocket error: ${(e as ErrorEvent).message}`));
  await opened.promise;
  return {
    /** Resolves with the `performance.now()` at which the last of `keys` (market|start) arrived for every zone. */
    receipt(keys: readonly string[]): Promise<number> {
      const { promise, resolve, reject } = Promise.withResolvers<number>();
      const timer = setTimeout(() => reject(new Error(`No receipt of ${keys[0]}…`)), RECEIPT_TIMEOUT_MS);
      waiting = { keys, done: resolve };
      return promise.finally(() => {
        clearTimeout(timer);
        waiting = null;
      });
    },
    close: () => ws.close(),
  };
}

type PathOptions = {
  readonly datasets: readonly DatasetName[];
  readonly publishDelayMs: number;
  readonly publishJitterMs: number;
};

/** The simulator and the service opened as `main.ts` opens it, with a runner on a settable virtual clock. */
async function openBenchService(options: PathOptions) {
  const dir = await Deno.makeTempDir({ prefix: "publication-bench-" });
  const sim = startSimulator({ port: 0, ...options });
  // Defaults everywhere (gate 5 s + 100 ms guard, default hubs, CSV) but the files and the simulator.
  const config = loadConfig({
    CAISO_OASIS_BASE_URL: sim.url,
    OASIS_DATASETS: options.datasets.join(","),
    STORE_KV_PATH: join(dir, "hot.kv"),
    JOBS_KV_PATH: join(dir, "jobs.kv"),
    BRONZE_OUTBOX_PATH: join(dir, "outbox.kv"),
    BRONZE_DIR: join(dir, "bronze"),
    PORT: "0",
    LOG_LEVEL: "warn",
  });
  const requests: Array<{ start: number; ms: number }> = [];
  const service = await openService(config, {
    onRequest: (e) => void requests.push({ start: performance.now() - e.durationMs, ms: e.durationMs }),
  });
  const clock = { now: new Date(0) };
  const runner = new JobRunner({
    schedules: Object.fromEntries(options.datasets.map((d) => [d, config.jobs.schedules[d]])),
    clock: () => clock.now,
    poll: (dataset, now, signal) => pollOnce(service, dataset, now, signal),
  });
  return { dir, sim, config, requests, service, clock, runner };
}

/** Opens simulator, service, server and client for `datasets`, with the simulator's publication delay. */
export async function openProductionPath(options: PathOptions): Promise<ProductionPath> {
  const { dir, sim, config, requests, service, clock, runner } = await openBenchService(options);
  const http = await startHttpServer({
    config: { ...config, hostname: "127.0.0.1" },
    store: service.store,
    metrics: createMetrics(),
    health: serviceHealth(service, runner),
  });
  const client = await openReceiver(http.url, configuredZones(config.nodes) ?? []);
  const spacingMs = config.oasis.minIntervalMs + config.oasis.guardMs;

  async function measure(dataset: DatasetName, now: Date, market: string, starts: readonly number[]) {
    // The gate is free, as for a poll whose previous request was a follow-up or a tick ago.
    const last = requests.at(-1)?.start ?? -Infinity;
    await sleep(Math.max(0, last + spacingMs + 20 - performance.now()));
    const receipt = client.receipt(starts.map((s) => `${market}|${s}`));
    receipt.catch(() => {}); // a failed poll throws below; its receipt times out unheard
    clock.now = now;
    sim.simulator.clock.set(now, { frozen: true });
    const first = requests.length;
    const t0 = performance.now();
    const summary = await runner.run(dataset);
    if (summary?.outcome !== "done") {
      throw new Error(`${dataset} poll at ${now.toISOString()}: ${summary?.outcome}`);
    }
    const at = await receipt;
    const mine = requests.slice(first);
    return {
      totalMs: at - t0,
      beforeRequestMs: (mine[0]?.start ?? t0) - t0,
      requestMs: mine.reduce((sum, r) => sum + r.ms, 0),
      requests: mine.length,
    };
  }

  return {
    spacingMs,
    setWatermark: async (dataset, end) => void await service.coordination.advanceWatermark(dataset, end),
    measure,
    async close() {
      client.close();
      await runner.stop();
      await http.shutdown();
      await service.close();
      await sim.shutdown();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
