/**
 * `openService(config)`: the one place that builds what every entry point runs on — the hot store, the job
 * coordination and the OASIS request gate's shared slots, Bronze publishing (outbox, sink, drainer), then
 * the OASIS request stack whose gate reserves its starts in those shared slots from the first request, and
 * the schema-drift tracker. The service (`main.ts`), the backfill CLI and the library connector all open
 * it; nothing is changed after construction. `close()` runs in reverse order: Bronze drains (within
 * `BRONZE_SHUTDOWN_TIMEOUT_MS`) and closes, then the store and the coordination, then the OASIS workers.
 *
 * @module
 */
import type { Config } from "./config.ts";
import { coordinationHealth, createHealthSource, type HealthReport } from "./live/health_report.ts";
import type { JobRunner } from "./jobs/job_runner.ts";
import { describeSchedule } from "./jobs/peak_window.ts";
import type { Bronze } from "./bronze/bronze_service.ts";
import { openBackends } from "./service/backends.ts";
import type { DeliveryDeps } from "./jobs/deliver.ts";
import { type DriftKind, SchemaDriftTracker } from "./jobs/schema_drift.ts";
import { type Log, silentLog } from "./log.ts";
import type { DatasetName } from "./oasis/datasets.ts";
import type { OasisRequestEvent } from "./oasis/client.ts";
import { createOasisStack, type OasisStack } from "./service/oasis_stack.ts";
import type { Coordination } from "./coordination/coordination.ts";
import type { PriceStore } from "./store/store.ts";

/** What `openService` takes besides configuration. */
export interface ServiceOptions {
  /** Structured log (default: silent). */
  readonly log?: Log;
  /** The Bronze outbox's Deno KV file (default `BRONZE_OUTBOX_PATH`; the backfill CLI has its own). */
  readonly outboxPath?: string;
  /** `fetch` for OASIS requests, on this thread (default: the sender worker's own). */
  readonly fetch?: typeof fetch;
  /** Hears every OASIS request attempt (logs and metrics). */
  readonly onRequest?: (event: OasisRequestEvent) => void;
  /** Hears each new kind of report-column change (the metric). */
  readonly onSchemaDrift?: (dataset: DatasetName, kind: DriftKind) => void;
  /** Clock for the drift tracker (default `new Date()`). */
  readonly now?: () => Date;
}

/** Everything opened, each built once; `close()` in reverse order of opening. */
export interface Service {
  readonly config: Config;
  readonly log: Log;
  readonly store: PriceStore;
  readonly coordination: Coordination;
  readonly bronze: Bronze;
  readonly oasis: OasisStack;
  readonly schemaDrift: SchemaDriftTracker;
  /** What a job needs to deliver an answer: Bronze's publisher, the store, the coordination, the tracker. */
  readonly deliver: DeliveryDeps;
  /** What each part is connected to (passwords hidden), for the start-up log. */
  readonly names: { readonly store: string; readonly coordination: string; readonly bronze: string };
  /** Drains and closes Bronze, then the store and coordination, then the OASIS workers; rows left in the outbox. */
  close(): Promise<number>;
}

/** Opens the store, coordination and Bronze, then the OASIS stack sharing the gate's slots; see the module. */
export async function openService(config: Config, options: ServiceOptions = {}): Promise<Service> {
  const log = options.log ?? silentLog;
  const backends = await openBackends(config, {
    outboxPath: options.outboxPath ?? config.bronze.outbox.path,
    log,
  });
  // Every process on this Redis (or JOBS_KV_PATH) spaces its OASIS requests together: service instances,
  // the backfill CLI and library users.
  const oasis = createOasisStack(config.oasis, {
    fetch: options.fetch,
    onRequest: options.onRequest,
    shared: { slots: backends.gateSlots, log },
  });
  const schemaDrift = new SchemaDriftTracker({ log, count: options.onSchemaDrift, now: options.now });
  const { store, coordination, bronze } = backends;
  let closed: Promise<number> | null = null;
  return {
    config,
    log,
    store,
    coordination,
    bronze,
    oasis,
    schemaDrift,
    deliver: { publisher: bronze.publisher, store, coordination, schema: schemaDrift },
    names: backends.names,
    close: () =>
      closed ??= (async () => {
        try {
          const left = await backends.closeBronze();
          log(left > 0 ? "warn" : "info", "shutdown: producer and outbox flushed", {
            rowsLeftInOutbox: left,
          });
          await backends.closeStore();
          return left;
        } finally {
          oasis.close();
          log("info", "shutdown: store closed");
        }
      })(),
  };
}

/** The service's `/health` report: its runs, Bronze, the OASIS gate, the coordination and report schemas. */
export function serviceHealth(service: Service, jobs: Pick<JobRunner, "report">): () => HealthReport {
  return createHealthSource({
    jobs: () => jobs.report(),
    bronze: service.bronze,
    sink: service.config.bronze.kafka ? "kafka" : "ndjson",
    outboxMaxRows: service.config.bronze.outbox.maxRows,
    gate: () => service.oasis.gate.stats,
    coordination: service.coordination,
    schema: service.schemaDrift,
  });
}

/** What `/metrics` reads of the service at scrape time (`Metrics.watch`). */
export function serviceGauges(service: Service) {
  return {
    bronze: () => service.bronze.metrics,
    breaker: () => service.oasis.client.breakerState,
    gate: () => service.oasis.gate.stats,
    coordination: () => coordinationHealth(service.coordination),
  };
}

/** What the service runs and is connected to, for the start-up log line (passwords hidden). */
export function serviceNames(service: Service): Record<string, unknown> {
  const { config } = service;
  const { jobs } = config;
  const scheduled = jobs.enabled ? config.datasets : [];
  return {
    oasis: config.oasis.baseUrl,
    ...service.names,
    configFile: config.service.configFile,
    datasets: config.datasets,
    schedules: Object.fromEntries(
      scheduled.map((d) => [d, describeSchedule(d, jobs.schedules[d], jobs.peak)]),
    ),
    peakPolling: jobs.peak.enabled,
    jobsEnabled: jobs.enabled,
  };
}
