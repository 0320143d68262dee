/**
 * The schema-drift faults beside `renameColumn`: a report table with one column dropped, or with a new
 * column before its last (`GROUP`) one, as when OASIS changes a report without notice. The CSV lines
 * change; the XML layout drops or adds the element and keeps reading the other cells where they were.
 *
 * @module
 */
import type { ReportTable, XmlLayout } from "./report_table.ts";

type Read = (cells: readonly string[]) => string;

/** `layout` with every reader seeing the cells as they were before `restore` undoes a change. */
function readThrough(
  layout: XmlLayout,
  restore: (cells: readonly string[]) => readonly string[],
  fields: XmlLayout["fields"],
): XmlLayout {
  const wrap = (read: Read): Read => (cells) => read(restore(cells));
  return {
    ...layout,
    itemKey: wrap(layout.itemKey),
    fields: fields.map(([name, read]) => [name, wrap(read)] as const),
  };
}

/** A copy of `table` without the CSV column or XML element `column` (unchanged when it has neither). */
export function dropColumn(table: ReportTable, column: string): ReportTable {
  const at = table.header.indexOf(column);
  const fields = table.xml.fields.filter(([name]) => name !== column);
  if (at < 0) return { ...table, xml: { ...table.xml, fields } }; // an XML element name, or none
  const without = (cells: readonly string[]) => cells.filter((_, i) => i !== at);
  return {
    ...table,
    header: without(table.header),
    lines: table.lines.map((line) => without(line.split(",")).join(",")),
    xml: readThrough(
      table.xml,
      (cells) => [...cells.slice(0, at), "", ...cells.slice(at)],
      fields,
    ),
  };
}

/** A copy of `table` with `column`, holding `value` on every line, before its last column. */
export function addColumn(table: ReportTable, column: string, value: string): ReportTable {
  const at = Math.max(0, table.header.length - 1);
  const insert = (
    cells: readonly string[],
    cell: string,
  ) => [...cells.slice(0, at), cell, ...cells.slice(at)];
  return {
    ...table,
    header: insert(table.header, column),
    lines: table.lines.map((line) => insert(line.split(","), value).join(",")),
    xml: readThrough(
      table.xml,
      (cells) => cells.filter((_, i) => i !== at),
      [...table.xml.fields, [column, () => value] as const],
    ),
  };
}
