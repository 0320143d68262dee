/**
 * Builds PRC_LMP (DAM), PRC_RTPD_LMP (FMM) and PRC_INTVL_LMP (RTM) report tables in the recorded
 * shapes: columns as in OASIS.md §3.2; rows by operating date, then node (sorted), then component, one
 * `GROUP` per (date, node, component); DAM hours shuffled inside a group like the recorded DAM file, RT
 * rows by interval-within-hour then hour like the recorded RTPD file. PRC_LMP v12 and the RT reports
 * from v3 give one table per component; older versions one table with every component.
 *
 * @module
 */
import { hashString, mix, shuffleInPlace } from "./hash.ts";
import { formatUnits } from "./format.ts";
import type { Interval } from "./intervals.ts";
import { isApnode } from "./nodes.ts";
import type { LmpUnits, Market, PriceModel } from "./prices.ts";
import { columnIndex, lastCell, type ReportTable, type XmlLayout } from "./report_table.ts";

/** The LMP queries the simulator serves. */
export type LmpQuery = "PRC_LMP" | "PRC_RTPD_LMP" | "PRC_INTVL_LMP";

/** Fixed facts of each LMP query. */
export const LMP_REPORTS: Readonly<
  Record<LmpQuery, { market: Market; minutes: number; splitFromVersion: number; ghgFromVersion: number }>
> = {
  PRC_LMP: { market: "DAM", minutes: 60, splitFromVersion: 12, ghgFromVersion: 1 },
  PRC_RTPD_LMP: { market: "RTPD", minutes: 15, splitFromVersion: 3, ghgFromVersion: 2 },
  PRC_INTVL_LMP: { market: "RTM", minutes: 5, splitFromVersion: 3, ghgFromVersion: 2 },
};

const COMPONENTS = [
  ["LMP", "LMP_PRC", "lmp"],
  ["MCC", "LMP_CONG_PRC", "mcc"],
  ["MCE", "LMP_ENE_PRC", "mce"],
  ["MCL", "LMP_LOSS_PRC", "mcl"],
  ["MGHG", "LMP_GHG_PRC", "mghg"],
] as const;

/** What to build. */
export interface LmpReportOptions {
  /** Query name. */
  readonly query: LmpQuery;
  /** Requested version. */
  readonly version: number;
  /** Nodes, in any order (written sorted, without duplicates). */
  readonly nodes: readonly string[];
  /** Published intervals of the window, in time order. */
  readonly intervals: readonly Interval[];
  /** Price model. */
  readonly model: PriceModel;
  /** Seed for the row shuffle. */
  readonly seed: number;
}

function valueColumn(query: LmpQuery, version: number): string {
  if (query === "PRC_LMP") return "MW";
  if (query === "PRC_RTPD_LMP") return "PRC";
  return version >= 2 ? "VALUE" : "MW";
}

function headerOf(query: LmpQuery, value: string): string[] {
  const ids = [
    "NODE_ID_XML",
    "NODE_ID",
    "NODE",
    "MARKET_RUN_ID",
    "LMP_TYPE",
    "XML_DATA_ITEM",
    "PNODE_RESMRID",
  ];
  const times = ["INTERVALSTARTTIME_GMT", "INTERVALENDTIME_GMT", "OPR_DT", "OPR_HR"];
  return query === "PRC_LMP"
    ? [...times, "OPR_INTERVAL", ...ids, "GRP_TYPE", "POS", value, "GROUP"]
    : [...times, ...ids, "GRP_TYPE", "POS", value, "OPR_INTERVAL", "GROUP"];
}

function xmlLayout(query: LmpQuery, header: string[], value: string): XmlLayout {
  const [item, node, date, hour, interval, start, end, val] = [
    "XML_DATA_ITEM",
    "NODE",
    "OPR_DT",
    "OPR_HR",
    "OPR_INTERVAL",
    "INTERVALSTARTTIME_GMT",
    "INTERVALENDTIME_GMT",
    value,
  ].map((c) => columnIndex(header, c)) as number[];
  const { market, minutes } = LMP_REPORTS[query];
  const perHour = 60 / minutes;
  const at = (i: number | undefined) => (row: readonly string[]) => row[i as number] as string;
  return {
    report: query,
    mktType: market,
    uom: "US$/MWh",
    secPerInterval: minutes * 60,
    itemKey: lastCell,
    fields: [
      ["DATA_ITEM", at(item)],
      ["RESOURCE_NAME", at(node)],
      ["OPR_DATE", at(date)],
      [
        "INTERVAL_NUM",
        (row) =>
          String((Number(row[hour as number]) - 1) * perHour + Math.max(1, Number(row[interval as number]))),
      ],
      ["INTERVAL_START_GMT", at(start)],
      ["INTERVAL_END_GMT", at(end)],
      ["VALUE", at(val)],
    ],
  };
}

function byDate(intervals: readonly Interval[]): Interval[][] {
  const out: Interval[][] = [];
  for (const iv of intervals) {
    const last = out[out.length - 1];
    if (last && last[0]?.oprDate === iv.oprDate) last.push(iv);
    else out.push([iv]);
  }
  return out;
}

/** The report tables for an LMP request (no lines when no interval is given). */
export function buildLmpTables(options: LmpReportOptions): ReportTable[] {
  const { query, version, model, seed } = options;
  const spec = LMP_REPORTS[query];
  const hourly = spec.minutes === 60;
  const value = valueColumn(query, version);
  const header = headerOf(query, value);
  const xml = xmlLayout(query, header, value);
  const components = COMPONENTS.filter(([name]) => name !== "MGHG" || version >= spec.ghgFromVersion);
  const split = version >= spec.splitFromVersion;
  const tables = (split ? components.map(([name]) => name) : [undefined]).map((part) => ({
    part,
    lines: [] as string[],
    group: 0,
  }));
  const nodes = [...new Set(options.nodes)].sort();
  for (const day of byDate(options.intervals)) {
    const date = day[0]?.oprDate as string;
    // Everything before the node columns, and (RT) what follows the value, per interval.
    const heads = day.map((iv) => {
      const hour = hourly ? String(iv.oprHour) : String(iv.oprHour).padStart(2, "0");
      return `${iv.startGmt},${iv.endGmt},${date},${hour},${hourly ? "0," : ""}`;
    });
    const tails = day.map((iv) => (hourly ? "," : `,${iv.oprInterval},`));
    const rtOrder = day.map((_, i) => i).sort((a, b) =>
      (day[a] as Interval).oprInterval - (day[b] as Interval).oprInterval || a - b
    );
    for (const node of nodes) {
      const prices: LmpUnits[] = day.map((iv) => model.lmp(node, iv, spec.market));
      const ap = isApnode(node);
      const nodeKey = mix(seed, hashString(node), hashString(date));
      components.forEach(([name, item, key], c) => {
        const table = (split ? tables[c] : tables[0]) as (typeof tables)[number];
        const group = String(++table.group);
        const middle = `${node},${node},${node},${spec.market},${name},${item},${node},${
          ap ? "ALL_APNODES,0" : "ALL,1"
        },`;
        const order = hourly ? shuffleInPlace(day.map((_, i) => i), mix(nodeKey, c)) : rtOrder;
        for (const i of order) {
          const v = formatUnits((prices[i] as LmpUnits)[key]);
          table.lines.push((heads[i] as string) + middle + v + (tails[i] as string) + group);
        }
      });
    }
  }
  return tables.map((t) => ({ part: t.part, header, lines: t.lines, xml }));
}
