/**
 * Parses an OASIS CSV report (`resultformat=6`) into normalized rows, reading records with `csv_rows.ts`.
 *
 * @module
 */
import { type ColumnFamily, findColumns } from "./columns.ts";
import { forEachCsvRow } from "./csv_rows.ts";
import type { DatasetName } from "./datasets.ts";
import { OasisParseError } from "./errors.ts";
import { isProblem, RowBuilder } from "./normalize.ts";
import { compareHeader, EXPECTED_COLUMNS, type HeaderCheck } from "./report_columns.ts";
import type { OasisRow, RowProblem } from "./row.ts";
import { gmtToIso } from "./time.ts";

/** What the CSV parser needs to know about the file. */
export interface CsvReportContext {
  /** Dataset the rows belong to. */
  readonly dataset: DatasetName | "other";
  /** OASIS report name, for rows and messages. */
  readonly report: string;
  /** Column rules to apply. */
  readonly family: ColumnFamily;
  /** File (ZIP member) name. */
  readonly file: string;
  /** Exact value column of the pinned version, when known. */
  readonly valueColumn?: string;
}

/** Rows and rejected rows of one CSV file. */
export interface CsvReport {
  /** Header columns, in file order. */
  readonly header: string[];
  /** Normalized rows, in file order. */
  readonly rows: OasisRow[];
  /** Rows that could not be normalized. */
  readonly problems: RowProblem[];
  /** The header compared with the report's expected one; absent for reports outside the dataset table. */
  readonly schema?: HeaderCheck;
}

/** The header compared with the expected one of `ctx.report`, when the report has one. */
function checkHeader(
  header: string[],
  missing: readonly string[],
  ctx: CsvReportContext,
): HeaderCheck | undefined {
  const expected = ctx.dataset === "other" ? undefined : EXPECTED_COLUMNS[ctx.report];
  if (!expected) return undefined;
  return { report: ctx.report, file: ctx.file, ...compareHeader(header, expected), missing };
}

/** Why a row cannot be read when `column` is missing from the header, with the header's likely new name. */
function missingReason(column: string, schema: HeaderCheck | undefined): string {
  const to = schema?.renamed.find((r) => r.from === column)?.to;
  return `Missing column "${column}"` + (to === undefined ? "" : ` (the header has "${to}" in its place)`);
}

/**
 * Parses one CSV file. Columns are found by name; when the header lacks a required column, every row
 * becomes a row problem naming it (the rows still reach the dead-letter topic with their raw columns).
 * Throws `OasisParseError` for an empty file.
 */
export function parseCsvReport(text: string, ctx: CsvReportContext): CsvReport {
  const rows: OasisRow[] = [];
  const problems: RowProblem[] = [];
  let header: string[] | undefined;
  let builder: RowBuilder | undefined;
  let schema: HeaderCheck | undefined;
  let unreadable: string | undefined;
  let startColumn = -1;
  const starts = new Map<string, string | undefined>();
  const onRow = (cells: string[], i: number): void => {
    if (i === 0) {
      header = cells.map((c) => c.trim());
      const { index, missing } = findColumns(header, ctx.family, ctx.valueColumn);
      schema = checkHeader(header, missing, ctx);
      if (missing.length > 0) unreadable = missing.map((c) => missingReason(c, schema)).join("; ");
      startColumn = index.start;
      builder = new RowBuilder({ ...ctx, header, index });
      return;
    }
    if (cells.length === 1 && cells[0] === "") return; // blank line
    const b = builder!;
    if (cells.length !== header!.length) {
      problems.push({
        reason: `Expected ${header!.length} columns, found ${cells.length}`,
        raw: b.raw(cells),
        source_file: ctx.file,
        row_number: i,
      });
      return;
    }
    if (unreadable !== undefined) {
      const problem: RowProblem = {
        reason: unreadable,
        raw: b.raw(cells),
        source_file: ctx.file,
        row_number: i,
      };
      const text = cells[startColumn] ?? "";
      let start = starts.get(text);
      if (start === undefined && !starts.has(text)) {
        start = gmtToIso(text);
        if (starts.size < 10_000) starts.set(text, start);
      }
      problems.push(start === undefined ? problem : { ...problem, interval_start: start });
      return;
    }
    const out = b.build(cells, i);
    if (isProblem(out)) problems.push(out);
    else rows.push(out);
  };
  forEachCsvRow(text, onRow);
  if (!header) {
    throw new OasisParseError(`Cannot parse "${ctx.report}" report: the file is empty`, { file: ctx.file });
  }
  return { header, rows, problems, ...(schema ? { schema } : {}) };
}
