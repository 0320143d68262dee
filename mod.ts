/**
 * oasis-stream as a library: the CAISO OASIS connector for your own Deno programs. It fetches OASIS
 * SingleZip reports through the service's rate-limited, retrying client, shapes each row into a validated
 * Bronze envelope, and delivers to the same outbox (Kafka or NDJSON) and hot store (Redis or Deno KV) as
 * the service.
 *
 * ```ts
 * import { CaisoOasisConnector, loadConfig } from "./mod.ts";
 *
 * const connector = new CaisoOasisConnector(loadConfig(Deno.env.toObject()));
 * const result = await connector.extract({
 *   dataType: "lmp_dam",
 *   start: "2024-01-01T00:00:00Z",
 *   end: "2024-01-01T01:00:00Z",
 *   node: "TH_NP15_GEN-APND",
 * });
 * const envelopes = await connector.transform(result);
 * console.log(connector.getOutputTopic("lmp_dam"), envelopes.length);
 * await connector.close();
 * ```
 *
 * @module
 */
export { CaisoOasisConnector, type ConnectorOptions } from "./src/connector.ts";
export {
  alignToIntervals,
  type ExtractedAnswer,
  type ExtractFailure,
  type ExtractRequest,
  type ExtractResult,
  toInstant,
} from "./src/connector/extract_request.ts";
export type { BatchRequest, BatchSummary, RealtimeOptions } from "./src/connector/batch_request.ts";
export type { BronzeRecord } from "./src/connector/bronze_record.ts";
export { type Config, ConfigError, loadConfig, SETTINGS } from "./src/config.ts";
export { DATASET_NAMES, type DatasetName, DATASETS, DEFAULT_NODES } from "./src/oasis/datasets.ts";
export type { DatasetSpec, GroupType, QuerySpec, ReportFamily, WindowLimits } from "./src/oasis/datasets.ts";
export type { Env, SettingDoc } from "./src/settings.ts";
export type { ConfigFile } from "./src/config_file.ts";
export type { Log, LogLevel } from "./src/log.ts";
export type { ResultFormat } from "./src/oasis/url.ts";
export type { NodeSelection, RequestWindow } from "./src/oasis/windows.ts";
export type { FetchResult } from "./src/oasis/client.ts";
export type { OasisRow, ParseResult, RowProblem } from "./src/oasis/row.ts";
export type { HeaderCheck, HeaderDifference, RenamedColumn } from "./src/oasis/report_columns.ts";
export {
  type DriftKind,
  type SchemaDrift,
  type SchemaDriftOptions,
  SchemaDriftTracker,
} from "./src/jobs/schema_drift.ts";
export type { RedisSettings, StoreConfig } from "./src/store/settings.ts";
export type { Market } from "./src/store/store.ts";
export type { LiveConfig, WsSettings } from "./src/live/settings.ts";
export type { WebhookConfig } from "./src/alerts/webhook_settings.ts";
export type { JobsConfig } from "./src/jobs/settings.ts";
export type { BronzeConfig } from "./src/bronze/settings.ts";
export type { KafkaSettings } from "./src/clients/kafka.ts";
export type { PollFailure, PollSummary } from "./src/jobs/poll.ts";
export type { CorrectionSummary } from "./src/jobs/price_corrections.ts";
export { type BronzeAck, BronzeHeldError } from "./src/jobs/bronze_ack.ts";
export type {
  BackfillFailure,
  BackfillMissing,
  BackfillPlan,
  BackfillProgress,
  BackfillRequest,
  BackfillSummary,
  DatasetCounts,
} from "./src/jobs/backfill.ts";
export type { AlertThresholds } from "./src/analytics/alerts.ts";
export type { SignalSettings } from "./src/analytics/signals.ts";
export type { KafkaSasl, KafkaTopicSettings } from "./src/clients/kafka.ts";
export type { PeakPolling } from "./src/jobs/peak_window.ts";
export type { EstimateMethod, EstimateSettings } from "./src/live/estimate.ts";
