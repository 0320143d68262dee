/**
 * The OASIS HTTP client: fetches one planned request window (or a group report) through the shared request
 * gate, with retries with backoff and a circuit breaker around each attempt (`fetch_policy.ts`); an attempt
 * (`attempt.ts`) sends within a timeout, parses and judges the answer, throwing typed errors. Retryable
 * failures (timeouts, 5xx, 429, retryable OASIS codes) are retried; other failures fail at once.
 *
 * @module
 */
import { type AttemptDeps, type FetchResult, type Reader, sendAttempt, type Verdict } from "./attempt.ts";
import { OasisRequestError } from "./errors.ts";
import {
  type BreakerState,
  breakerStateOf,
  createFetchPolicies,
  type FetchPolicies,
  isBreakerRejection,
  untilAborted,
} from "./fetch_policy.ts";
import type { RequestGate } from "./gate.ts";
import { type ParseContext, parseResponse } from "./parse.ts";
import { type CorrectionParse, parseCorrections } from "./price_corrections.ts";
import type { OasisRequestEvent } from "./request_event.ts";
import type { ParseResult } from "./row.ts";
import { fetchSender, type Sender } from "./sender.ts";
import { buildUrl, type ResultFormat } from "./url.ts";
import type { RequestWindow } from "./windows.ts";
import { formatOasisDateTime, pacificMidnight } from "./time.ts";

export type { FetchResult } from "./attempt.ts";
export type { BreakerState } from "./fetch_policy.ts";
export type { OasisRequestEvent, OasisRequestOutcome } from "./request_event.ts";

/** Options of `fetchWindow`. */
export interface FetchOptions {
  /** Queue behind every live request in the gate (backfills, corrections): see `ReserveOptions`. */
  readonly background?: boolean;
}

/** Parses a response body; throws `OasisParseError` for a malformed ZIP, CSV or XML. */
export type ParseFn = (bytes: Uint8Array, ctx: ParseContext) => Promise<ParseResult> | ParseResult;

/** Options for `OasisClient`; numbers are already resolved from config. */
export interface OasisClientOptions {
  /** SingleZip endpoint (`OASIS_BASE_URL` or the simulator's). */
  baseUrl: string;
  /** The gate every attempt passes (shared by every job, and with other processes once shared). */
  gate: RequestGate;
  /** Fetch function (default: `globalThis.fetch`), used on this thread when no `sender` is given. */
  fetch?: typeof fetch;
  /** Sends each request at its gate ticket (default: `fetch` on this thread); see `WorkerSender`. */
  sender?: Sender;
  /** Timeout of one attempt, body included, in ms (default 60 000). */
  timeoutMs?: number;
  /** Attempts per window, the first included (default 5). */
  maxAttempts?: number;
  /** First retry delay in ms (default 5000); later ones double, with jitter. */
  backoffInitialMs?: number;
  /** Longest retry delay in ms (default 120 000). */
  backoffMaxMs?: number;
  /** Consecutive retryable failures that open the circuit breaker (default 5). */
  breakerThreshold?: number;
  /** Time the breaker stays open before one probe request, in ms (default 60 000). */
  breakerHalfOpenMs?: number;
  /** Result format to request (default CSV). */
  format?: ResultFormat;
  /** Response parser (default `parseResponse`). */
  parse?: ParseFn;
  /** Called once per attempt when it ends. */
  onRequest?: (event: OasisRequestEvent) => void;
}

/** Fetches OASIS request windows politely and reliably; one instance per process. */
export class OasisClient {
  readonly #baseUrl: string;
  readonly #format: ResultFormat;
  readonly #parse: ParseFn;
  readonly #onRequest?: (event: OasisRequestEvent) => void;
  readonly #policies: FetchPolicies;
  readonly #attemptDeps: AttemptDeps;

  constructor(options: OasisClientOptions) {
    this.#baseUrl = options.baseUrl;
    this.#format = options.format ?? "csv";
    this.#parse = options.parse ?? parseResponse;
    this.#onRequest = options.onRequest;
    const timeoutMs = options.timeoutMs ?? 60_000;
    this.#policies = createFetchPolicies({
      maxAttempts: options.maxAttempts ?? 5,
      backoffInitialMs: options.backoffInitialMs ?? 5000,
      backoffMaxMs: options.backoffMaxMs ?? 120_000,
      breakerThreshold: options.breakerThreshold ?? 5,
      breakerHalfOpenMs: options.breakerHalfOpenMs ?? 60_000,
      timeoutMs,
    });
    this.#attemptDeps = {
      gate: options.gate,
      sender: options.sender ??
        fetchSender(options.fetch ?? ((input, init) => globalThis.fetch(input, init))),
      timeout: this.#policies.timeout,
      timeoutMs,
      emit: (event) => this.#emit(event),
    };
  }

  /**
   * Circuit breaker state, for `/health`. It stays `open` past the half-open delay until the next call,
   * which becomes the probe (`half-open` while it runs; concurrent calls wait for its verdict).
   */
  get breakerState(): BreakerState {
    return breakerStateOf(this.#policies.breaker.state);
  }

  /**
   * Fetches and parses `window`. Resolves with rows or `no-data`; throws `OasisRequestError` (carrying
   * the URL) when OASIS refuses, retries run out or the breaker is open, and `signal.reason` on abort.
   */
  fetchWindow(window: RequestWindow, signal?: AbortSignal, options: FetchOptions = {}): Promise<FetchResult> {
    const url = buildUrl(this.#baseUrl, window, this.#format);
    const read: Reader<ParseResult> = (bytes, fileName) =>
      this.#parse(bytes, { dataset: window.dataset, fileName });
    return this.#fetch(url, read, signal, options.background ?? false);
  }

  /**
   * Fetches and parses CAISO's price-correction summary (`GroupZip?groupid=PRC_CORR_GRP`) of one trade
   * date through the same gate, retries and breaker as the windows. `no-data` until OASIS has the report.
   */
  fetchCorrections(tradeDate: string, signal?: AbortSignal): Promise<FetchResult<CorrectionParse>> {
    const params = new URLSearchParams({ resultformat: "6", groupid: "PRC_CORR_GRP", version: "1" });
    params.set("startdatetime", formatOasisDateTime(pacificMidnight(tradeDate)));
    const base = this.#baseUrl.replace(/SingleZip$/, "GroupZip");
    const url = `${base}?${params.toString().replaceAll("%3A", ":")}`;
    return this.#fetch(url, (bytes, fileName) => parseCorrections(bytes, fileName), signal);
  }

  #fetch<T extends Verdict>(
    url: string,
    read: Reader<T>,
    signal?: AbortSignal,
    background = false,
  ): Promise<FetchResult<T>> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const run = this.#policies.retry.execute(
      ({ attempt }) => this.#attempt(url, read, attempt + 1, signal, background),
      signal,
    );
    return signal ? untilAborted(run, signal) : run;
  }

  async #attempt<T extends Verdict>(
    url: string,
    read: Reader<T>,
    attempt: number,
    signal?: AbortSignal,
    background = false,
  ) {
    signal?.throwIfAborted();
    try {
      return await this.#policies.breaker.execute(
        () => sendAttempt(this.#attemptDeps, url, read, attempt, signal, background),
        signal,
      );
    } catch (error) {
      if (!isBreakerRejection(error)) throw error;
      this.#emit({ url, attempt, outcome: "breaker_open", durationMs: 0 });
      const last = this.#policies.breaker.lastFailure;
      throw new OasisRequestError("Circuit breaker is open after repeated failures; request not sent", {
        kind: "breaker",
        url,
        retryable: true,
        cause: last && "error" in last ? last.error : error,
      });
    }
  }

  #emit(event: OasisRequestEvent): void {
    try {
      this.#onRequest?.(event);
    } catch {
      // A failing metrics or log hook must not turn a good answer into a failed request.
    }
  }
}
