/**
 * Builds CRR_CLEARING and CRR_INVENTORY tables. No real CRR response has been captured (OASIS.md §8.13),
 * so the shapes are provisional: the headers of OASIS.md §3.2, one monthly auction per calendar month
 * (`AUC_MN_2026_M11_TR`, term `MONTHLY`), on-/off-peak rows, and a fixed set of synthetic CRRs for the
 * daily inventory.
 *
 * @module
 */
import { mix } from "./hash.ts";
import { formatGmt, formatUnits } from "./format.ts";
import { nextDate, operatingDate, pacificMidnight } from "../src/oasis/time.ts";
import type { PriceModel } from "./prices.ts";
import { columnIndex, type ReportTable, type XmlLayout } from "./report_table.ts";

/** One monthly CRR auction period. */
export interface CrrMonth {
  /** Market name, e.g. `AUC_MN_2026_M11_TR`. */
  readonly marketName: string;
  /** First operating date, `YYYY-MM-DD`. */
  readonly startDate: string;
  /** Last operating date, `YYYY-MM-DD`. */
  readonly endDate: string;
  /** Pacific midnight starting the period. */
  readonly start: Date;
  /** Pacific midnight ending the period. */
  readonly end: Date;
}

/** Market term of every simulated auction. */
export const CRR_MARKET_TERM = "MONTHLY";

const CLEARING_HEADER = [
  "MARKET_NAME",
  "MARKET_TERM",
  "TIME_OF_USE",
  "START_DATE",
  "END_DATE",
  "START_DATE_GMT",
  "END_DATE_GMT",
  "APNODE_ID",
  "APNODE_ID_PRICE",
  "XML_DATA_ITEM",
];
const INVENTORY_HEADER = [
  "MARKET_NAME",
  "MARKET_TERM",
  "TIME_OF_USE",
  "INVENTORY_DATE",
  "START_DATE_GMT",
  "END_DATE_GMT",
  "SOURCE",
  "SINK",
  "OWNER",
  "CRR_OPTION",
  "CRR_CATEGORY",
  "CRR_SEGMENT",
  "XML_DATA_ITEM",
  "MW",
];
const TIMES_OF_USE = [["ON", "ON_PRC", "ON_MW"], ["OFF", "LT_OFF_PRC", "OFF_MW"]] as const;
const CRRS_PER_MONTH = 40;

/** The monthly auction covering operating date `date`. */
export function crrMonthOf(date: string): CrrMonth {
  const [y, m] = [date.slice(0, 4), date.slice(5, 7)];
  const startDate = `${y}-${m}-01`;
  const next = new Date(Date.UTC(Number(y), Number(m), 1)).toISOString().slice(0, 10);
  const last = new Date(Date.UTC(Number(y), Number(m), 0)).toISOString().slice(0, 10);
  return {
    marketName: `AUC_MN_${y}_M${m}_TR`,
    startDate,
    endDate: last,
    start: pacificMidnight(startDate),
    end: pacificMidnight(next),
  };
}

/** The operating dates whose day overlaps `[start, end)`. */
export function datesOverlapping(start: Date, end: Date): string[] {
  const out: string[] = [];
  if (end <= start) return out;
  const last = operatingDate(new Date(end.getTime() - 1));
  for (let d = operatingDate(start); d <= last; d = nextDate(d)) out.push(d);
  return out;
}

/** The auctions whose month overlaps `[start, end)`. */
export function monthsOverlapping(start: Date, end: Date): CrrMonth[] {
  const seen = new Map<string, CrrMonth>();
  for (const d of datesOverlapping(start, end)) {
    const month = crrMonthOf(d);
    seen.set(month.marketName, month);
  }
  return [...seen.values()];
}

function matches(filter: string, value: string): boolean {
  return filter === "ALL" || filter === value;
}

function field(header: string[], name: string) {
  const i = columnIndex(header, name);
  return (cells: readonly string[]) => cells[i] as string;
}

/** One `REPORT_ITEM` per (market, data item, `groupColumn`); `extra` are `[element, column]` pairs. */
function xmlLayout(
  report: string,
  header: string[],
  groupColumn: string,
  extra: Array<[string, string]>,
  value: string,
): XmlLayout {
  const market = field(header, "MARKET_NAME");
  const item = field(header, "XML_DATA_ITEM");
  const group = field(header, groupColumn);
  return {
    report,
    uom: report === "CRR_CLEARING" ? "US$/MW" : "MW",
    itemKey: (c) => `${market(c)}/${item(c)}/${group(c)}`,
    fields: [
      ["DATA_ITEM", item],
      ...extra.map(([element, column]) => [element, field(header, column)] as const),
      ["CRR_MARKET_NAME", market],
      ["MARKET_TERM", field(header, "MARKET_TERM")],
      ["TIME_OF_USE", field(header, "TIME_OF_USE")],
      ["INTERVAL_START_GMT", field(header, "START_DATE_GMT")],
      ["INTERVAL_END_GMT", field(header, "END_DATE_GMT")],
      ["VALUE", field(header, value)],
    ],
  };
}

/** Filters common to both CRR reports. */
export interface CrrFilters {
  /** `market_name` (`ALL` or one name). */
  readonly marketName: string;
  /** `market_term` (`ALL` or `MONTHLY`). */
  readonly marketTerm: string;
  /** `time_of_use` (`ALL`, `ON` or `OFF`). */
  readonly timeOfUse: string;
}

/** CRR_CLEARING for `months` at `nodes`. */
export function buildCrrClearingTable(
  months: readonly CrrMonth[],
  nodes: readonly string[],
  filters: CrrFilters,
  model: PriceModel,
): ReportTable {
  const lines: string[] = [];
  for (const month of months) {
    if (!matches(filters.marketName, month.marketName) || !matches(filters.marketTerm, CRR_MARKET_TERM)) {
      continue;
    }
    const period = `${month.startDate},${month.endDate},${formatGmt(month.start.getTime())},${
      formatGmt(month.end.getTime())
    }`;
    for (const [tou, item] of TIMES_OF_USE) {
      if (!matches(filters.timeOfUse, tou)) continue;
      for (const node of nodes) {
        const price = formatUnits(model.crrClearing(node, month.marketName, tou));
        lines.push(`${month.marketName},${CRR_MARKET_TERM},${tou},${period},${node},${price},${item}`);
      }
    }
  }
  const xml = xmlLayout(
    "CRR_CLEARING",
    CLEARING_HEADER,
    "MARKET_NAME",
    [["RESOURCE_NAME", "APNODE_ID"]],
    "APNODE_ID_PRICE",
  );
  return { header: CLEARING_HEADER, lines, xml };
}

/** CRR_INVENTORY for operating `dates`, with CRR sources and sinks drawn from `nodes`. */
export function buildCrrInventoryTable(
  dates: readonly string[],
  nodes: readonly string[],
  filters: CrrFilters,
  model: PriceModel,
): ReportTable {
  const lines: string[] = [];
  for (const date of dates) {
    const month = crrMonthOf(date);
    if (!matches(filters.marketName, month.marketName) || !matches(filters.marketTerm, CRR_MARKET_TERM)) {
      continue;
    }
    const period = `${formatGmt(month.start.getTime())},${formatGmt(month.end.getTime())}`;
    for (const [tou, , item] of TIMES_OF_USE) {
      if (!matches(filters.timeOfUse, tou)) continue;
      for (let k = 0; k < CRRS_PER_MONTH; k++) {
        const h = mix(0xc22, k, month.start.getTime());
        const source = nodes[h % nodes.length] as string;
        const sink = nodes[(h >>> 11) % nodes.length] as string;
        const owner = `CRR_OWNER_${String(1 + (k % 12)).padStart(2, "0")}`;
        const option = h % 10 === 0 ? "OPTION" : "OBLIGATION";
        const mw = formatUnits(model.crrMw(month.marketName, k, tou));
        lines.push(
          `${month.marketName},${CRR_MARKET_TERM},${tou},${date},${period},${source},${sink},${owner},${option},AUCTION,1,${item},${mw}`,
        );
      }
    }
  }
  const xml = xmlLayout("CRR_INVENTORY", INVENTORY_HEADER, "INVENTORY_DATE", [
    ["RESOURCE_NAME", "OWNER"],
    ["INVENTORY_DATE", "INVENTORY_DATE"],
    ["SOURCE", "SOURCE"],
    ["SINK", "SINK"],
    ["OPTION", "CRR_OPTION"],
    ["CRR_CATEGORY", "CRR_CATEGORY"],
    ["CRR_SEGMENT", "CRR_SEGMENT"],
  ], "MW");
  return { header: INVENTORY_HEADER, lines, xml };
}
