/**
 * What a SingleZip or GroupZip request resolves to before any bytes are written: report tables with
 * their file names, an OASIS error code, or a redirect. Also the inputs every resolver needs and the
 * OASIS file-name rules.
 *
 * @module
 */
import type { PublishDelay } from "./availability.ts";
import { compactDate, fileStamp } from "./format.ts";
import type { PriceModel } from "./prices.ts";
import type { SimFormat } from "./query_params.ts";
import type { ReportTable } from "./report_table.ts";

/** Everything a resolver reads besides the URL. */
export interface ReportContext {
  /** Simulated now: publication, retention and file stamps. */
  readonly now: Date;
  /** Price model. */
  readonly model: PriceModel;
  /** Seed (row shuffles). */
  readonly seed: number;
  /** Size of `grp_type=ALL_APNODES`. */
  readonly allApnodesCount: number;
  /** Size of `grp_type=ALL`. */
  readonly allNodesCount: number;
  /** Retention in months. */
  readonly retentionMonths: number;
  /** Publication delay of real-time intervals. */
  readonly publishDelay: PublishDelay;
}

/** A report to write: ZIP name and one table per member. */
export interface ReportResolution {
  /** Discriminant. */
  readonly kind: "report";
  /** CSV or XML. */
  readonly format: SimFormat;
  /** `Content-Disposition` file name. */
  readonly zipName: string;
  /** Members: name and table. */
  readonly members: ReadonlyArray<{ readonly name: string; readonly table: ReportTable }>;
}

/** An OASIS error document to answer; `stem` names the request (used by code 1000). */
export interface ErrorResolution {
  /** Discriminant. */
  readonly kind: "error";
  /** OASIS error code. */
  readonly code: number;
  /** File stem of the request, when known. */
  readonly stem?: string;
}

/** An HTTP redirect (SingleZip PRC_AS → GroupZip). */
export interface RedirectResolution {
  /** Discriminant. */
  readonly kind: "redirect";
  /** Path and query of the target, e.g. `/oasisapi/GroupZip?…`. */
  readonly location: string;
}

/** The outcome of resolving one request. */
export type Resolution = ReportResolution | ErrorResolution | RedirectResolution;

/** Names of a SingleZip answer: `<start>_<end>_<QUERY>[_<MKT>]_<stamp>_v<V>`, dates as `YYYY-MM-DD`. */
export interface NameParts {
  /** First operating date. */
  readonly startDate: string;
  /** Last operating date. */
  readonly endDate: string;
  /** Query name. */
  readonly query: string;
  /** Market run id (absent for CRR). */
  readonly marketRunId?: string;
  /** Version. */
  readonly version: number;
}

/** The stem shared by the ZIP and its member: `20200101_20200101_PRC_LMP_DAM_20200630_22_50_44_v1`. */
export function reportStem(parts: NameParts, now: Date): string {
  const market = parts.marketRunId ? `_${parts.marketRunId}` : "";
  return `${compactDate(parts.startDate)}_${compactDate(parts.endDate)}_${parts.query}${market}_${
    fileStamp(now)
  }_v${parts.version}`;
}

/** Member name of a one-member-per-component report: `20251206_20251206_PRC_LMP_DAM_LMP_v12.csv`. */
export function partMemberName(parts: NameParts, part: string, format: SimFormat): string {
  const market = parts.marketRunId ? `_${parts.marketRunId}` : "";
  return `${compactDate(parts.startDate)}_${
    compactDate(parts.endDate)
  }_${parts.query}${market}_${part}_v${parts.version}.${format}`;
}

/** A report resolution for `tables`, or error 1000 when none has a line. */
export function reportOrNoData(
  tables: readonly ReportTable[],
  parts: NameParts,
  format: SimFormat,
  now: Date,
): ReportResolution | ErrorResolution {
  const stem = reportStem(parts, now);
  if (tables.every((t) => t.lines.length === 0)) return { kind: "error", code: 1000, stem };
  return {
    kind: "report",
    format,
    zipName: `${stem}.zip`,
    members: tables.map((table) => ({
      name: table.part ? partMemberName(parts, table.part, format) : `${stem}.${format}`,
      table,
    })),
  };
}
