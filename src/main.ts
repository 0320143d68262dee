/**
 * Composition root: config → OASIS client → one `Deno.cron` per dataset → `Deno.serve` → ordered shutdown.
 * Nothing imports this file.
 *
 * @module
 */
import { loadConfig } from "./config.ts";
import { type DatasetName, DATASETS } from "./oasis/datasets.ts";
import { createOasisStack } from "./oasis_stack.ts";
import { pollDataset, type PollSink, type PollSummary } from "./jobs/poll.ts";
import { createBronze } from "./bronze/bronze_service.ts";
import { openKvStore } from "./store/kv_store.ts";
import { createRedisStore } from "./store/redis_store.ts";
import { redactUrl } from "./store/settings.ts";
import type { PriceStore } from "./store/store.ts";

function log(level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
}

const config = loadConfig(Deno.env.toObject());
const oasis = createOasisStack(config.oasis, {
  onRequest: (e) =>
    log(e.outcome === "ok" || e.outcome === "no-data" ? "info" : "warn", "oasis request", { ...e }),
});
const client = oasis.client;
// Bronze: every row goes to the durable outbox (Deno KV) first; the drainer sends it to Kafka, or to NDJSON
// files when no broker is configured.
if (config.bronze.outbox.path !== ":memory:") {
  await Deno.mkdir(config.bronze.outbox.path.replace(/\/[^/]*$/, "") || ".", { recursive: true });
}
const outboxKv = await Deno.openKv(config.bronze.outbox.path);
const bronze = await createBronze(config.bronze, { kv: outboxKv, log, datasets: config.datasets });
await bronze.start();
const bronzeName = config.bronze.kafka
  ? `kafka ${config.bronze.kafka.brokers.join(",")}`
  : `ndjson ${config.bronze.bronzeDir}`;

const store: PriceStore = config.store.redis
  ? createRedisStore({ config: config.store })
  : await openKvStore({ config: config.store });
const storeName = config.store.redis
  ? `redis ${redactUrl(config.store.redis.url)}`
  : `deno kv ${config.store.kvPath}`;

const sink: PollSink = {
  async accept(dataset, window, fetched) {
    const r = fetched.result;
    // Bronze first: once accept() returns, the rows are safely in the outbox.
    const published = await bronze.publisher.publish(fetched, dataset);
    if (r.kind === "rows" && (dataset === "lmp_rtm" || dataset === "lmp_fmm" || dataset === "lmp_dam")) {
      const ingested = await store.ingest(r.rows);
      log(ingested.stored ? "info" : "warn", "hot store updated", {
        dataset,
        updates: ingested.updates.length,
        unchanged: ingested.unchanged,
        skipped: ingested.skipped.length,
        stored: ingested.stored,
      });
      for (const alert of ingested.alerts) log("info", "price alert", { ...alert });
    }
    log("info", "window fetched", {
      dataset,
      query: window.query.queryName,
      start: window.start.toISOString(),
      end: window.end.toISOString(),
      result: r.kind,
      rows: r.kind === "rows" ? r.rows.length : 0,
      problems: r.kind === "rows" ? r.problems.length : 0,
      bronze: published,
    });
  },
};

const shutdown = new AbortController();
const lastRuns = new Map<DatasetName, PollSummary & { at: string }>();
const running = new Set<DatasetName>();

async function run(dataset: DatasetName): Promise<void> {
  if (running.has(dataset) || shutdown.signal.aborted) return; // runs of one dataset never overlap
  running.add(dataset);
  try {
    const summary = await pollDataset(
      dataset,
      { client, sink, nodes: config.nodes, signal: shutdown.signal },
      new Date(),
    );
    lastRuns.set(dataset, { ...summary, at: new Date().toISOString() });
    log(summary.failures.length ? "warn" : "info", "poll finished", { ...summary });
  } catch (error) {
    if (!shutdown.signal.aborted) log("error", "poll failed", { dataset, error: String(error) });
  } finally {
    running.delete(dataset);
  }
}

for (const dataset of config.datasets) {
  Deno.cron(`poll ${dataset}`, DATASETS[dataset].schedule, { signal: shutdown.signal }, () => run(dataset));
}

const server = Deno.serve({
  port: config.port,
  onListen: ({ hostname, port }) => {
    log("info", "oasis-stream started", {
      url: `http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}/`,
      oasis: config.oasis.baseUrl,
      store: storeName,
      bronze: bronzeName,
      datasets: config.datasets,
    });
  },
}, (req) => {
  const path = new URL(req.url).pathname;
  if (path === "/health") {
    return Response.json({
      status: "ok",
      breaker: client.breakerState,
      lastRuns: Object.fromEntries(lastRuns),
    });
  }
  return Response.json({ error: "Not found" }, { status: 404 });
});

// Every job also runs once at start, so data arrives without waiting for the first tick.
for (const dataset of config.datasets) void run(dataset);

async function stop(signal: string): Promise<void> {
  log("info", "shutting down", { signal });
  shutdown.abort(new Error(`Shutdown (${signal})`));
  await server.shutdown();
  oasis.close();
  const left = await bronze.close();
  if (left > 0) log("warn", "outbox not fully drained; it resumes on the next start", { rows: left });
  outboxKv.close();
  await store.close();
  Deno.exit(0);
}
Deno.addSignalListener("SIGINT", () => void stop("SIGINT"));
Deno.addSignalListener("SIGTERM", () => void stop("SIGTERM"));
