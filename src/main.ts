/**
 * Composition root: configuration → logs and metrics → `openService` (store, coordination, Bronze, OASIS
 * stack) → job runner and the `Deno.cron` table → HTTP → one immediate run per dataset → ordered shutdown on
 * SIGINT/SIGTERM (cron and running polls, HTTP, webhooks, then the service: Bronze, store, OASIS workers).
 * Nothing imports this file.
 *
 * @module
 */
import { AnalyticsPool } from "./analytics/analytics_pool.ts";
import { startAlertWebhooks } from "./alerts/alert_webhooks.ts";
import { ConfigError, readConfig } from "./config.ts";
import { pollCrons } from "./jobs/peak_window.ts";
import { correctPricesOnce, createJobRunner } from "./jobs/service_runs.ts";
import { setupLogging } from "./log.ts";
import { createMetrics } from "./metrics/metrics.ts";
import { createOasisRequestLog } from "./service/oasis_request_log.ts";
import { startHttpServer } from "./server.ts";
import { openService, serviceGauges, serviceHealth, serviceNames } from "./service.ts";

if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
  console.log(
    "Usage: deno task start\n\nRuns the service: one poll job per dataset, the API, WebSocket and dashboard on " +
      "http://localhost:$PORT/ (8000).\nSettings are environment variables (or CONFIG_FILE=oasis.yaml): see " +
      "docs/configuration.md.",
  );
  Deno.exit(0);
}
// A bad setting: a message naming it, exit code 2. A backend that cannot be opened: exit code 1.
const config = await readConfig(Deno.env.toObject()).catch((e) => {
  console.error(e instanceof ConfigError ? e.message : `Cannot start: ${(e as Error).message}`);
  Deno.exit(2);
});
const logging = await setupLogging({ service: config.service.name, level: config.service.logLevel });
const log = logging.log;
const metrics = createMetrics();
const logRequest = createOasisRequestLog(log); // without an answer, the cause is logged once per outage
const service = await openService(config, {
  log,
  onRequest: (e) => (metrics.oasisRequest(e), logRequest(e)),
  onSchemaDrift: (dataset, kind) => metrics.schemaDrift(dataset, kind),
}).catch(async (e) => {
  log("error", "cannot start: a backend is not available", { error: (e as Error).message });
  await logging.close();
  return Deno.exit(1);
});
const { store, coordination } = service;
const webhooks = startAlertWebhooks({
  config: config.webhooks,
  store,
  metrics,
  log: (m, f) => log("warn", m, f),
});

// Jobs: a plain function per run; cron is a table (a real-time dataset has an off-peak cron with peak polling).
const { peak, schedules } = config.jobs;
const scheduled = config.jobs.enabled ? [...config.datasets] : [];
const jobs = createJobRunner(service, metrics);
const cronStop = new AbortController();
const cron = (name: string, schedule: string, run: () => Promise<void>) =>
  Deno.cron(name, schedule, { signal: cronStop.signal }, run);
for (const dataset of scheduled) {
  for (const c of pollCrons(dataset, schedules[dataset], peak)) {
    cron(c.name, c.schedule, async () => void await jobs.tick(c));
  }
}
if (config.jobs.enabled && config.jobs.correctionDays > 0) {
  cron("price_corrections", config.jobs.correctionSchedule, async () => {
    const run = await correctPricesOnce(service, new Date(), cronStop.signal).catch((error) => {
      log("error", "price correction run failed", { error: String(error) });
    });
    if (run) metrics.priceCorrectionRun(run.outcome, run.revised);
  });
}

// HTTP: REST API, WebSocket fan-out, dashboard, /health, /metrics. Arbitrage runs in a worker with a deadline.
const analytics = new AnalyticsPool({ deadlineMs: config.analytics.deadlineMs });
metrics.watch({ ...serviceGauges(service), analytics: () => analytics });
const { nodes, datasets, store: { retentionDays } } = config;
const http = await startHttpServer({
  config,
  store,
  metrics,
  log,
  analytics,
  health: serviceHealth(service, jobs),
  service: { analytics, nodes, datasets, retentionDays, coordination },
});
log("info", "oasis-stream started", { url: http.url, dashboard: `${http.url}/`, ...serviceNames(service) });

// Every job runs once at start; meanwhile /health judges each market by the watermark it had.
for (const d of scheduled) jobs.noteWatermark(d, await coordination.watermark(d).catch(() => null));
for (const d of scheduled) void jobs.run(d);

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
  await service.close(); // Bronze drained and closed, then the store, then the OASIS workers
  log("info", "stopped", { signal });
  await logging.close();
  clearTimeout(guard);
  Deno.exit(0);
}
Deno.addSignalListener("SIGINT", () => void shutdown("SIGINT"));
Deno.addSignalListener("SIGTERM", () => void shutdown("SIGTERM"));
