/**
 * Builds PRC_AS (DAM, hourly, `OPR_TYPE` Hourly) and PRC_INTVL_AS (RTM, 15-minute, `OPR_TYPE` Interval)
 * report tables with the headers of OASIS.md §3.2: one `GROUP` per (operating date, region, AS type),
 * rows in time order, and now and then an empty `MW` cell as real files have.
 *
 * @module
 */
import { formatUnits } from "./format.ts";
import type { Interval } from "./intervals.ts";
import { ANC_REGIONS, ANC_TYPES, type PriceModel } from "./prices.ts";
import { columnIndex, lastCell, type ReportTable, type XmlLayout } from "./report_table.ts";

/** The AS queries the simulator serves. */
export type AsQuery = "PRC_AS" | "PRC_INTVL_AS";

/** Fixed facts of each AS query. */
export const AS_REPORTS: Readonly<Record<AsQuery, { market: "DAM" | "RTM"; minutes: number }>> = {
  PRC_AS: { market: "DAM", minutes: 60 },
  PRC_INTVL_AS: { market: "RTM", minutes: 15 },
};

/** `XML_DATA_ITEM` of each AS type. */
export const AS_DATA_ITEMS: Readonly<Record<string, string>> = {
  NR: "NS_CLR_PRC",
  RD: "RD_CLR_PRC",
  RMD: "RMD_CLR_PRC",
  RMU: "RMU_CLR_PRC",
  RU: "RU_CLR_PRC",
  SR: "SP_CLR_PRC",
};

const HEADERS: Record<AsQuery, string[]> = {
  PRC_AS: [
    "INTERVALSTARTTIME_GMT",
    "INTERVALENDTIME_GMT",
    "OPR_DT",
    "OPR_HR",
    "OPR_INTERVAL",
    "OPR_TYPE",
    "ANC_TYPE",
    "ANC_REGION",
    "MARKET_RUN_ID",
    "XML_DATA_ITEM",
    "MW",
    "GROUP",
  ],
  PRC_INTVL_AS: [
    "INTERVALSTARTTIME_GMT",
    "INTERVALENDTIME_GMT",
    "OPR_DT",
    "OPR_HR",
    "OPR_TYPE",
    "ANC_TYPE",
    "XML_DATA_ITEM",
    "MARKET_RUN_ID",
    "MW",
    "ANC_REGION",
    "OPR_INTERVAL",
    "GROUP",
  ],
};

/** What to build. */
export interface AsReportOptions {
  /** Query name. */
  readonly query: AsQuery;
  /** Published intervals, in time order. */
  readonly intervals: readonly Interval[];
  /** `anc_type` filter (`ALL` or one type). */
  readonly ancType: string;
  /** `anc_region` filter (`ALL` or one region). */
  readonly ancRegion: string;
  /** Price model. */
  readonly model: PriceModel;
}

function xmlLayout(query: AsQuery, header: string[]): XmlLayout {
  const col = (name: string) => {
    const i = columnIndex(header, name);
    return (cells: readonly string[]) => cells[i] as string;
  };
  const hour = columnIndex(header, "OPR_HR");
  const interval = columnIndex(header, "OPR_INTERVAL");
  const { minutes, market } = AS_REPORTS[query];
  const perHour = 60 / minutes;
  return {
    report: query,
    mktType: market,
    uom: "US$/MW",
    secPerInterval: minutes * 60,
    itemKey: lastCell,
    fields: [
      ["DATA_ITEM", col("XML_DATA_ITEM")],
      ["RESOURCE_NAME", col("ANC_REGION")],
      ["OPR_DATE", col("OPR_DT")],
      ["INTERVAL_NUM", (c) => String((Number(c[hour]) - 1) * perHour + Math.max(1, Number(c[interval])))],
      ["INTERVAL_START_GMT", col("INTERVALSTARTTIME_GMT")],
      ["INTERVAL_END_GMT", col("INTERVALENDTIME_GMT")],
      ["VALUE", col("MW")],
    ],
  };
}

/** The single report table for an AS request. */
export function buildAsTable(options: AsReportOptions): ReportTable {
  const { query, model } = options;
  const { market } = AS_REPORTS[query];
  const header = HEADERS[query];
  const types = ANC_TYPES.filter((t) => options.ancType === "ALL" || t === options.ancType);
  const regions = ANC_REGIONS.filter((r) => options.ancRegion === "ALL" || r === options.ancRegion);
  const lines: string[] = [];
  let group = 0;
  const dates = [...new Set(options.intervals.map((iv) => iv.oprDate))];
  for (const date of dates) {
    const day = options.intervals.filter((iv) => iv.oprDate === date);
    for (const region of regions) {
      for (const type of types) {
        const g = ++group;
        const item = AS_DATA_ITEMS[type] as string;
        for (const iv of day) {
          const price = model.asPrice(type, region, iv, market);
          const mw = price === null ? "" : formatUnits(price);
          const times = `${iv.startGmt},${iv.endGmt},${date},${iv.oprHour}`;
          lines.push(
            query === "PRC_AS"
              ? `${times},0,Hourly,${type},${region},${market},${item},${mw},${g}`
              : `${times},Interval,${type},${item},${market},${mw},${region},${iv.oprInterval},${g}`,
          );
        }
      }
    }
  }
  return { header, lines, xml: xmlLayout(query, header) };
}
