/**
 * Which source column feeds which normalized field, per report family. Columns are always found by
 * header name (their order differs between reports and versions); a missing required column is an
 * `OasisParseError` that names it.
 *
 * @module
 */
import { OasisParseError } from "./errors.ts";
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

/**
 * Resolves `family`'s columns in `header`. `valueColumn`, when given, must be present by that exact name
 * (the pinned version's value column); a renamed column is an error, never a silent fallback.
 */
export function resolveColumns(
  header: readonly string[],
  family: ColumnFamily,
  context: { report: string; file: string; valueColumn?: string },
): ColumnIndex {
  const rules = COLUMN_RULES[family];
  const missing = (name: string): never => {
    throw new OasisParseError(
      `Cannot parse "${context.report}" report: missing column "${name}" (columns: ${header.join(",")})`,
      { file: context.file, line: 1 },
    );
  };
  const required = (candidates: readonly string[]): number => {
    const i = find(header, candidates);
    return i >= 0 ? i : missing(candidates[0]!.split("|")[0]!);
  };
  const value = context.valueColumn
    ? (header.indexOf(context.valueColumn) >= 0
      ? header.indexOf(context.valueColumn)
      : missing(context.valueColumn))
    : required(rules.value);
  return {
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
}
