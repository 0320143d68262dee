/**
 * `GET /health`: what the composition root reports (Bronze sink, breaker, per-dataset runs) joined with what
 * the server sees itself (store reachability, WebSocket clients), and the verdict. The service is ready when
 * the hot store and the Bronze sink are reachable; an open OASIS breaker, job coordination on its local
 * mirror (Redis down), an OASIS gate spacing only locally, an OASIS report whose columns changed (`schema`),
 * or a market (RT, FMM, DA) whose newest price is stale or missing (`freshness.ts`, judged for the markets
 * whose dataset is polled) makes it `degraded` but still ready (it serves what it has and polling goes on);
 * not ready answers 503. `createHealthSource` assembles the composition root's part from the opened
 * service and the job runner, so readiness is decided in this one module.
 *
 * @module
 */
import type { BreakerState } from "../oasis/client.ts";
import type { GateStats } from "../oasis/gate.ts";
import type { SchemaDrift } from "../oasis/report_columns.ts";
import type { StoreStats } from "../store/store.ts";
import type { BronzeMetrics } from "../bronze/metrics.ts";
import { type FreshMarket, type MarketFreshness, marketsOf } from "./freshness.ts";

/** One dataset's polling, as the composition root tracks it. */
export interface DatasetHealth {
  /** When a poll last finished without failures, ISO-8601, or null. */
  readonly lastSuccess: string | null;
  /** When a poll last finished, ISO-8601, or null. */
  readonly lastRun?: string | null;
  /** Start of the newest interval received, ISO-8601, or null. */
  readonly newestInterval: string | null;
  /** The last failure's message, if the last run had one. */
  readonly lastError?: string | null;
  /** When the retry of a failed run is due, ISO-8601; absent without one. */
  readonly nextRetryAt?: string;
}

/** What the composition root knows, passed to `startHttpServer` as `health: () => HealthReport`. */
export interface HealthReport {
  /** The Bronze sink: kind, reachability (last send succeeded) and outbox depth. */
  readonly bronze?: {
    readonly sink: string;
    readonly reachable: boolean;
    readonly outboxDepth: number;
    readonly detail?: string;
    /** The Kafka library producing (`kafkajs` or `librdkafka`) and why, as `KAFKA_CLIENT` resolved. */
    readonly kafkaClient?: { readonly client: string; readonly reason: string };
  };
  /** The OASIS client's circuit breaker. */
  readonly breaker?: BreakerState;
  /** Per dataset. */
  readonly datasets?: Readonly<Record<string, DatasetHealth>>;
  /** The OASIS request gate: shared across processes, or spacing locally after the shared store failed. */
  readonly gate?: GateStats;
  /** The job coordination (watermarks, locks, digests): Redis, or its local mirror while Redis is down. */
  readonly coordination?: CoordinationHealth;
  /** Reports whose last answer had other columns than expected (`jobs/schema_drift.ts`). */
  readonly schema?: readonly SchemaDrift[];
}

/** The job coordination's state. */
export interface CoordinationHealth {
  /** Backend kind. */
  readonly kind: string;
  /** False while Redis is unreachable and the local mirror answers. */
  readonly reachable: boolean;
  /** Calls the local mirror answered because Redis failed. */
  readonly fallbacks: number;
}

/** The body of `GET /health`. */
export interface HealthBody {
  readonly status: "ok" | "degraded" | "unavailable";
  readonly live: true;
  readonly ready: boolean;
  readonly time: string;
  readonly uptime_s: number;
  readonly checks: {
    readonly store: { readonly ok: boolean; readonly backend: string; readonly failed_writes: number };
    readonly bronze: HealthReport["bronze"] & { readonly ok: boolean } | { readonly ok: boolean };
    readonly oasis: {
      readonly ok: boolean;
      readonly breaker: BreakerState | "unknown";
      readonly gate?: GateStats;
    };
    readonly coordination?: CoordinationHealth & { readonly ok: boolean };
    readonly schema?: { readonly ok: boolean; readonly drifted: readonly SchemaDrift[] };
    readonly websocket: { readonly ok: true; readonly clients: number; readonly max: number };
  };
  readonly datasets: Readonly<Record<string, DatasetHealth>>;
  /** Freshness of each market whose dataset is polled. */
  readonly markets: Readonly<Partial<Record<FreshMarket, MarketFreshness>>>;
}

/** What `judgeHealth` joins. */
export interface HealthInputs {
  readonly report: HealthReport | null;
  /** Why the report could not be had, when `report` is null. */
  readonly reportError?: string;
  readonly store: StoreStats;
  readonly clients: number;
  readonly maxClients: number;
  readonly now: Date;
  readonly startedAt: Date;
}

/** The health body and its verdict. */
export function judgeHealth(inputs: HealthInputs): HealthBody {
  const { report, store } = inputs;
  const bronze = report?.bronze;
  const bronzeOk = report !== null && (bronze?.reachable ?? true);
  const breaker = report?.breaker ?? "unknown";
  const ready = store.connected && bronzeOk;
  const coordination = report?.coordination;
  // Polling goes on without Redis coordination or a shared gate, but several instances no longer coordinate.
  const markets = marketsOf(report?.datasets ?? {}, inputs.now);
  const dataLacking = Object.values(markets).some((m) => m.status !== "fresh");
  const degraded = breaker === "open" || breaker === "half-open" || coordination?.reachable === false ||
    report?.gate?.state === "local" || dataLacking || (report?.schema?.length ?? 0) > 0;
  return {
    status: !ready ? "unavailable" : degraded ? "degraded" : "ok",
    live: true,
    ready,
    time: inputs.now.toISOString(),
    uptime_s: Math.max(0, Math.round((inputs.now.getTime() - inputs.startedAt.getTime()) / 1000)),
    checks: {
      store: { ok: store.connected, backend: store.backend, failed_writes: store.failedWrites },
      bronze: report === null
        ? { ok: false, detail: inputs.reportError ?? "no report" }
        : bronze === undefined
        ? { ok: true }
        : { ...bronze, ok: bronze.reachable },
      oasis: { ok: breaker !== "open", breaker, ...(report?.gate ? { gate: report.gate } : {}) },
      websocket: { ok: true, clients: inputs.clients, max: inputs.maxClients },
      ...(coordination ? { coordination: { ...coordination, ok: coordination.reachable } } : {}),
      ...(report?.schema ? { schema: { ok: report.schema.length === 0, drifted: report.schema } } : {}),
    },
    datasets: report?.datasets ?? {},
    markets,
  };
}

/** What `createHealthSource` reads: narrow views of the service's parts and the job runner. */
export interface HealthSources {
  /** Per-dataset runs and the breaker (`JobRunner.report()`). */
  readonly jobs: () => Pick<HealthReport, "breaker" | "datasets">;
  readonly bronze: {
    readonly metrics: Pick<BronzeMetrics, "published" | "sendFailures">;
    readonly outbox: { readonly depth: number };
    readonly kafkaClient: { readonly client: string; readonly reason: string } | null;
  };
  /** Kafka or NDJSON: the kind only (`/health` is unauthenticated; names show brokers and directories). */
  readonly sink: "kafka" | "ndjson";
  /** Outbox rows past which Bronze counts as unreachable (`BRONZE_OUTBOX_MAX_ROWS`). */
  readonly outboxMaxRows: number;
  readonly gate: () => GateStats;
  /** The job coordination; a Redis one with a local mirror tells whether Redis answers. */
  readonly coordination: { readonly kind: string; readonly reachable?: boolean; readonly fallbacks?: number };
  readonly schema: { readonly drifted: readonly SchemaDrift[] };
}

/** The coordination's state for `/health` and `/metrics`: only a coordination with a mirror has one. */
export function coordinationHealth(c: HealthSources["coordination"]): CoordinationHealth | undefined {
  return c.reachable === undefined
    ? undefined
    : { kind: c.kind, reachable: c.reachable, fallbacks: c.fallbacks ?? 0 };
}

/**
 * The composition root's `health()`: Bronze counts as reachable unless sends have been failing with
 * nothing acknowledged since the last check (or the outbox is full).
 */
export function createHealthSource(sources: HealthSources): () => HealthReport {
  let last = { published: 0, failures: 0, reachable: true };
  const bronzeReachable = (): boolean => {
    const m = sources.bronze.metrics;
    if (m.sendFailures > last.failures) {
      last = { published: m.published, failures: m.sendFailures, reachable: m.published > last.published };
    } else if (m.published > last.published) {
      last = { published: m.published, failures: m.sendFailures, reachable: true };
    }
    return last.reachable && sources.bronze.outbox.depth < sources.outboxMaxRows;
  };
  return () => {
    const kafkaClient = sources.bronze.kafkaClient;
    return {
      ...sources.jobs(),
      bronze: {
        sink: sources.sink,
        reachable: bronzeReachable(),
        outboxDepth: sources.bronze.outbox.depth,
        ...kafkaClient && { kafkaClient },
      },
      gate: sources.gate(),
      coordination: coordinationHealth(sources.coordination),
      schema: sources.schema.drifted,
    };
  };
}
