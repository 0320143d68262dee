/**
 * The OASIS HTTP client: fetches one planned request window through the shared request gate, with a
 * per-attempt timeout, retries with backoff, a circuit breaker and typed errors, and parses the answer.
 *
 * OASIS reports most failures inside an HTTP 200 (an XML error document in the ZIP), so a response is
 * only judged after parsing: `no-data` (code 1000) is a normal result, retryable OASIS codes are retried,
 * other codes fail at once.
 *
 * @module
 */
import { isRetryableOasisCode, OasisParseError, OasisRequestError } from "./errors.ts";
import {
  type BreakerState,
  breakerStateOf,
  createFetchPolicies,
  type FetchPolicies,
  isBreakerRejection,
  untilAborted,
} from "./fetch_policy.ts";
import type { GateTicket, RequestGate } from "./gate.ts";
import { fileNameFromDisposition, summarizeBody } from "./http_answer.ts";
import { type ParseContext, parseResponse } from "./parse.ts";
import { type CorrectionParse, parseCorrections } from "./price_corrections.ts";
import type { OasisRequestEvent, OasisRequestOutcome } from "./request_event.ts";
import type { ParseResult } from "./row.ts";
import { networkCause } from "./network_cause.ts";
import { fetchSender, type Sender, type SentAnswer } from "./sender.ts";
import { looksLikeZip } from "./unzip.ts";
import { buildUrl, type ResultFormat } from "./url.ts";
import type { RequestWindow } from "./windows.ts";
import { formatOasisDateTime, pacificMidnight } from "./time.ts";

export type { BreakerState } from "./fetch_policy.ts";
export type { OasisRequestEvent, OasisRequestOutcome } from "./request_event.ts";

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

type Report = (outcome: OasisRequestOutcome, extra?: Partial<OasisRequestEvent>) => void;

/** How an answer's bytes are read: parsed, and judged (an OASIS error document is thrown by `#send`). */
type Reader<T extends { kind: string }> = (bytes: Uint8Array, fileName?: string) => Promise<T> | T;

/** The OASIS verdict inside a parsed answer. */
type Verdict = { kind: string; code?: number; description?: string };

/** A parsed answer to one window (or group report), with where and when it came from. */
export interface FetchResult<T = ParseResult> {
  /** The parsed answer: `rows` or `no-data` (OASIS error documents are thrown instead). */
  result: T;
  /** Requested URL. */
  url: string;
  /** URL that answered, after redirects (PRC_AS may be redirected to GroupZip). */
  finalUrl: string;
  /** When the answer arrived, ISO-8601. */
  fetchedAt: string;
  /** Attempts used, the successful one included. */
  attempts: number;
  /** Response body size in bytes. */
  bytes: number;
  /** File name from `Content-Disposition`, if sent. */
  fileName?: string;
}

/** Fetches OASIS request windows politely and reliably; one instance per process. */
export class OasisClient {
  readonly #baseUrl: string;
  readonly #gate: RequestGate;
  readonly #sender: Sender;
  readonly #format: ResultFormat;
  readonly #parse: ParseFn;
  readonly #onRequest?: (event: OasisRequestEvent) => void;
  readonly #policies: FetchPolicies;
  readonly #timeoutMs: number;

  constructor(options: OasisClientOptions) {
    this.#baseUrl = options.baseUrl;
    this.#gate = options.gate;
    this.#sender = options.sender ??
      fetchSender(options.fetch ?? ((input, init) => globalThis.fetch(input, init)));
    this.#format = options.format ?? "csv";
    this.#parse = options.parse ?? parseResponse;
    this.#onRequest = options.onRequest;
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#policies = createFetchPolicies({
      maxAttempts: options.maxAttempts ?? 5,
      backoffInitialMs: options.backoffInitialMs ?? 5000,
      backoffMaxMs: options.backoffMaxMs ?? 120_000,
      breakerThreshold: options.breakerThreshold ?? 5,
      breakerHalfOpenMs: options.breakerHalfOpenMs ?? 60_000,
      timeoutMs: this.#timeoutMs,
    });
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
  fetchWindow(window: RequestWindow, signal?: AbortSignal): Promise<FetchResult> {
    const url = buildUrl(this.#baseUrl, window, this.#format);
    return this.#fetch(
      url,
      (bytes, fileName) => this.#parse(bytes, { dataset: window.dataset, fileName }),
      signal,
    );
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

  #fetch<T extends Verdict>(url: string, read: Reader<T>, signal?: AbortSignal): Promise<FetchResult<T>> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const run = this.#policies.retry.execute(
      ({ attempt }) => this.#attempt(url, read, attempt + 1, signal),
      signal,
    );
    return signal ? untilAborted(run, signal) : run;
  }

  async #attempt<T extends Verdict>(url: string, read: Reader<T>, attempt: number, signal?: AbortSignal) {
    signal?.throwIfAborted();
    try {
      return await this.#policies.breaker.execute(() => this.#send(url, read, attempt, signal), signal);
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

  async #send<T extends Verdict>(
    url: string,
    read: Reader<T>,
    attempt: number,
    signal?: AbortSignal,
  ): Promise<FetchResult<T>> {
    let started = Date.now();
    const report: Report = (outcome, extra = {}) =>
      this.#emit({ url, attempt, outcome, durationMs: Math.max(0, Date.now() - started), ...extra });
    let sent: SentAnswer | null = null;
    while (sent === null) {
      // A ticket the sender could not start in time (this thread stalled past it) is given up for a new one.
      await this.#sender.ready?.(); // a sender thread stopped while idle starts before the ticket, not after
      const ticket = await this.#gate.reserve(signal);
      started = ticket.at;
      sent = await this.#download(url, ticket, report, signal);
    }
    const { response, bytes } = sent;
    const fetchedAt = new Date().toISOString();
    const answer = { finalUrl: response.url || url, status: response.status };
    if (!response.ok) {
      const status = response.status;
      report(status === 429 ? "http_429" : status >= 500 ? "http_5xx" : "http_4xx", answer);
      const description = summarizeBody(bytes) || response.statusText || "no description";
      throw new OasisRequestError(description, {
        kind: "http",
        url,
        status,
        retryable: status === 429 || status >= 500,
      });
    }

    const fileName = fileNameFromDisposition(response.headers.get("content-disposition"));
    let result: T;
    try {
      result = await this.#read(bytes, fileName, read);
    } catch (cause) {
      report("parse_error", answer);
      // A malformed ZIP is usually a truncated download; any other parser failure is a bug, not retried.
      const known = cause instanceof OasisParseError;
      const description = known ? cause.message : `Parser failed: ${String(cause)}`;
      throw new OasisRequestError(description, { kind: "parse", url, retryable: known, cause });
    }

    if (result.kind === "oasis-error") {
      report("oasis_error", { ...answer, code: result.code });
      const retryable = isRetryableOasisCode(result.code ?? 0);
      const code = result.code ?? 0;
      throw new OasisRequestError(result.description ?? `OASIS error ${code}`, {
        kind: "oasis",
        url,
        code,
        retryable,
      });
    }
    report(
      result.kind === "no-data" ? "no-data" : "ok",
      result.kind === "no-data" ? { ...answer, code: result.code ?? 1000 } : answer,
    );
    return {
      result,
      url,
      finalUrl: answer.finalUrl,
      fetchedAt,
      attempts: attempt,
      bytes: bytes.length,
      fileName,
    };
  }

  /** Sends the request and reads the whole body within the timeout; throws typed errors otherwise. */
  async #download(
    url: string,
    ticket: GateTicket,
    report: Report,
    signal?: AbortSignal,
  ): Promise<SentAnswer | null> {
    let attemptSignal: AbortSignal | undefined;
    try {
      return await this.#policies.timeout.execute(({ signal: inner }) => {
        attemptSignal = inner;
        return this.#sender.send(url, ticket, inner);
      }, signal);
    } catch (cause) {
      if (signal?.aborted) {
        report("aborted");
        throw signal.reason;
      }
      const kind = attemptSignal?.aborted ? "timeout" : "network";
      const why = networkCause(cause, kind === "timeout");
      report(kind, { cause: why.cause, detail: why.detail });
      const description = kind === "timeout"
        ? `No complete answer within ${this.#timeoutMs} ms`
        : `Network error (${why.cause}): ${why.detail}`;
      throw new OasisRequestError(description, { kind, url, retryable: true, cause });
    }
  }

  /** Parses a body, refusing one that is not a ZIP before handing it to the (maybe off-thread) parser. */
  async #read<T>(bytes: Uint8Array, fileName: string | undefined, read: Reader<T & Verdict>): Promise<T> {
    if (!looksLikeZip(bytes)) {
      // An HTML page with status 200 is a throttle or maintenance page; a later attempt may get the ZIP.
      throw new OasisParseError(
        `Cannot read response: not a ZIP archive (starts with "${summarizeBody(bytes, 60)}")`,
        { file: fileName },
      );
    }
    return await read(bytes, fileName);
  }

  #emit(event: OasisRequestEvent): void {
    try {
      this.#onRequest?.(event);
    } catch {
      // A failing metrics or log hook must not turn a good answer into a failed request.
    }
  }
}
