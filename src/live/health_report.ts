/**
 * `GET /health`: what the composition root reports (Bronze sink, breaker, per-dataset runs) joined with what
 * the server sees itself (store reachability, WebSocket clients), and the verdict. The service is ready when
 * the hot store and the Bronze sink are reachable; an open OASIS breaker or stale data makes it `degraded`
 * but still ready (it serves what it has); not ready answers 503.
 *
 * @module
 */
import type { BreakerState } from "../oasis/client.ts";
import type { StoreStats } from "../store/store.ts";

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
}

/** What the composition root knows, passed to `startHttpServer` as `health: () => HealthReport`. */
export interface HealthReport {
  /** The Bronze sink: kind, reachability (last send succeeded) and outbox depth. */
  readonly bronze?: {
    readonly sink: string;
    readonly reachable: boolean;
    readonly outboxDepth: number;
    readonly detail?: string;
  };
  /** The OASIS client's circuit breaker. */
  readonly breaker?: BreakerState;
  /** Per dataset. */
  readonly datasets?: Readonly<Record<string, DatasetHealth>>;
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
    readonly oasis: { readonly ok: boolean; readonly breaker: BreakerState | "unknown" };
    readonly websocket: { readonly ok: true; readonly clients: number; readonly max: number };
  };
  readonly datasets: Readonly<Record<string, DatasetHealth>>;
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
  const degraded = breaker === "open" || breaker === "half-open";
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
      oasis: { ok: breaker !== "open", breaker },
      websocket: { ok: true, clients: inputs.clients, max: inputs.maxClients },
    },
    datasets: report?.datasets ?? {},
  };
}
