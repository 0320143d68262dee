/**
 * One attempt of the OASIS client: wait for a gate ticket, send the request within the per-attempt timeout,
 * read the whole body, parse it and judge the answer. OASIS reports most failures inside an HTTP 200 (an
 * XML error document in the ZIP), so an answer is only judged after parsing: `no-data` (code 1000) is a
 * normal result, an OASIS error code becomes an `OasisRequestError` that says whether a retry may help.
 * Retries and the breaker around attempts are the client's (`client.ts`).
 *
 * @module
 */
import { isRetryableOasisCode, OasisParseError, OasisRequestError } from "./errors.ts";
import type { FetchPolicies } from "./fetch_policy.ts";
import type { GateTicket, RequestGate } from "./gate.ts";
import { fileNameFromDisposition, summarizeBody } from "./http_answer.ts";
import { networkCause } from "./network_cause.ts";
import type { OasisRequestEvent, OasisRequestOutcome } from "./request_event.ts";
import type { ParseResult } from "./row.ts";
import type { Sender, SentAnswer } from "./sender.ts";
import { looksLikeZip } from "./unzip.ts";

/** What an attempt needs from its client. */
export interface AttemptDeps {
  /** The gate every attempt passes. */
  readonly gate: RequestGate;
  /** Sends the request at its ticket. */
  readonly sender: Sender;
  /** Aborts the attempt's signal after `timeoutMs`. */
  readonly timeout: FetchPolicies["timeout"];
  /** The timeout, for messages. */
  readonly timeoutMs: number;
  /** Told once per attempt when it ends. */
  readonly emit: (event: OasisRequestEvent) => void;
}

type Report = (outcome: OasisRequestOutcome, extra?: Partial<OasisRequestEvent>) => void;

/** How an answer's bytes are read: parsed, and judged (an OASIS error document is thrown by `sendAttempt`). */
export type Reader<T extends { kind: string }> = (bytes: Uint8Array, fileName?: string) => Promise<T> | T;

/** The OASIS verdict inside a parsed answer. */
export type Verdict = { kind: string; code?: number; description?: string };

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

/**
 * Sends one attempt at its gate ticket and judges the answer: resolves with the parsed `rows` or `no-data`,
 * throws `OasisRequestError` for an HTTP error, a timeout, a network error, an unreadable body or an OASIS
 * error document (retryable or not, for the caller's policies), and `signal.reason` on abort. Every
 * outcome is reported once through `deps.emit`.
 */
export async function sendAttempt<T extends Verdict>(
  deps: AttemptDeps,
  url: string,
  read: Reader<T>,
  attempt: number,
  signal?: AbortSignal,
  background = false,
): Promise<FetchResult<T>> {
  let started = Date.now();
  const report: Report = (outcome, extra = {}) =>
    deps.emit({ url, attempt, outcome, durationMs: Math.max(0, Date.now() - started), ...extra });
  let sent: SentAnswer | null = null;
  while (sent === null) {
    // A ticket the sender could not start in time (this thread stalled past it) is given up for a new one.
    await deps.sender.ready?.(); // a sender thread stopped while idle starts before the ticket, not after
    const ticket = await deps.gate.reserve(signal, { background });
    started = ticket.at;
    sent = await download(deps, url, ticket, report, signal);
  }
  return await judgeAnswer(sent, url, read, attempt, report);
}

/** Reads and judges a complete answer: the parsed result, or a typed error for the retry policy. */
async function judgeAnswer<T extends Verdict>(
  sent: SentAnswer,
  url: string,
  read: Reader<T>,
  attempt: number,
  report: Report,
): Promise<FetchResult<T>> {
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
    result = await readAnswer(bytes, fileName, read);
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
async function download(
  deps: AttemptDeps,
  url: string,
  ticket: GateTicket,
  report: Report,
  signal?: AbortSignal,
): Promise<SentAnswer | null> {
  let attemptSignal: AbortSignal | undefined;
  try {
    return await deps.timeout.execute(({ signal: inner }) => {
      attemptSignal = inner;
      return deps.sender.send(url, ticket, inner);
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
      ? `No complete answer within ${deps.timeoutMs} ms`
      : `Network error (${why.cause}): ${why.detail}`;
    throw new OasisRequestError(description, { kind, url, retryable: true, cause });
  }
}

/** Parses a body, refusing one that is not a ZIP before handing it to the (maybe off-thread) parser. */
async function readAnswer<T>(
  bytes: Uint8Array,
  fileName: string | undefined,
  read: Reader<T & Verdict>,
): Promise<T> {
  if (!looksLikeZip(bytes)) {
    // An HTML page with status 200 is a throttle or maintenance page; a later attempt may get the ZIP.
    throw new OasisParseError(
      `Cannot read response: not a ZIP archive (starts with "${summarizeBody(bytes, 60)}")`,
      { file: fileName },
    );
  }
  return await read(bytes, fileName);
}
