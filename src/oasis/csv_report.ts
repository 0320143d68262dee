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
import { checkHeader, EXPECTED_COLUMNS, type HeaderCheck, unreadableReason } from "./report_columns.ts";
import type { OasisRow, RowProblem } from "./row.ts";

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
  const onRow = (cells: string[], i: number): void => {
    if (i === 0) {
      header = cells.map((c) => c.trim());
      const { index, missing } = findColumns(header, ctx.family, { valueColumn: ctx.valueColumn });
      schema = checkHeader(header, missing, ctx, EXPECTED_COLUMNS);
      if (missing.length > 0) unreadable = unreadableReason(missing, schema?.renamed ?? []);
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
    const out = unreadable === undefined ? b.build(cells, i) : b.unreadable(unreadable, cells, i);
    if (isProblem(out)) problems.push(out);
    else rows.push(out);
  };
  forEachCsvRow(text, onRow);
  if (!header) {
    throw new OasisParseError(`Cannot parse "${ctx.report}" report: the file is empty`, { file: ctx.file });
  }
  return { header, rows, problems, ...(schema ? { schema } : {}) };
}
