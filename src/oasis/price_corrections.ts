/**
 * Parses CAISO's price-correction summary (`GroupZip?groupid=PRC_CORR_GRP`): one row per corrected trade
 * date, hour ending, interval and market. Columns are found by header name (the set is provisional: seen
 * through gridstatus, not the SPEC), so added or reordered columns do not matter; the placeholder row
 * "No records found for report." is dropped. Pure: bytes in, a discriminated union out.
 *
 * @module
 */
import { readCsvRows } from "./csv_rows.ts";
import { parseErrorDocument } from "./error_document.ts";
import { OasisParseError } from "./errors.ts";
import { unzipMembers } from "./unzip.ts";

/** One corrected interval. */
export interface PriceCorrection {
  /** Pacific trade (operating) date `YYYY-MM-DD`. */
  readonly tradeDate: string;
  /** Hour ending 1–25, null when the row names none. */
  readonly hourEnding: number | null;
  /** Interval within the hour, null when the row names none. */
  readonly interval: number | null;
  /** Market as written: `DAM`, `RTPD`, `RTD`, … */
  readonly market: string;
  /** `CORRECTION_REASON`, "" when absent. */
  readonly reason: string;
  /** `REPORT_GENERATED` as written (Pacific local time), "" when absent. */
  readonly generated: string;
}

/** The outcome of parsing one `PRC_CORR_GRP` answer. */
export type CorrectionParse =
  | { readonly kind: "corrections"; readonly corrections: readonly PriceCorrection[] }
  | { readonly kind: "no-data" }
  | { readonly kind: "oasis-error"; readonly code: number; readonly description: string };

/** Columns the parser needs; the others are ignored. */
const REQUIRED = ["TRADE_DATE", "MARKET"] as const;
const NO_RECORDS = "No records found for report.";
/** More rows than any day's corrections (12 intervals × 25 hours × a few markets and methods). */
const MAX_ROWS = 50_000;

function integerOrNull(text: string | undefined): number | null {
  if (text === undefined || text.trim() === "") return null;
  const n = Number(text);
  return Number.isInteger(n) ? n : null;
}

/** Parses the CSV text of one member. */
export function parseCorrectionCsv(text: string, file = "PRC_CORR.csv"): PriceCorrection[] {
  const rows = readCsvRows(text);
  const header = (rows.shift() ?? []).map((h) => h.trim().toUpperCase());
  const index = new Map(header.map((h, i) => [h, i]));
  for (const column of REQUIRED) {
    if (!index.has(column)) {
      throw new OasisParseError(`Cannot parse "PRC_CORR_GRP" report: missing column "${column}"`, { file });
    }
  }
  if (rows.length > MAX_ROWS) {
    throw new OasisParseError(`Cannot parse "PRC_CORR_GRP" report: more than ${MAX_ROWS} rows`, { file });
  }
  const cell = (row: string[], name: string) => {
    const i = index.get(name);
    return i === undefined ? undefined : row[i]?.trim();
  };
  const out: PriceCorrection[] = [];
  rows.forEach((row, i) => {
    if (row.length === 1 && row[0]!.trim() === "") return;
    const reason = cell(row, "CORRECTION_REASON") ?? "";
    if (reason === NO_RECORDS) return;
    const tradeDate = /^(\d{4}-\d{2}-\d{2})/.exec(cell(row, "TRADE_DATE") ?? "")?.[1];
    const market = (cell(row, "MARKET") ?? "").toUpperCase();
    if (tradeDate === undefined || market === "") {
      throw new OasisParseError(
        `Cannot parse "PRC_CORR_GRP" report: row without "TRADE_DATE" or "MARKET"`,
        { file, line: i + 2 },
      );
    }
    out.push({
      tradeDate,
      hourEnding: integerOrNull(cell(row, "HOUR_ENDING")),
      interval: integerOrNull(cell(row, "INTERVAL")),
      market,
      reason,
      generated: cell(row, "REPORT_GENERATED") ?? "",
    });
  });
  return out;
}

/** Parses a `PRC_CORR_GRP` ZIP: every CSV member's corrections, or the error document OASIS sent. */
export function parseCorrections(bytes: Uint8Array, fileName = "PRC_CORR_GRP.zip"): CorrectionParse {
  const decoder = new TextDecoder();
  const corrections: PriceCorrection[] = [];
  for (const member of unzipMembers(bytes, fileName)) {
    const text = decoder.decode(member.bytes);
    const error = parseErrorDocument(text);
    if (error) {
      return error.code === 1000
        ? { kind: "no-data" }
        : { kind: "oasis-error", code: error.code, description: error.description };
    }
    if (/\.csv$/i.test(member.name)) corrections.push(...parseCorrectionCsv(text, member.name));
  }
  return { kind: "corrections", corrections };
}
