/**
 * The normalized row every parser produces, and the result of parsing one OASIS response.
 *
 * @module
 */
import type { DatasetName } from "./datasets.ts";
import type { HeaderCheck } from "./report_columns.ts";

/** One source row, normalized. Field names are snake_case because they are also the Bronze JSON. */
export interface OasisRow {
  /** Dataset the row belongs to, or `"other"` for a report outside the dataset table. */
  dataset: DatasetName | "other";
  /** OASIS report name (`PRC_LMP`, `PRC_AS`, …). */
  report: string;
  /** LMP node, AS region, CRR node or the report's resource name. */
  node: string;
  /** Extra identity of the fact beyond node/component/time (CRR: `market/term/time_of_use`), else null. */
  qualifier: string | null;
  /** Interval start, UTC ISO-8601 ending in `Z` (from the `*_GMT` column). */
  interval_start: string;
  /** Interval end, UTC ISO-8601 ending in `Z`. */
  interval_end: string;
  /** Pacific operating date, `YYYY-MM-DD`. */
  opr_date: string;
  /** Hour ending 1–25 (25 is the repeated hour on the fall-back day), or null when the report has none. */
  opr_hour: number | null;
  /** Interval within the hour (0 hourly, 1–4, 1–12), or within the day in XML; null when absent. */
  opr_interval: number | null;
  /** `LMP`, `MCE`, `MCC`, `MCL`, `MGHG` for LMP; the AS type for AS; the data item for CRR. */
  component: string;
  /** The value, or null when the cell is empty (never 0 for a missing value). */
  value: number | null;
  /** Every source column verbatim. */
  raw: Record<string, string>;
  /** ZIP member (or file) name the row came from. */
  source_file: string;
  /** 1-based data row number within that file (the header is row 0). */
  row_number: number;
}

/** A source row that could not be normalized (bad timestamp, non-numeric value): kept, never dropped. */
export interface RowProblem {
  /** Why the row was rejected, naming the column and the value. */
  reason: string;
  /** Every source column verbatim. */
  raw: Record<string, string>;
  /** ZIP member (or file) name. */
  source_file: string;
  /** 1-based data row number. */
  row_number: number;
  /** Interval start (UTC ISO-8601), when the row's start could be read; lets a re-fetch not resend it. */
  interval_start?: string;
}

/**
 * Parsing one response gives rows (with any rows that could not be normalized, and each distinct CSV
 * header of a known report compared with the expected one), an OASIS "no data" answer, or an OASIS
 * error document.
 */
export type ParseResult =
  | { kind: "rows"; rows: OasisRow[]; problems: RowProblem[]; files: string[]; schema?: HeaderCheck[] }
  | { kind: "no-data"; code: number; description: string; file: string }
  | { kind: "oasis-error"; code: number; description: string; file: string };

/** LMP component names, keyed by the XML data item that carries them. */
export const LMP_DATA_ITEMS: Readonly<Record<string, string>> = {
  LMP_PRC: "LMP",
  LMP_CONG_PRC: "MCC",
  LMP_ENE_PRC: "MCE",
  LMP_LOSS_PRC: "MCL",
  LMP_GHG_PRC: "MGHG",
};
