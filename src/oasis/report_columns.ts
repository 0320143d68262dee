/**
 * The CSV header each pinned report is expected to have (OASIS.md §3.2, in file order) and the elements of
 * its XML `REPORT_DATA` (§3.3), and the comparison of a header seen against them: columns added, dropped,
 * and renamed (a new name where an expected one is missing). OASIS changes reports with little or no notice
 * (EDAM, 2026-05-01), so every answer is checked, CSV or XML; the parser reports the difference beside its
 * rows and the caller decides what to do with it. Pure: no logging here.
 *
 * @module
 */
import type { DatasetName } from "./datasets.ts";

const LMP_IDS = [
  "NODE_ID_XML",
  "NODE_ID",
  "NODE",
  "MARKET_RUN_ID",
  "LMP_TYPE",
  "XML_DATA_ITEM",
  "PNODE_RESMRID",
  "GRP_TYPE",
  "POS",
];
const TIMES = ["INTERVALSTARTTIME_GMT", "INTERVALENDTIME_GMT", "OPR_DT", "OPR_HR"];
const CRR = ["MARKET_NAME", "MARKET_TERM", "TIME_OF_USE"];

/** Expected CSV header of each query at its pinned version (`datasets.ts`), by query name. */
export const EXPECTED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  PRC_LMP: [...TIMES, "OPR_INTERVAL", ...LMP_IDS, "MW", "GROUP"],
  PRC_RTPD_LMP: [...TIMES, ...LMP_IDS, "PRC", "OPR_INTERVAL", "GROUP"],
  PRC_INTVL_LMP: [...TIMES, ...LMP_IDS, "VALUE", "OPR_INTERVAL", "GROUP"],
  PRC_AS: [
    ...TIMES,
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
    ...TIMES,
    "OPR_TYPE",
    "ANC_TYPE",
    "XML_DATA_ITEM",
    "MARKET_RUN_ID",
    "MW",
    "ANC_REGION",
    "OPR_INTERVAL",
    "GROUP",
  ],
  CRR_CLEARING: [
    ...CRR,
    "START_DATE",
    "END_DATE",
    "START_DATE_GMT",
    "END_DATE_GMT",
    "APNODE_ID",
    "APNODE_ID_PRICE",
    "XML_DATA_ITEM",
  ],
  CRR_INVENTORY: [
    ...CRR,
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
  ],
};

/** The `REPORT_DATA` elements of every OASIS price report in XML (OASIS.md §3.3), in document order. */
export const XML_DATA_ELEMENTS: readonly string[] = [
  "DATA_ITEM",
  "RESOURCE_NAME",
  "OPR_DATE",
  "INTERVAL_NUM",
  "INTERVAL_START_GMT",
  "INTERVAL_END_GMT",
  "VALUE",
];
const XML_CRR = [
  "CRR_MARKET_NAME",
  "MARKET_TERM",
  "TIME_OF_USE",
  "INTERVAL_START_GMT",
  "INTERVAL_END_GMT",
  "VALUE",
];

/**
 * Expected `REPORT_DATA` elements of each query in XML, by query name: the price reports as OASIS.md §3.3
 * records them; CRR (no recorded XML) as the simulator writes them.
 */
export const EXPECTED_ELEMENTS: Readonly<Record<string, readonly string[]>> = {
  PRC_LMP: XML_DATA_ELEMENTS,
  PRC_RTPD_LMP: XML_DATA_ELEMENTS,
  PRC_INTVL_LMP: XML_DATA_ELEMENTS,
  PRC_AS: XML_DATA_ELEMENTS,
  PRC_INTVL_AS: XML_DATA_ELEMENTS,
  CRR_CLEARING: ["DATA_ITEM", "RESOURCE_NAME", ...XML_CRR],
  CRR_INVENTORY: [
    "DATA_ITEM",
    "RESOURCE_NAME",
    "INVENTORY_DATE",
    "SOURCE",
    "SINK",
    "OPTION",
    "CRR_CATEGORY",
    "CRR_SEGMENT",
    ...XML_CRR,
  ],
};

/** A column that seems renamed: `from` (expected) is missing and `to` (new) stands in its place. */
export interface RenamedColumn {
  /** The expected name. */
  readonly from: string;
  /** The name in the header. */
  readonly to: string;
}

/** How a header differs from the expected one; every list empty when it matches (order is not checked). */
export interface HeaderDifference {
  /** New columns, in header order (renamed ones excluded). */
  readonly added: readonly string[];
  /** Expected columns absent, in expected order (renamed ones excluded). */
  readonly dropped: readonly string[];
  /** Columns that seem renamed. */
  readonly renamed: readonly RenamedColumn[];
}

/** What the parser saw in one CSV header, or in the `REPORT_DATA` elements of one XML file, of a known report. */
export interface HeaderCheck extends HeaderDifference {
  /** OASIS report (query) name. */
  readonly report: string;
  /** ZIP member the header came from. */
  readonly file: string;
  /** Required columns not found: no row of the file can be read, each becomes a row problem. */
  readonly missing: readonly string[];
}

/**
 * The difference between `header` and `expected`. A new column counts as a rename of a missing one when
 * it stands where that one was expected: at the same position, or right after the column that preceded it.
 */
export function compareHeader(header: readonly string[], expected: readonly string[]): HeaderDifference {
  const seen = new Set(header);
  const wanted = new Set(expected);
  const missing = new Set(expected.filter((c) => !seen.has(c)));
  const added: string[] = [];
  const renamed: RenamedColumn[] = [];
  header.forEach((name, i) => {
    if (wanted.has(name)) return;
    const before = i > 0 ? expected.indexOf(header[i - 1]!) : -1;
    const from = [expected[i], before >= 0 ? expected[before + 1] : undefined]
      .find((c) => c !== undefined && missing.has(c));
    if (from === undefined) return void added.push(name);
    missing.delete(from);
    renamed.push({ from, to: name });
  });
  return { added, dropped: [...missing], renamed };
}

/** The file a header comes from. */
export interface HeaderSource {
  /** Dataset of the answer; `"other"` for reports outside the dataset table (never checked). */
  readonly dataset: DatasetName | "other";
  /** OASIS report (query) name. */
  readonly report: string;
  /** ZIP member name. */
  readonly file: string;
}

/**
 * `header` compared with the expected one of its report in `expected` (`EXPECTED_COLUMNS` or
 * `EXPECTED_ELEMENTS`), with the required columns it lacks; undefined for a report without one.
 */
export function checkHeader(
  header: readonly string[],
  missing: readonly string[],
  source: HeaderSource,
  expected: Readonly<Record<string, readonly string[]>>,
): HeaderCheck | undefined {
  const columns = source.dataset === "other" ? undefined : expected[source.report];
  if (!columns) return undefined;
  return { report: source.report, file: source.file, ...compareHeader(header, columns), missing };
}

/**
 * Why no row can be read when `missing` columns (or XML elements) are absent: each one named, with the name
 * that seems to stand in its place. For CSV: `Missing column "MW" (the header has "MW_X" in its place)`.
 */
export function unreadableReason(
  missing: readonly string[],
  renamed: readonly RenamedColumn[],
  kind: "column" | "element" = "column",
): string {
  const where = kind === "column" ? "the header" : "the report";
  return missing.map((name) => {
    const to = renamed.find((r) => r.from === name)?.to;
    return `Missing ${kind} "${name}"` + (to === undefined ? "" : ` (${where} has "${to}" in its place)`);
  }).join("; ");
}

/** The current drift of one dataset's report, as logs and `/health` show it (`jobs/schema_drift.ts`). */
export interface SchemaDrift extends HeaderDifference {
  /** The dataset whose answer had the header. */
  readonly dataset: DatasetName;
  /** OASIS report (query) name. */
  readonly report: string;
  /** When this difference was first seen, ISO-8601. */
  readonly since: string;
  /** Required columns missing: the rows go to the dead-letter topic with this as their reason. */
  readonly unreadable: readonly string[];
}

/** Whether `d` shows any difference. */
export function hasDifference(d: HeaderDifference): boolean {
  return d.added.length + d.dropped.length + d.renamed.length > 0;
}
