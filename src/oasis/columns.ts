/**
 * Which source column feeds which normalized field, per report family. Columns are always found by
 * header name (their order differs between reports and versions). A missing required column makes every
 * row of a CSV file (or XML element, every `REPORT_DATA` without it) a row problem naming it (`findColumns`).
 *
 * @module
 */
import type { ReportFamily } from "./datasets.ts";

/** A family's column rules: candidates in order of preference for each field. */
export interface ColumnRules {
  readonly start: readonly string[];
  readonly end: readonly string[];
  readonly oprDate: readonly string[];
  readonly oprHour: readonly string[];
  readonly oprInterval: readonly string[];
  readonly node: readonly string[];
  readonly component: readonly string[];
  readonly value: readonly string[];
  /** Columns joined with `/` into `qualifier` (CRR identity), empty for other families. */
  readonly qualifier: readonly string[];
}

/** Family used for reports outside the dataset table (forecasts, other samples). */
export type ColumnFamily = ReportFamily | "generic";

const START = ["INTERVALSTARTTIME_GMT", "INTERVAL_START_GMT", "STARTTIME_GMT", "START_DATE_GMT"];
const END = ["INTERVALENDTIME_GMT", "INTERVAL_END_GMT", "ENDTIME_GMT", "END_DATE_GMT"];
const OPR_DATE = ["OPR_DT", "OPR_DATE"];
const OPR_HOUR = ["OPR_HR"];
const OPR_INTERVAL = ["OPR_INTERVAL"];

/** Column rules per family, for CSV headers and XML element names alike. */
export const COLUMN_RULES: Readonly<Record<ColumnFamily, ColumnRules>> = {
  lmp: {
    start: START,
    end: END,
    oprDate: OPR_DATE,
    oprHour: OPR_HOUR,
    oprInterval: OPR_INTERVAL,
    node: ["NODE", "NODE_ID", "RESOURCE_NAME"],
    component: ["LMP_TYPE", "DATA_ITEM", "XML_DATA_ITEM"],
    value: ["MW", "PRC", "VALUE"],
    qualifier: [],
  },
  as: {
    start: START,
    end: END,
    oprDate: OPR_DATE,
    oprHour: OPR_HOUR,
    oprInterval: OPR_INTERVAL,
    node: ["ANC_REGION", "RESOURCE_NAME"],
    component: ["ANC_TYPE", "DATA_ITEM", "XML_DATA_ITEM"],
    value: ["MW", "VALUE"],
    qualifier: [],
  },
  crr_clearing: {
    start: ["START_DATE_GMT", "START_DATE_TIME", ...START],
    end: ["END_DATE_GMT", "END_DATE_TIME", ...END],
    oprDate: ["START_DATE", "OPR_DATE"],
    oprHour: [],
    oprInterval: [],
    node: ["APNODE_ID", "RESOURCE_NAME"],
    component: ["XML_DATA_ITEM", "DATA_ITEM"],
    value: ["APNODE_ID_PRICE", "VALUE"],
    qualifier: ["MARKET_NAME|CRR_MARKET_NAME", "MARKET_TERM|REASON", "TIME_OF_USE"],
  },
  crr_inventory: {
    start: ["START_DATE_GMT", "START_DATE_TIME", ...START],
    end: ["END_DATE_GMT", "END_DATE_TIME", ...END],
    oprDate: ["INVENTORY_DATE", "INVENTORY_DATE_TIME", "OPR_DATE"],
    oprHour: [],
    oprInterval: [],
    node: ["SOURCE"],
    component: ["XML_DATA_ITEM", "DATA_ITEM"],
    value: ["MW", "VALUE"],
    qualifier: [
      "MARKET_NAME|CRR_MARKET_NAME",
      "MARKET_TERM|REASON",
      "TIME_OF_USE",
      "SINK",
      "OWNER|RESOURCE_NAME",
      "CRR_OPTION|OPTION",
      "CRR_CATEGORY",
      "CRR_SEGMENT",
    ],
  },
  generic: {
    start: START,
    end: END,
    oprDate: OPR_DATE,
    oprHour: OPR_HOUR,
    oprInterval: OPR_INTERVAL,
    node: ["NODE", "RESOURCE_NAME", "TAC_AREA_NAME", "ANC_REGION", "APNODE_ID", "TRADING_HUB"],
    component: ["LMP_TYPE", "ANC_TYPE", "XML_DATA_ITEM", "DATA_ITEM"],
    value: ["MW", "PRC", "VALUE", "APNODE_ID_PRICE"],
    qualifier: [],
  },
};

/** Column positions resolved against one header; -1 where an optional column is absent. */
export interface ColumnIndex {
  readonly start: number;
  readonly end: number;
  readonly oprDate: number;
  readonly oprHour: number;
  readonly oprInterval: number;
  readonly node: number;
  readonly component: number;
  readonly value: number;
  readonly qualifier: readonly number[];
}

function find(header: readonly string[], candidates: readonly string[]): number {
  for (const c of candidates) {
    for (const alt of c.split("|")) {
      const i = header.indexOf(alt);
      if (i >= 0) return i;
    }
  }
  return -1;
}

/** Column positions in one header, and the required columns it lacks (their rows cannot be read). */
export interface FoundColumns {
  /** Positions; -1 for every column not found, required or not. */
  readonly index: ColumnIndex;
  /** Required columns not found, by their preferred name (the pinned value column by its exact name). */
  readonly missing: readonly string[];
}

/** Options of `findColumns`. */
export interface FindColumnsOptions {
  /** Exact value column of the pinned version: required by that name, never a silent fallback. */
  readonly valueColumn?: string;
  /**
   * The report's expected header (or XML elements): a missing required column is named by its candidate
   * found there (`VALUE` in XML), else by its first candidate (`MW`).
   */
  readonly expected?: readonly string[];
}

/**
 * Finds `family`'s columns in `header` by name. `valueColumn`, when given, must be present by that exact
 * name (the pinned version's value column); a renamed column is missing, never a silent fallback.
 */
export function findColumns(
  header: readonly string[],
  family: ColumnFamily,
  options: FindColumnsOptions = {},
): FoundColumns {
  const { valueColumn, expected } = options;
  const rules = COLUMN_RULES[family];
  const missing: string[] = [];
  const nameOf = (candidates: readonly string[]): string => {
    const names = candidates.flatMap((c) => c.split("|"));
    return names.find((n) => expected?.includes(n)) ?? names[0]!;
  };
  const required = (candidates: readonly string[], name = nameOf(candidates)): number => {
    const i = find(header, candidates);
    if (i < 0) missing.push(name);
    return i;
  };
  // The value column first: when it is missing, it is the one an error names.
  const value = valueColumn ? required([valueColumn], valueColumn) : required(rules.value);
  const index: ColumnIndex = {
    start: required(rules.start),
    end: required(rules.end),
    oprDate: find(header, rules.oprDate),
    oprHour: find(header, rules.oprHour),
    oprInterval: find(header, rules.oprInterval),
    node: required(rules.node),
    component: required(rules.component),
    value,
    qualifier: rules.qualifier.map((c) => find(header, [c])),
  };
  return { index, missing };
}
