/**
 * Errors by meaning: a response that cannot be read (`OasisParseError`) and a request that failed
 * (`OasisRequestError`, with the HTTP status or OASIS code and whether retrying can help).
 *
 * @module
 */

/** OASIS in-band error codes (SPEC §3.2), with whether a retry of the same request can help. */
export const OASIS_ERROR_CODES: Readonly<Record<number, { description: string; retryable: boolean }>> = {
  1000: { description: "No data returned for the specified selection", retryable: false },
  1001: { description: "Invalid Parameters of the given report name", retryable: false },
  1002: { description: "Invalid datetime format, please use valid datetime format", retryable: false },
  1003: { description: "Timed out waiting for query response", retryable: true },
  1004: { description: "Data can be requested for period of 31 days only", retryable: false },
  1005: { description: "Report name does not exist, please use valid report name", retryable: false },
  1006: { description: "Validation exception during transformation of XML", retryable: true },
  1007: { description: "Required file for does not exist", retryable: false },
  1008: { description: "Out of memory exception", retryable: false },
  1009: { description: "Exceptions in reading and writing of XML files", retryable: true },
  1010: { description: "System Error", retryable: true },
  1011: {
    description: "Empty Query; Please Enter Report Name, Startdate, EndDate and Other Parameters",
    retryable: false,
  },
  1012: { description: "Connection refused", retryable: true },
  1013: { description: "Required Resources (xslt or xml or dir) Unavailable", retryable: true },
  1014: {
    description:
      "Start Date is beyond the limit, Please Use valid Start Date that falls within the prescribed limit",
    retryable: false,
  },
  1015: {
    description: "GroupZip DownLoad is in Processing, Please Submit request after Sometime",
    retryable: true,
  },
  1016: { description: "GROUPID Does Not Exist, Please Use Valid GROUPID Name", retryable: false },
  1017: { description: "Please select a maximum of 10 nodes or use the ALL option", retryable: false },
  1018: { description: "Invalid Selection, cannot select multiple hours for this query", retryable: false },
  1019: { description: "market_term=ALL not supported for this query", retryable: false },
  1020: { description: "Version parameter is missing or is invalid", retryable: false },
};

/** Whether OASIS error `code` is worth retrying (1003, 1006, 1009, 1010, 1012, 1013, 1015). */
export function isRetryableOasisCode(code: number): boolean {
  return OASIS_ERROR_CODES[code]?.retryable ?? false;
}

/** Options for `OasisParseError`. */
export interface OasisParseErrorOptions extends ErrorOptions {
  /** File (ZIP member or path) being parsed. */
  file?: string;
  /** 1-based line (CSV) or row number, when known. */
  line?: number;
}

/** A response body that cannot be read: a malformed ZIP, a missing column, unparsable XML. */
export class OasisParseError extends SyntaxError {
  /** File being parsed. */
  readonly file?: string;
  /** 1-based line, when known. */
  readonly line?: number;

  constructor(message: string, options: OasisParseErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "OasisParseError";
    this.file = options.file;
    this.line = options.line;
  }
}

/** What went wrong with a request, for metrics: `http`, `oasis`, `network`, `timeout`, `parse`, `breaker`. */
export type OasisFailureKind = "http" | "oasis" | "network" | "timeout" | "parse" | "breaker";

/** Options for `OasisRequestError`. */
export interface OasisRequestErrorOptions extends ErrorOptions {
  /** Failure kind. */
  kind: OasisFailureKind;
  /** Request URL. */
  url: string;
  /** HTTP status, when the failure is an HTTP answer. */
  status?: number;
  /** OASIS error code, when the failure is an OASIS error document. */
  code?: number;
  /** Whether retrying the same request may help. */
  retryable: boolean;
}

/** A request that did not produce data: HTTP error, OASIS error document, network failure or timeout. */
export class OasisRequestError extends Error {
  /** Failure kind. */
  readonly kind: OasisFailureKind;
  /** Request URL. */
  readonly url: string;
  /** HTTP status, if any. */
  readonly status?: number;
  /** OASIS error code, if any. */
  readonly code?: number;
  /** Whether retrying may help. */
  readonly retryable: boolean;
  /** OASIS or HTTP description. */
  readonly description: string;

  constructor(description: string, options: OasisRequestErrorOptions) {
    const what = options.code !== undefined
      ? `OASIS error ${options.code}`
      : options.status !== undefined
      ? `HTTP ${options.status}`
      : options.kind;
    super(`OASIS request failed (${what}): ${description} [${options.url}]`, { cause: options.cause });
    this.name = "OasisRequestError";
    this.kind = options.kind;
    this.url = options.url;
    this.status = options.status;
    this.code = options.code;
    this.retryable = options.retryable;
    this.description = description;
  }
}

/** What a report says of a request that failed after retries: its URL, why, and the OASIS code if any. */
export function requestFailure(error: unknown): { url: string; message: string; code?: number } {
  const e = error as Partial<OasisRequestError> & Partial<Error>;
  return {
    url: e.url ?? "",
    message: e.message ?? String(error),
    ...(typeof e.code === "number" ? { code: e.code } : {}),
  };
}
