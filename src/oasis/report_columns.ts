/**
 * The CSV header each pinned report is expected to have (OASIS.md §3.2, in file order), and the comparison
 * of a header seen against it: columns added, dropped, and renamed (a new name where an expected one is
 * missing). OASIS changes reports with little or no notice (EDAM, 2026-05-01), so every CSV answer is
 * checked; the parser reports the difference beside its rows and the caller decides what to do with it.
 * Pure: no logging here.
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

/** What the parser saw in one CSV header of a known report. */
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
