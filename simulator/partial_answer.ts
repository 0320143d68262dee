/**
 * The "partial answer" fault: OASIS sometimes answers with fewer rows than asked for (hours not yet
 * published, a node missing from a group file, a hiccup on its side). This drops the lines of a report
 * table that match every given filter: node (LMP `NODE`, AS `ANC_REGION`, CRR clearing `APNODE_ID`),
 * component (`LMP_TYPE`, `ANC_TYPE`, CRR `XML_DATA_ITEM`) and interval (CRR: auction period) start at or
 * after `from`. The first of the named columns a table has is the one filtered.
 *
 * @module
 */
import type { ReportTable } from "./report_table.ts";

/** Which rows a partial answer leaves out (every given filter must match). */
export interface PartialAnswer {
  readonly node?: string;
  readonly component?: string;
  /** UTC ISO-8601: rows whose interval starts at or after it are left out. */
  readonly from?: string;
}

const NODE_COLUMNS = ["NODE", "ANC_REGION", "APNODE_ID"];
const COMPONENT_COLUMNS = ["LMP_TYPE", "ANC_TYPE", "XML_DATA_ITEM"];
const START_COLUMNS = ["INTERVALSTARTTIME_GMT", "START_DATE_GMT"];

/** A copy of `table` without the lines `drop` matches. */
export function partialTable(table: ReportTable, drop: PartialAnswer): ReportTable {
  const column = (names: string[]) => names.map((n) => table.header.indexOf(n)).find((i) => i >= 0) ?? -1;
  const node = column(NODE_COLUMNS), component = column(COMPONENT_COLUMNS);
  const start = column(START_COLUMNS);
  const from = drop.from === undefined ? undefined : Date.parse(drop.from);
  const dropped = (line: string) => {
    const cells = line.split(",");
    if (drop.node !== undefined && cells[node] !== drop.node) return false;
    if (drop.component !== undefined && cells[component] !== drop.component) return false;
    return from === undefined || Date.parse(cells[start] ?? "") >= from;
  };
  return { ...table, lines: table.lines.filter((l) => !dropped(l)) };
}
