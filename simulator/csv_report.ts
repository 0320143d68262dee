/**
 * Writes a report table as OASIS CSV: UTF-8 without BOM, `\n` line endings, header first, a final
 * newline, no quoting (OASIS values never contain commas).
 *
 * @module
 */
import type { ReportTable } from "./report_table.ts";

/** The CSV text of `table`. */
export function csvText(table: ReportTable): string {
  const head = table.header.join(",") + "\n";
  return table.lines.length === 0 ? head : head + table.lines.join("\n") + "\n";
}

/** The CSV bytes of `table`. */
export function csvBytes(table: ReportTable): Uint8Array {
  return new TextEncoder().encode(csvText(table));
}
