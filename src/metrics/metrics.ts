/**
 * The service's Prometheus metrics on a registry of its own (prom-client; no global state, so tests build as
 * many as they like). Code that sees an event calls a method of `Metrics` (`oasisRequest`, `rowsIngested`,
 * the WebSocket counters); values other parts already count (the store's stats, the Bronze counters, the
 * breaker) are read at scrape time through `watch()`.
 *
 * @module
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { AlertEvent } from "../analytics/alerts.ts";
import { WEBHOOK_OUTCOMES, type WebhookOutcome } from "../alerts/alert_webhooks.ts";
import type { DatasetName } from "../oasis/datasets.ts";
import type { DriftKind } from "../jobs/schema_drift.ts";
import type { BronzeMetrics } from "../bronze/metrics.ts";
import type { BreakerState, OasisRequestEvent } from "../oasis/client.ts";
import type { GateStats } from "../oasis/gate.ts";
import type { StoreStats } from "../store/store.ts";

/** Values read at scrape time; each source is optional. */
export interface MetricSources {
  readonly store?: () => StoreStats;
  readonly bronze?: () => BronzeMetrics;
  readonly breaker?: () => BreakerState;
  readonly gate?: () => GateStats;
  /** The job coordination's Redis reachability, or undefined when it has no local mirror (Deno KV). */
  readonly coordination?: () => { readonly reachable: boolean; readonly fallbacks: number } | undefined;
  /** The arbitrage routes' analytics worker: workers terminated past a deadline or after a crash. */
  readonly analytics?: () => { readonly replaced: number };
}

/** Why a WebSocket client was closed by the server. */
export type WsDropReason = "slow" | "heartbeat" | "rate_limit" | "too_big";

/** Why a WebSocket upgrade was refused. */
export type WsRejectReason = "max_connections" | "max_per_ip" | "unauthorized" | "origin" | "bad_request";

const BREAKER_STATES: readonly BreakerState[] = ["closed", "open", "half-open"];

/** The `method` label values of `http_requests_total`; any other method is counted as `other`. */
export const HTTP_METHODS: ReadonlySet<string> = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "CONNECT",
  "TRACE",
]);

/** Every metric of the service, registered on `registry`. */
export class Metrics {
  /** The registry `GET /metrics` renders. */
  readonly registry: Registry = new Registry();
  #sources: MetricSources = {};
  readonly #oasisRequests: Counter<"outcome">;
  readonly #oasisDuration: Histogram<"outcome">;
  readonly #rows: Counter<"dataset">;
  readonly #missing: Gauge<"dataset">;
  readonly #arrival: Histogram<"dataset">;
  readonly #schemaDrift: Counter<"dataset" | "kind">;
  readonly #corrections: Counter<"outcome">;
  readonly #correctionRevisions: Counter;
  readonly #alerts: Counter<"kind" | "event">;
  readonly #webhooks: Counter<"outcome">;
  readonly #wsClients: Gauge;
  readonly #wsConnections: Counter;
  readonly #wsRejected: Counter<"reason">;
  readonly #wsSent: Counter<"type">;
  readonly #wsDropped: Counter<"reason">;
  readonly #wsClientsDropped: Counter<"reason">;
  readonly #wsBadFrames: Counter;
  readonly #wsBroadcast: Histogram;
  readonly #http: Counter<"method" | "route" | "status">;

  /** Registers every metric on a fresh registry. */
  constructor() {
    const registers = [this.registry];
    const sources = () => this.#sources;
    this.#oasisRequests = new Counter({
      name: "oasis_requests_total",
      help: "OASIS request attempts by outcome",
      labelNames: ["outcome"],
      registers,
    });
    this.#oasisDuration = new Histogram({
      name: "oasis_request_duration_seconds",
      help: "OASIS request attempt duration, after the rate gate",
      labelNames: ["outcome"],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.#rows = new Counter({
      name: "ingest_rows_total",
      help: "Rows parsed from OASIS answers, by dataset",
      labelNames: ["dataset"],
      registers,
    });
    this.#arrival = new Histogram({
      name: "oasis_publication_latency_seconds",
      help: "Seconds from a real-time interval's end until a poll first had it (OASIS publication delay " +
        "plus polling delay), by dataset",
      labelNames: ["dataset"],
      buckets: [5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 1800],
      registers,
    });
    this.#missing = new Gauge({
      name: "ingest_missing_intervals",
      help: "Node-intervals (ended, within the last poll's range) that OASIS answers lacked, by dataset; " +
        "the watermark waits before the first",
      labelNames: ["dataset"],
      registers,
    });
    this.#schemaDrift = new Counter({
      name: "oasis_schema_drift_total",
      help: "OASIS CSV headers found changed (a new difference from the expected columns), by dataset and " +
        "kind: added, dropped or renamed columns",
      labelNames: ["dataset", "kind"],
      registers,
    });
    this.#corrections = new Counter({
      name: "price_correction_runs_total",
      help: "Runs of the daily price-correction job (PRC_CORR_GRP), by outcome: done, partial or locked",
      labelNames: ["outcome"],
      registers,
    });
    this.#correctionRevisions = new Counter({
      name: "price_correction_revisions_total",
      help: "Intervals whose value a CAISO price correction changed, published again as revisions",
      registers,
    });
    this.#alerts = new Counter({
      name: "alerts_total",
      help: "Price alerts raised or cleared, by kind and event",
      labelNames: ["kind", "event"],
      registers,
    });
    this.#webhooks = new Counter({
      name: "alert_webhook_deliveries_total",
      help: "Alert webhook deliveries by outcome: delivered, retried (one per retry), failed (given up), " +
        "dropped (queue full)",
      labelNames: ["outcome"],
      registers,
    });
    for (const outcome of WEBHOOK_OUTCOMES) this.#webhooks.inc({ outcome }, 0);
    this.#wsClients = new Gauge({ name: "ws_clients", help: "Connected WebSocket clients", registers });
    this.#wsConnections = new Counter({
      name: "ws_connections_total",
      help: "WebSocket connections accepted",
      registers,
    });
    this.#wsRejected = new Counter({
      name: "ws_connections_rejected_total",
      help: "WebSocket upgrades refused, by reason",
      labelNames: ["reason"],
      registers,
    });
    this.#wsSent = new Counter({
      name: "ws_messages_sent_total",
      help: "WebSocket messages sent, by message type",
      labelNames: ["type"],
      registers,
    });
    this.#wsDropped = new Counter({
      name: "ws_messages_dropped_total",
      help: "WebSocket messages not sent because the client was dropped, by reason",
      labelNames: ["reason"],
      registers,
    });
    this.#wsClientsDropped = new Counter({
      name: "ws_clients_dropped_total",
      help:
        "WebSocket clients closed by the server, by reason (slow: send buffer over limit; heartbeat: no frame or pong for two heartbeats; rate_limit: too many frames; too_big: frame too long)",
      labelNames: ["reason"],
      registers,
    });
    this.#wsBadFrames = new Counter({
      name: "ws_bad_frames_total",
      help: "WebSocket frames from clients answered with an error frame",
      registers,
    });
    this.#wsBroadcast = new Histogram({
      name: "ws_broadcast_seconds",
      help: "Time to hand one broadcast to every subscribed socket (serialization included)",
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.#http = new Counter({
      name: "http_requests_total",
      help: "HTTP requests by method, route pattern and status",
      labelNames: ["method", "route", "status"],
      registers,
    });
    new Gauge({
      name: "oasis_breaker_state",
      help: "OASIS circuit breaker state (1 for the current state)",
      labelNames: ["state"],
      registers,
      collect() {
        const state = sources().breaker?.();
        this.reset();
        if (state !== undefined) {
          for (const s of BREAKER_STATES) this.set({ state: s }, s === state ? 1 : 0);
        }
      },
    });
    const gauge = (
      name: string,
      help: string,
      label: "store" | "backend",
      read: () => { labels: Record<string, string>; value: number } | undefined,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: [label],
        registers,
        collect() {
          const v = read();
          this.reset();
          if (v) this.set(v.labels, v.value);
        },
      });
    const gate = () => {
      const g = sources().gate?.();
      return g?.shared ? g : undefined;
    };
    gauge(
      "oasis_gate_shared",
      "1 while OASIS request starts are reserved in slots every process shares, 0 while spaced locally",
      "store",
      () => {
        const g = gate();
        return g && { labels: { store: g.shared! }, value: g.state === "local" ? 0 : 1 };
      },
    );
    gauge(
      "oasis_gate_local_starts_total",
      "OASIS request starts spaced locally because the shared gate store failed or was slow",
      "store",
      () => {
        const g = gate();
        return g && { labels: { store: g.shared! }, value: g.fallbacks };
      },
    );
    gauge(
      "jobs_coordination_reachable",
      "1 while the job coordination's Redis answers, 0 while its local mirror answers",
      "backend",
      () => {
        const c = sources().coordination?.();
        return c && { labels: { backend: "redis" }, value: c.reachable ? 1 : 0 };
      },
    );
    gauge(
      "jobs_coordination_fallbacks_total",
      "Job coordination calls answered by the local mirror because Redis failed",
      "backend",
      () => {
        const c = sources().coordination?.();
        return c && { labels: { backend: "redis" }, value: c.fallbacks };
      },
    );
    this.#storeMetrics(registers, sources);
    this.#bronzeMetrics(registers, sources);
    counterFrom(
      registers,
      "analytics_workers_replaced_total",
      "Analytics workers terminated because a computation passed ANALYTICS_DEADLINE_MS (or crashed)",
      () => sources().analytics?.().replaced,
    );
    new Gauge({
      name: "process_resident_memory_bytes",
      help: "Resident memory of the process",
      registers,
      collect() {
        this.set(Deno.memoryUsage().rss);
      },
    });
  }

  #storeMetrics(registers: Registry[], sources: () => MetricSources): void {
    const stat = <T>(read: (s: StoreStats) => T) => {
      const store = sources().store;
      return store === undefined ? undefined : read(store());
    };
    new Gauge({
      name: "store_connected",
      help: "Whether the hot store backend is reachable (1) or not (0)",
      labelNames: ["backend"],
      registers,
      collect() {
        this.reset();
        const s = stat((s) => s);
        if (s !== undefined) this.set({ backend: s.backend }, s.connected ? 1 : 0);
      },
    });
    counterFrom(
      registers,
      "store_ingests_total",
      "Polls ingested by the hot store",
      () => stat((s) => s.ingests),
    );
    counterFrom(
      registers,
      "store_failed_writes_total",
      "Write batches the hot store backend rejected or could not receive",
      () => stat((s) => s.failedWrites),
    );
    new Counter({
      name: "store_skipped_rows_total",
      help: "Rows the hot store skipped, by reason",
      labelNames: ["reason"],
      registers,
      collect() {
        this.reset();
        for (const [reason, n] of Object.entries(stat((s) => s.skippedRows) ?? {})) this.inc({ reason }, n);
      },
    });
  }

  #bronzeMetrics(registers: Registry[], sources: () => MetricSources): void {
    const b = <T>(read: (m: BronzeMetrics) => T) => {
      const bronze = sources().bronze;
      return bronze === undefined ? undefined : read(bronze());
    };
    counterFrom(
      registers,
      "bronze_rows_accepted_total",
      "Valid envelopes committed to the outbox",
      () => b((m) => m.accepted),
    );
    counterFrom(
      registers,
      "bronze_dead_letters_total",
      "Dead-letter records committed to the outbox",
      () => b((m) => m.dlq),
    );
    counterFrom(
      registers,
      "bronze_messages_published_total",
      "Messages acknowledged by the Bronze sink",
      () => b((m) => m.published),
    );
    counterFrom(
      registers,
      "bronze_outbox_rejected_total",
      "Rows refused because the outbox was full",
      () => b((m) => m.outboxRejected),
    );
    counterFrom(
      registers,
      "bronze_send_failures_total",
      "Failed Bronze sink sends (each is retried)",
      () => b((m) => m.sendFailures),
    );
    counterFrom(
      registers,
      "bronze_publish_latency_seconds_total",
      "Sum of publish latencies (outbox commit to acknowledgement) of acknowledged batches",
      () => b((m) => m.publishLatencySumMs / 1000),
    );
    counterFrom(
      registers,
      "bronze_publish_batches_total",
      "Batches acknowledged by the Bronze sink",
      () => b((m) => m.publishLatencyCount),
    );
    gaugeFrom(
      registers,
      "bronze_outbox_depth",
      "Messages waiting in the Bronze outbox",
      () => b((m) => m.outboxDepth),
    );
    gaugeFrom(
      registers,
      "bronze_publish_latency_seconds",
      "Publish latency of the last acknowledged batch, outbox commit to acknowledgement",
      () => b((m) => m.publishLatencyLastMs / 1000),
    );
  }

  /** Reads these sources at every scrape (replacing the ones given before, key by key). */
  watch(sources: MetricSources): this {
    this.#sources = { ...this.#sources, ...sources };
    return this;
  }

  /** Counts one OASIS request attempt; pass it as the client's `onRequest`. */
  oasisRequest(event: OasisRequestEvent): void {
    this.#oasisRequests.inc({ outcome: event.outcome });
    if (event.durationMs > 0) {
      this.#oasisDuration.observe({ outcome: event.outcome }, event.durationMs / 1000);
    }
  }

  /** Counts rows parsed for `dataset`. */
  rowsIngested(dataset: string, rows: number): void {
    this.#rows.inc({ dataset }, rows);
  }

  /** Sets the node-intervals the last poll of `dataset` found missing. */
  missingIntervals(dataset: DatasetName, count: number): void {
    this.#missing.set({ dataset }, count);
  }

  /** Records how long after its end the newest interval of `dataset` first reached this service. */
  intervalArrived(dataset: DatasetName, lateMs: number): void {
    this.#arrival.observe({ dataset }, lateMs / 1000);
  }

  /** Counts one new header difference of `dataset` showing columns of `kind`. */
  schemaDrift(dataset: DatasetName, kind: DriftKind): void {
    this.#schemaDrift.inc({ dataset, kind });
  }

  /** Counts one alert webhook delivery outcome. */
  webhookDelivery(outcome: WebhookOutcome): void {
    this.#webhooks.inc({ outcome });
  }

  /** Counts one run of the price-correction job and the intervals it revised. */
  priceCorrectionRun(outcome: "done" | "partial" | "locked", revised: number): void {
    this.#corrections.inc({ outcome });
    this.#correctionRevisions.inc(revised);
  }

  /** Counts one alert event. */
  alert(alert: Pick<AlertEvent, "kind" | "event">): void {
    this.#alerts.inc({ kind: alert.kind, event: alert.event });
  }

  /** Sets the number of connected WebSocket clients. */
  wsClients(n: number): void {
    this.#wsClients.set(n);
  }

  /** Counts an accepted WebSocket connection. */
  wsConnected(): void {
    this.#wsConnections.inc();
  }

  /** Counts a refused WebSocket upgrade. */
  wsRejected(reason: WsRejectReason): void {
    this.#wsRejected.inc({ reason });
  }

  /** Counts `n` messages of `type` handed to sockets, and how long the broadcast took. */
  wsSent(type: string, n: number, seconds?: number): void {
    if (n > 0) this.#wsSent.inc({ type }, n);
    if (seconds !== undefined) this.#wsBroadcast.observe(seconds);
  }

  /** Counts a client the server closed and the message it did not get. */
  wsClientDropped(reason: WsDropReason, messagesLost = 0): void {
    this.#wsClientsDropped.inc({ reason });
    if (messagesLost > 0) this.#wsDropped.inc({ reason }, messagesLost);
  }

  /** Counts a client frame answered with an error frame. */
  wsBadFrame(): void {
    this.#wsBadFrames.inc();
  }

  /**
   * Counts one HTTP response. `route` must be a registered route pattern or `unmatched`; a method outside
   * `HTTP_METHODS` and a status outside 100–599 are counted as `other`, so no client adds a series.
   */
  httpRequest(method: string, route: string, status: number): void {
    const m = HTTP_METHODS.has(method) ? method : "other";
    const s = Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : "other";
    this.#http.inc({ method: m, route, status: s });
  }

  /** The registry in the Prometheus text format. */
  async text(): Promise<string> {
    return await this.registry.metrics();
  }

  /** Content type of `text()`. */
  get contentType(): string {
    return this.registry.contentType;
  }
}

function counterFrom(
  registers: Registry[],
  name: string,
  help: string,
  read: () => number | undefined,
): void {
  new Counter({
    name,
    help,
    registers,
    collect() {
      const v = read();
      this.reset();
      if (v !== undefined) this.inc(Math.max(0, v));
    },
  });
}

function gaugeFrom(registers: Registry[], name: string, help: string, read: () => number | undefined): void {
  new Gauge({
    name,
    help,
    registers,
    collect() {
      const v = read();
      this.reset();
      if (v !== undefined) this.set(v);
    },
  });
}

/** A fresh set of metrics. */
export function createMetrics(sources: MetricSources = {}): Metrics {
  return new Metrics().watch(sources);
}
