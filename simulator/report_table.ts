/**
 * The neutral form of one report file before it is written as CSV or XML: the CSV header and lines (in
 * file order, `GROUP` last) and how the cells of a line map to an XML `REPORT_DATA` element. Lines are
 * kept as CSV text because building them directly is several times faster than joining cell arrays for
 * an all-node day (about 200,000 rows).
 *
 * @module
 */

/** How a table is written as an OASIS XML data document. */
export interface XmlLayout {
  /** `REPORT_HEADER/REPORT` (the query name). */
  readonly report: string;
  /** `REPORT_HEADER/MKT_TYPE`, when the report has a market. */
  readonly mktType?: string;
  /** `REPORT_HEADER/UOM`. */
  readonly uom: string;
  /** `REPORT_HEADER/SEC_PER_INTERVAL`, when the report has fixed intervals. */
  readonly secPerInterval?: number;
  /** Key of the `REPORT_ITEM` a line belongs to; a new item starts whenever it changes. */
  readonly itemKey: (cells: readonly string[]) => string;
  /** `REPORT_DATA` children in order: element name and how to read its text from the cells of a line. */
  readonly fields: ReadonlyArray<readonly [string, (cells: readonly string[]) => string]>;
}

/** One report file: a ZIP member once written. */
export interface ReportTable {
  /** Name part for one-member-per-component reports (`LMP`, `MCC`, …); absent for a single member. */
  readonly part?: string;
  /** CSV header. */
  readonly header: readonly string[];
  /** CSV lines (no newline), in file order. */
  readonly lines: readonly string[];
  /** XML form. */
  readonly xml: XmlLayout;
}

/** A copy of `table` whose column (and XML element) `from` is called `to`; used by fault injection. */
export function renameColumn(table: ReportTable, from: string, to: string): ReportTable {
  return {
    ...table,
    header: table.header.map((h) => (h === from ? to : h)),
    xml: {
      ...table.xml,
      fields: table.xml.fields.map(([name, read]) => [name === from ? to : name, read] as const),
    },
  };
}

/** Item key for tables whose last column is OASIS's `GROUP` row-group counter. */
export function lastCell(cells: readonly string[]): string {
  return cells[cells.length - 1] as string;
}

/** Index of `column` in `header`; throws `RangeError` when a builder names a column that does not exist. */
export function columnIndex(header: readonly string[], column: string): number {
  const i = header.indexOf(column);
  if (i < 0) throw new RangeError(`Unknown column "${column}" in simulator table`);
  return i;
}
