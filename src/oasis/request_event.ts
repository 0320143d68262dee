/**
 * What the client reports about each attempt when it ends, for metrics and logs.
 *
 * @module
 */
import type { NetworkCause } from "./network_cause.ts";

/** How one attempt ended, for metrics and logs. `http_4xx` is any other unsuccessful HTTP status. */
export type OasisRequestOutcome =
  | "ok"
  | "no-data"
  | "http_429"
  | "http_5xx"
  | "http_4xx"
  | "network"
  | "timeout"
  | "oasis_error"
  | "parse_error"
  | "breaker_open"
  | "aborted";

/** One attempt, reported to `onRequest` when it ends. */
export interface OasisRequestEvent {
  /** Requested URL. */
  url: string;
  /** URL that answered, after redirects, when an answer arrived. */
  finalUrl?: string;
  /** 1-based attempt number. */
  attempt: number;
  /** How the attempt ended. */
  outcome: OasisRequestOutcome;
  /** HTTP status, when an answer arrived. */
  status?: number;
  /** OASIS error code, for `no-data` and `oasis_error`. */
  code?: number;
  /** For `network` and `timeout`: the class of the failure, from the error chain. */
  cause?: NetworkCause;
  /** For `network` and `timeout`: the most specific message of the error chain. */
  detail?: string;
  /** From the request start (after the gate) to the outcome, in ms; 0 when nothing was sent. */
  durationMs: number;
}
