/**
 * The service's Prometheus metrics on a registry of its own (prom-client; no global state, so tests build as
 * many as they like). Code that sees an event calls a method of `Metrics` (`oasisRequest`, `rowsIngested`,
 * the WebSocket counters); values other parts already count (the store's stats, the Bronze counters, the
 * breaker) are read at scrape time through `watch()`.
 *
 * The metrics live in one file per part, registered in this order (the order of the scrape):
 * `oasis_metrics.ts`, `alert_metrics.ts`, `ws_metrics.ts`, `http_metrics.ts`, then `source_metrics.ts`
 * (which includes `store_metrics.ts` and `bronze_metrics.ts`).
 *
 * @module
 */
import { Registry } from "./_prom.ts";
import type { WebhookOutcome } from "../alerts/alert_webhooks.ts";
import type { AlertEvent } from "../analytics/alerts.ts";
import type { DriftKind } from "../jobs/schema_drift.ts";
import type { OasisRequestEvent } from "../oasis/client.ts";
import type { DatasetName } from "../oasis/datasets.ts";
import { AlertMetrics } from "./alert_metrics.ts";
import { HttpMetrics } from "./http_metrics.ts";
import { OasisMetrics } from "./oasis_metrics.ts";
import { type MetricSources, registerSourceMetrics } from "./source_metrics.ts";
import { type WsDropReason, type WsMessageType, WsMetrics, type WsRejectReason } from "./ws_metrics.ts";

export type { MetricSources } from "./source_metrics.ts";
export { HTTP_METHODS } from "./http_metrics.ts";
export type { WsDropReason, WsMessageType, WsRejectReason } from "./ws_metrics.ts";

/** Every metric of the service, registered on `registry`. */
export class Metrics {
  /** The registry `GET /metrics` renders. */
  readonly registry: Registry = new Registry();
  #sources: MetricSources = {};
  readonly #oasis: OasisMetrics;
  readonly #alerts: AlertMetrics;
  readonly #ws: WsMetrics;
  readonly #http: HttpMetrics;

  /** Registers every metric on a fresh registry. */
  constructor() {
    const registers = [this.registry];
    this.#oasis = new OasisMetrics(registers);
    this.#alerts = new AlertMetrics(registers);
    this.#ws = new WsMetrics(registers);
    this.#http = new HttpMetrics(registers);
    registerSourceMetrics(registers, () => this.#sources);
  }

  /** Reads these sources at every scrape (replacing the ones given before, key by key). */
  watch(sources: MetricSources): this {
    this.#sources = { ...this.#sources, ...sources };
    return this;
  }

  /** Counts one OASIS request attempt; pass it as the client's `onRequest`. */
  oasisRequest(event: OasisRequestEvent): void {
    this.#oasis.request(event);
  }

  /** Counts rows parsed for `dataset`. */
  rowsIngested(dataset: DatasetName, rows: number): void {
    this.#oasis.rowsIngested(dataset, rows);
  }

  /** Sets the node-intervals the last poll of `dataset` found missing. */
  missingIntervals(dataset: DatasetName, count: number): void {
    this.#oasis.missingIntervals(dataset, count);
  }

  /** Records how long after its end the newest interval of `dataset` first reached this service. */
  intervalArrived(dataset: DatasetName, lateMs: number): void {
    this.#oasis.intervalArrived(dataset, lateMs);
  }

  /** Counts one new header difference of `dataset` showing columns of `kind`. */
  schemaDrift(dataset: DatasetName, kind: DriftKind): void {
    this.#oasis.schemaDrift(dataset, kind);
  }

  /** Counts one alert webhook delivery outcome. */
  webhookDelivery(outcome: WebhookOutcome): void {
    this.#alerts.webhookDelivery(outcome);
  }

  /** Counts one run of the price-correction job and the intervals it revised. */
  priceCorrectionRun(outcome: "done" | "partial" | "locked", revised: number): void {
    this.#oasis.priceCorrectionRun(outcome, revised);
  }

  /** Counts one alert event. */
  alert(alert: Pick<AlertEvent, "kind" | "event">): void {
    this.#alerts.alert(alert);
  }

  /** Sets the number of connected WebSocket clients. */
  wsClients(n: number): void {
    this.#ws.clients(n);
  }

  /** Counts an accepted WebSocket connection. */
  wsConnected(): void {
    this.#ws.connected();
  }

  /** Counts a refused WebSocket upgrade. */
  wsRejected(reason: WsRejectReason): void {
    this.#ws.rejected(reason);
  }

  /** Counts `n` messages of `type` handed to sockets, and how long the broadcast took. */
  wsSent(type: WsMessageType, n: number, seconds?: number): void {
    this.#ws.sent(type, n, seconds);
  }

  /** Counts a client the server closed and the message it did not get. */
  wsClientDropped(reason: WsDropReason, messagesLost = 0): void {
    this.#ws.clientDropped(reason, messagesLost);
  }

  /** Counts a client frame answered with an error frame. */
  wsBadFrame(): void {
    this.#ws.badFrame();
  }

  /**
   * Counts one HTTP response. `route` must be a registered route pattern or `unmatched`; a method outside
   * `HTTP_METHODS` and a status outside 100–599 are counted as `other`, so no client adds a series.
   */
  httpRequest(method: string, route: string, status: number): void {
    this.#http.request(method, route, status);
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

/** A fresh set of metrics. */
export function createMetrics(sources: MetricSources = {}): Metrics {
  return new Metrics().watch(sources);
}
