/**
 * Parses one OASIS response (a SingleZip body) or one downloaded file (ZIP, CSV or XML) into normalized
 * rows. Pure: bytes in, a `ParseResult` out; no clock, I/O or logging.
 *
 * @module
 */
import type { ColumnFamily } from "./columns.ts";
import { type DatasetName, DATASETS, type DatasetSpec, isDatasetName, type QuerySpec } from "./datasets.ts";
import { parseCsvReport } from "./csv_report.ts";
import { OasisParseError } from "./errors.ts";
import { parseErrorDocument } from "./error_document.ts";
import type { HeaderCheck } from "./report_columns.ts";
import type { OasisRow, ParseResult, RowProblem } from "./row.ts";
import { looksLikeZip, unzipMembers, type ZipMember } from "./unzip.ts";
import { parseXmlReport, xmlReportName } from "./xml_report.ts";

/** What the caller knows about the response. */
export interface ParseContext {
  /** Dataset requested; inferred from file names and headers when absent. */
  readonly dataset?: DatasetName;
  /** Name of the downloaded file (the `Content-Disposition` file name for a response). */
  readonly fileName?: string;
}

/** Every query name in the dataset table, longest first so that file-name matching is unambiguous. */
const QUERY_NAMES = [...new Set(Object.values(DATASETS).flatMap((d) => d.queries.map((q) => q.queryName)))]
  .sort((a, b) => b.length - a.length);

const decoder = new TextDecoder("utf-8");

/** The OASIS query named in a file name like `20200101_20200101_PRC_LMP_DAM_…_v1.csv`, if any. */
export function queryFromFileName(name: string): { queryName: string; marketRunId?: string } | undefined {
  for (const q of QUERY_NAMES) {
    const m = new RegExp(`(?:^|[_/])${q}(?:_([A-Z]+))?(?:[_.]|$)`).exec(name);
    if (m) return { queryName: q, marketRunId: m[1] };
  }
  return undefined;
}

interface Target {
  dataset: DatasetName | "other";
  report: string;
  family: ColumnFamily;
  /** Exact CSV value column of the pinned version, when the query is known. */
  valueColumn?: string;
}

function targetFor(spec: DatasetSpec, query: QuerySpec): Target {
  return {
    dataset: spec.name,
    report: query.queryName,
    family: query.family,
    valueColumn: query.valueColumn,
  };
}

function datasetOf(queryName: string, marketRunId?: string): DatasetSpec | undefined {
  const all = Object.values(DATASETS);
  return all.find((d) => d.queries.some((q) => q.queryName === queryName && q.marketRunId === marketRunId)) ??
    all.find((d) => d.queries.some((q) => q.queryName === queryName));
}

/** Decides which dataset, report and column rules apply to one member. */
function resolveTarget(member: ZipMember, text: string, ctx: ParseContext, isXml: boolean): Target {
  const named = queryFromFileName(member.name) ??
    (ctx.fileName ? queryFromFileName(ctx.fileName) : undefined);
  const reportName = named?.queryName ?? (isXml ? xmlReportName(text) : undefined);
  if (ctx.dataset) {
    const spec = DATASETS[ctx.dataset];
    const query = spec.queries.find((q) => q.queryName === reportName) ??
      (spec.queries.length === 1 ? spec.queries[0] : guessCrrQuery(spec, text));
    if (query) return targetFor(spec, query);
  }
  if (reportName) {
    const spec = datasetOf(reportName, named?.marketRunId);
    const query = spec?.queries.find((q) => q.queryName === reportName);
    if (spec && query) return targetFor(spec, query);
    return { dataset: "other", report: reportName, family: "generic" };
  }
  return { dataset: "other", report: "UNKNOWN", family: "generic" };
}

/** CRR has two reports; tell them apart by a column only the inventory has. */
function guessCrrQuery(spec: DatasetSpec, text: string): QuerySpec | undefined {
  const head = text.slice(0, 2048);
  const inventory = /\bSOURCE\b/.test(head) && /\bSINK\b/.test(head);
  return spec.queries.find((q) => q.family === (inventory ? "crr_inventory" : "crr_clearing"));
}

function isXmlMember(member: ZipMember): boolean {
  if (/\.xml$/i.test(member.name)) return true;
  if (/\.csv$/i.test(member.name)) return false;
  let i = 0;
  while (i < member.bytes.length && i < 16 && (member.bytes[i] === 0xef || member.bytes[i]! <= 0x20)) i++;
  return member.bytes[i] === 0x3c; // '<'
}

/**
 * Parses the members of one response. Every member is read; rows of all members are concatenated. An
 * error document alone gives `no-data` (code 1000) or `oasis-error`; a malformed archive or XML document
 * throws `OasisParseError` (a missing CSV column or XML element makes its rows problems). Each distinct CSV
 * header or XML element set of a known report comes back in `schema`, compared with the expected one.
 */
export function parseMembers(members: readonly ZipMember[], ctx: ParseContext = {}): ParseResult {
  const rows: OasisRow[] = [];
  const problems: RowProblem[] = [];
  const files: string[] = [];
  const schema = new Map<string, HeaderCheck>(); // one per report and header (LMP has a file per component)
  const errors: Array<{ code: number; description: string; file: string }> = [];
  for (const member of members) {
    const text = decoder.decode(member.bytes);
    const isXml = isXmlMember(member);
    if (isXml) {
      let error;
      try {
        error = parseErrorDocument(text);
      } catch (cause) {
        throw new OasisParseError(`Cannot read OASIS error document "${member.name}"`, {
          file: member.name,
          cause,
        });
      }
      if (error) {
        errors.push({ ...error, file: member.name });
        continue;
      }
    }
    const target = resolveTarget(member, text, ctx, isXml);
    const csv = isXml ? undefined : parseCsvReport(text, { ...target, file: member.name });
    const report = csv ?? parseXmlReport(text, { ...target, file: member.name });
    for (const r of report.rows) rows.push(r);
    for (const p of report.problems) problems.push(p);
    files.push(member.name);
    if (report.schema) {
      const { report: name, added, dropped, renamed } = report.schema;
      schema.set(JSON.stringify([name, added, dropped, renamed]), report.schema);
    }
  }
  if (files.length === 0) {
    const real = errors.find((e) => e.code !== 1000);
    if (real) return { kind: "oasis-error", ...real };
    const first = errors[0];
    if (!first) throw new OasisParseError("Cannot parse response: no members", { file: ctx.fileName });
    return { kind: "no-data", ...first };
  }
  for (const e of errors) {
    if (e.code === 1000) continue;
    problems.push({
      reason: `OASIS error ${e.code} beside data: ${e.description}`,
      raw: { ERR_CODE: String(e.code), ERR_DESC: e.description },
      source_file: e.file,
      row_number: 0,
    });
  }
  return {
    kind: "rows",
    rows,
    problems,
    files,
    ...(schema.size > 0 ? { schema: [...schema.values()] } : {}),
  };
}

/** Parses a SingleZip response body. Throws `OasisParseError` when it is not a readable ZIP. */
export function parseResponse(bytes: Uint8Array, ctx: ParseContext = {}): ParseResult {
  return parseMembers(unzipMembers(bytes, ctx.fileName ?? "response.zip"), ctx);
}

/** Parses a file downloaded by hand: a ZIP, a bare CSV member or a bare XML document. */
export function parseFile(bytes: Uint8Array, fileName: string, ctx: ParseContext = {}): ParseResult {
  if (looksLikeZip(bytes)) return parseResponse(bytes, { ...ctx, fileName });
  return parseMembers([{ name: fileName.split("/").pop() ?? fileName, bytes }], { ...ctx, fileName });
}

/** The dataset named by `--dataset`, checked. */
export function datasetArgument(name: string | undefined): DatasetName | undefined {
  if (name === undefined) return undefined;
  if (!isDatasetName(name)) {
    throw new RangeError(`Unknown dataset "${name}": expected one of ${Object.keys(DATASETS).join(", ")}`);
  }
  return name;
}
