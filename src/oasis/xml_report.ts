/**
 * Parses an OASIS XML report (`OASISReport`, with or without a prefix, any `_vN` namespace) into
 * normalized rows. Data reports are read with the streaming SAX parser `npm:saxes`, because a one-day
 * all-nodes report has ~190,000 `REPORT_DATA` elements and a DOM parser (fast-xml-parser) was measured
 * several times slower and far larger in memory (`bench/parse_bench.ts`, docs/performance.md). Error
 * documents go through `error_document.ts`, with the same parser.
 *
 * @module
 */
import { SaxesParser } from "saxes";
import { type ColumnFamily, resolveColumns } from "./columns.ts";
import type { DatasetName } from "./datasets.ts";
import { OasisParseError } from "./errors.ts";
import { isProblem, RowBuilder } from "./normalize.ts";
import type { OasisRow, RowProblem } from "./row.ts";

/** What the XML parser needs to know about the file. */
export interface XmlReportContext {
  /** Dataset the rows belong to. */
  readonly dataset: DatasetName | "other";
  /** OASIS report name, for rows and messages. */
  readonly report: string;
  /** Column rules to apply. */
  readonly family: ColumnFamily;
  /** File (ZIP member) name. */
  readonly file: string;
}

/** Rows and rejected rows of one XML file. */
export interface XmlReport {
  /** Normalized rows, in document order. */
  readonly rows: OasisRow[];
  /** Rows that could not be normalized. */
  readonly problems: RowProblem[];
}

const localName = (name: string): string => {
  const colon = name.indexOf(":");
  return colon < 0 ? name : name.slice(colon + 1);
};

/** The `REPORT` named in the first `REPORT_HEADER` (for example `PRC_LMP`), if any. */
export function xmlReportName(text: string): string | undefined {
  const m = /<(?:\w+:)?REPORT>\s*([^<\s]+)\s*<\//.exec(text.slice(0, 8192));
  return m?.[1];
}

/** Parses one XML data report. Throws `OasisParseError` for malformed XML or a row missing a field. */
export function parseXmlReport(text: string, ctx: XmlReportContext): XmlReport {
  const rows: OasisRow[] = [];
  const problems: RowProblem[] = [];
  const parser = new SaxesParser({ xmlns: false, position: true });
  let inData = false;
  let field: string | undefined;
  let fieldText = "";
  let record: Map<string, string> | undefined;
  let header: string[] | undefined;
  let builder: RowBuilder | undefined;
  let rowNumber = 0;

  const builderFor = (names: string[]): RowBuilder => {
    if (builder && header && header.length === names.length && header.every((h, i) => h === names[i])) {
      return builder;
    }
    header = names;
    const index = resolveColumns(header, ctx.family, { report: ctx.report, file: ctx.file });
    builder = new RowBuilder({ ...ctx, header, index });
    return builder;
  };

  let sawRoot = false;
  parser.on("opentag", (tag) => {
    const name = localName(tag.name);
    if (!sawRoot) {
      sawRoot = true;
      if (name !== "OASISReport") {
        throw new OasisParseError(
          `Cannot parse "${ctx.report}" XML report: not an OASIS report (root element <${tag.name}>)`,
          { file: ctx.file, line: 1 },
        );
      }
    }
    if (name === "REPORT_DATA") {
      inData = true;
      record = new Map();
    } else if (inData) {
      field = name;
      fieldText = "";
    }
  });
  parser.on("text", (t) => {
    if (field !== undefined) fieldText += t;
  });
  parser.on("closetag", (tag) => {
    const name = localName(tag.name);
    if (name === "REPORT_DATA" && record) {
      inData = false;
      rowNumber++;
      const names = [...record.keys()];
      const b = builderFor(names);
      const out = b.build([...record.values()], rowNumber);
      if (isProblem(out)) problems.push(out);
      else rows.push(out);
      record = undefined;
    } else if (field !== undefined && name === field) {
      record!.set(field, fieldText.trim());
      field = undefined;
    }
  });
  try {
    parser.write(text).close();
    if (!sawRoot) throw new OasisParseError(`Cannot parse "${ctx.report}" XML report: no root element`);
  } catch (cause) {
    if (cause instanceof OasisParseError) throw cause;
    throw new OasisParseError(`Cannot parse "${ctx.report}" XML report: ${(cause as Error).message}`, {
      file: ctx.file,
      line: parser.line,
      cause,
    });
  }
  return { rows, problems };
}
