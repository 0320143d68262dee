/**
 * Composition root: configuration (environment and the optional `CONFIG_FILE`) → structured logs → OASIS
 * client → hot store, job coordination and Bronze → job runner and one `Deno.cron` per dataset → HTTP →
 * one immediate run per dataset → ordered shutdown on SIGINT/SIGTERM: stop cron (and running polls), stop
 * accepting HTTP, flush the producer and the outbox, close the store. Nothing imports this file.
 *
 * @module
 */
import { createServiceRoutes } from "../routes/service_routes.ts";
import { AnalyticsPool } from "./analytics/analytics_pool.ts";
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { serviceConnector } from "./connector.ts";
import { type Backends, openBackends } from "./jobs/backends.ts";
import { JobRunner } from "./jobs/job_runner.ts";
import { SchemaDriftTracker } from "./jobs/schema_drift.ts";
import { describeSchedule, pollCrons } from "./jobs/peak_window.ts";
import { setupLogging } from "./log.ts";
import type { DatasetName } from "./oasis/datasets.ts";
import { createOasisRequestLog } from "./oasis_request_log.ts";
import { createOasisStack } from "./oasis_stack.ts";
import { createMetrics } from "./metrics.ts";
import { startHttpServer } from "./server.ts";
import { startAlertWebhooks } from "./alerts/alert_webhooks.ts";
import { FailoverCoordination } from "./store/failover_coordination.ts";

// ── 0. `deno task start --help`: the service takes no arguments; every setting is an environment variable.
if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
  console.log(
    "Usage: deno task start\n\nRuns the service: one poll job per dataset, the API, WebSocket and dashboard on " +
      "http://localhost:$PORT/ (8000).\nSettings are environment variables (or CONFIG_FILE=oasis.yaml): see " +
      "docs/configuration.md.",
  );
  Deno.exit(0);
}

// ── 1. Configuration: one validated object, or a message naming the bad setting and exit code 2.
const env = Deno.env.toObject();
let config: Config;
try {
  const path = env.CONFIG_FILE?.trim();
  let file;
  if (path) {
    try {
      file = { path, text: await Deno.readTextFile(path) };
    } catch (e) {
      throw new ConfigError("CONFIG_FILE", `cannot read "${path}": ${(e as Error).message}`);
    }
  }
  config = loadConfig(env, file);
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : `Cannot start: ${(e as Error).message}`);
  Deno.exit(2);
}

// ── 2. Logs: JSON lines on stdout.
const logging = await setupLogging({ service: config.service.name, level: config.service.logLevel });
const log = logging.log;

// ── 3. OASIS: one gate, parser worker and client for every job; every attempt is logged and counted.
// Without an answer from OASIS, the cause is logged once per outage, not once per attempt.
const metrics = createMetrics();
const logRequest = createOasisRequestLog(log);
const oasis = createOasisStack(config.oasis, {
  onRequest: (e) => {
    metrics.oasisRequest(e);
    logRequest(e);
  },
});

// ── 4. Hot store, job coordination and Bronze (outbox first; Kafka or NDJSON behind it).
let backends: Backends;
try {
  backends = await openBackends(config, { outboxPath: config.bronze.outbox.path, log });
} catch (e) {
  log("error", "cannot start: a backend is not available", { error: (e as Error).message });
  oasis.close();
  await logging.close();
  Deno.exit(1);
}
const { store, bronze } = backends;
// Alerts this process raises go to ALERT_WEBHOOK_URLS (signed, retried, off the poll's path).
const webhooks = startAlertWebhooks({
  config: config.webhooks,
  store,
  metrics,
  log: (message, fields) => log("warn", message, fields),
});
// Every process on this Redis (or JOBS_KV_PATH) spaces its OASIS requests together: backfill CLI, instances.
oasis.share(backends.gateSlots, log);

// ── 5. Jobs: a plain function per run (the library's `poll`, on the shared stack); cron is a table.
// A changed OASIS header is logged once, counted, and shown in /health until the expected one comes back.
const schemaDrift = new SchemaDriftTracker({ log, count: (d, kind) => metrics.schemaDrift(d, kind) });
const connector = serviceConnector(config, { oasis, backends, log, schemaDrift });
const scheduled: DatasetName[] = config.jobs.enabled ? [...config.datasets] : [];
const peak = config.jobs.peak;
const jobs = new JobRunner({
  schedules: Object.fromEntries(scheduled.map((d) => [d, config.jobs.schedules[d]])),
  peak,
  breaker: () => oasis.client.breakerState,
  log,
  followUpMs: config.jobs.followUpMs,
  followUpLimitMs: config.jobs.followUpLimitMs,
  onArrival: (dataset, lateMs) => metrics.intervalArrived(dataset, lateMs),
  poll: async (dataset, now, signal) => {
    const summary = await connector.poll(dataset, now, signal);
    metrics.rowsIngested(dataset, summary.rows);
    if (summary.range !== null && summary.outcome !== "locked") {
      metrics.missingIntervals(dataset, summary.missing);
    }
    return summary;
  },
});
const cronStop = new AbortController();
// With peak polling a real-time dataset has a second, off-peak cron; `tick` acts on each in its part of the day.
for (const dataset of scheduled) {
  for (const cron of pollCrons(dataset, config.jobs.schedules[dataset], peak)) {
    Deno.cron(cron.name, cron.schedule, { signal: cronStop.signal }, async () => {
      await jobs.tick(cron);
    });
  }
}
// CAISO's price corrections (PRC_CORR_GRP) once a day: corrected market days are fetched again as revisions.
if (config.jobs.enabled && config.jobs.correctionDays > 0) {
  Deno.cron("price_corrections", config.jobs.correctionSchedule, { signal: cronStop.signal }, async () => {
    try {
      const run = await connector.priceCorrections(new Date(), cronStop.signal);
      metrics.priceCorrectionRun(run.outcome, run.revised);
    } catch (error) {
      log("error", "price correction run failed", { error: String(error) });
    }
  });
}

// ── 6. HTTP: REST API, WebSocket fan-out, dashboard, /health, /metrics (routes/, src/server.ts).
// The Redis coordination reports whether Redis answers (its local mirror serves meanwhile); KV has no mirror.
const coordinationHealth = () => {
  const c = backends.coordination;
  return c instanceof FailoverCoordination
    ? { kind: c.kind, reachable: c.reachable, fallbacks: c.fallbacks }
    : undefined;
};
metrics.watch({
  bronze: () => bronze.metrics,
  breaker: () => oasis.client.breakerState,
  gate: () => oasis.gate.stats,
  coordination: coordinationHealth,
});
// Bronze counts as reachable unless sends have been failing with nothing acknowledged since the last check
// (or the outbox is full).
let lastSends = { published: 0, failures: 0, reachable: true };
function bronzeReachable(): boolean {
  const m = bronze.metrics;
  if (m.sendFailures > lastSends.failures) {
    lastSends = {
      published: m.published,
      failures: m.sendFailures,
      reachable: m.published > lastSends.published,
    };
  } else if (m.published > lastSends.published) {
    lastSends = { published: m.published, failures: m.sendFailures, reachable: true };
  }
  return lastSends.reachable && bronze.outbox.depth < config.bronze.outbox.maxRows;
}
// Arbitrage figures (up to a second of DP each) are computed in a worker with a deadline, never on the
// thread that serves HTTP, WebSocket and cron.
const analytics = new AnalyticsPool({ deadlineMs: config.analytics.deadlineMs });
metrics.watch({ analytics: () => analytics });
const http = await startHttpServer({
  config,
  store,
  metrics,
  log,
  analytics,
  health: () => ({
    ...jobs.report(),
    // The kind only: /health is unauthenticated, and names.bronze shows directories and brokers.
    bronze: {
      sink: config.bronze.kafka ? "kafka" : "ndjson",
      reachable: bronzeReachable(),
      outboxDepth: bronze.outbox.depth,
      ...bronze.kafkaClient && { kafkaClient: bronze.kafkaClient },
    },
    gate: oasis.gate.stats,
    coordination: coordinationHealth(),
    schema: schemaDrift.drifted,
  }),
  extraRoutes: createServiceRoutes({
    analytics,
    store,
    nodes: config.nodes,
    datasets: config.datasets,
    retentionDays: config.store.retentionDays,
    coordination: backends.coordination,
  }),
});
log("info", "oasis-stream started", {
  url: http.url,
  dashboard: `${http.url}/`,
  oasis: config.oasis.baseUrl,
  store: backends.names.store,
  coordination: backends.names.coordination,
  bronze: backends.names.bronze,
  configFile: config.service.configFile,
  datasets: config.datasets,
  schedules: Object.fromEntries(
    scheduled.map((d) => [d, describeSchedule(d, config.jobs.schedules[d], peak)]),
  ),
  peakPolling: peak.enabled,
  jobsEnabled: config.jobs.enabled,
});

// ── 7. Every job runs once at start, so the dashboard has data before the first tick. Meanwhile /health
// judges each market by the watermark it had (Redis or JOBS_KV_PATH), not as missing.
for (const dataset of scheduled) {
  jobs.noteWatermark(dataset, await backends.coordination.watermark(dataset).catch(() => null));
}
for (const dataset of scheduled) void jobs.run(dataset);

// ── 8. Ordered shutdown.
let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log("info", "shutting down", { signal });
  const guard = setTimeout(() => {
    log("error", "shutdown took too long; exiting", { signal });
    Deno.exit(1);
  }, config.bronze.shutdownTimeoutMs + 20_000);
  Deno.unrefTimer(guard);
  cronStop.abort();
  await jobs.stop();
  log("info", "shutdown: cron stopped");
  await http.shutdown(); // closes the analytics worker first: computations in flight answer 503 at once
  log("info", "shutdown: http stopped");
  await webhooks?.close();
  const left = await backends.closeBronze();
  log(left > 0 ? "warn" : "info", "shutdown: producer and outbox flushed", { rowsLeftInOutbox: left });
  await backends.closeStore();
  oasis.close();
  log("info", "shutdown: store closed");
  log("info", "stopped", { signal });
  await logging.close();
  clearTimeout(guard);
  Deno.exit(0);
}
Deno.addSignalListener("SIGINT", () => void shutdown("SIGINT"));
Deno.addSignalListener("SIGTERM", () => void shutdown("SIGTERM"));
