/**
 * Parses an OASIS XML report (`OASISReport`, with or without a prefix, any `_vN` namespace) into
 * normalized rows. Elements are found by local name, like CSV columns by header name: the element names of
 * the file are compared with the report's expected ones (`report_columns.ts`), and a required element
 * missing makes its rows row problems naming it, as a missing CSV column does. Read as a stream
 * (`xml_stream.ts`): a one-day all-nodes report has ~190,000 `REPORT_DATA` elements. Error documents go
 * through `error_document.ts`.
 *
 * @module
 */
import { type ColumnFamily, findColumns, type FoundColumns } from "./columns.ts";
import type { DatasetName } from "./datasets.ts";
import { OasisParseError } from "./errors.ts";
import { isProblem, RowBuilder } from "./normalize.ts";
import {
  checkHeader,
  EXPECTED_ELEMENTS,
  type HeaderCheck,
  unreadableReason,
  XML_DATA_ELEMENTS,
} from "./report_columns.ts";
import type { OasisRow, RowProblem } from "./row.ts";
import { streamXml, XmlSyntaxError } from "./xml_stream.ts";

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
  /**
   * Every `REPORT_DATA` element name of the file compared with the report's expected ones; absent for
   * reports outside the dataset table and for a file without `REPORT_DATA`.
   */
  readonly schema?: HeaderCheck;
}

/** The `REPORT` named in the first `REPORT_HEADER` (for example `PRC_LMP`), if any. */
export function xmlReportName(text: string): string | undefined {
  const m = /<(?:\w+:)?REPORT>\s*([^<\s]+)\s*<\//.exec(text.slice(0, 8192));
  return m?.[1];
}

/** Turns `REPORT_DATA` records into rows, finding elements by name as CSV columns are, and checks them. */
class RecordReader {
  readonly #ctx: XmlReportContext;
  readonly #rows: OasisRow[] = [];
  readonly #problems: RowProblem[] = [];
  /** Every `REPORT_DATA` child seen, in first-seen order: the file's "header". */
  readonly #elements = new Set<string>();
  #header: string[] = [];
  #builder: RowBuilder | undefined;
  /** Why no record of the current shape can be read, when it lacks a required element. */
  #unreadable: string | undefined;
  #rowNumber = 0;

  constructor(ctx: XmlReportContext) {
    this.#ctx = ctx;
  }

  /** Reads one record: element names and texts in document order. */
  add(record: Map<string, string>): void {
    const b = this.#builderFor([...record.keys()]);
    const values = [...record.values()];
    const n = ++this.#rowNumber;
    const out = this.#unreadable === undefined
      ? b.build(values, n)
      : b.unreadable(this.#unreadable, values, n);
    if (isProblem(out)) this.#problems.push(out);
    else this.#rows.push(out);
  }

  /** The rows, the problems and the check of every element name seen. */
  report(): XmlReport {
    const rows = this.#rows;
    const problems = this.#problems;
    if (this.#elements.size === 0) return { rows, problems };
    const names = [...this.#elements];
    const schema = checkHeader(
      names,
      this.#find(names).missing,
      this.#ctx,
      EXPECTED_ELEMENTS,
    );
    return { rows, problems, ...(schema ? { schema } : {}) };
  }

  /** The required elements `names` lacks, by their XML names where the report's expected ones say. */
  #find(names: readonly string[]): FoundColumns {
    const ctx = this.#ctx;
    const expected = (ctx.dataset === "other" ? undefined : EXPECTED_ELEMENTS[ctx.report]) ??
      XML_DATA_ELEMENTS;
    return findColumns(names, ctx.family, { expected });
  }

  #builderFor(names: string[]): RowBuilder {
    const header = this.#header;
    if (this.#builder && header.length === names.length && header.every((h, i) => h === names[i])) {
      return this.#builder;
    }
    this.#header = names;
    for (const name of names) this.#elements.add(name);
    const { index, missing } = this.#find(names);
    const renamed = missing.length > 0
      ? checkHeader(names, missing, this.#ctx, EXPECTED_ELEMENTS)?.renamed
      : [];
    this.#unreadable = missing.length > 0 ? unreadableReason(missing, renamed ?? [], "element") : undefined;
    this.#builder = new RowBuilder({ ...this.#ctx, header: names, index });
    return this.#builder;
  }
}

/**
 * Parses one XML data report. A `REPORT_DATA` without a required element becomes a row problem naming it.
 * Throws `OasisParseError` for malformed XML or a document that is not an OASIS report.
 */
export function parseXmlReport(xml: string, ctx: XmlReportContext): XmlReport {
  const reader = new RecordReader(ctx);
  let inData = false;
  let field: string | undefined;
  let fieldText = "";
  let record: Map<string, string> | undefined;
  let sawRoot = false;
  const open = (name: string, written: string) => {
    if (!sawRoot) {
      sawRoot = true;
      if (name !== "OASISReport") {
        throw new OasisParseError(
          `Cannot parse "${ctx.report}" XML report: not an OASIS report (root element <${written}>)`,
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
  };
  const text = (t: string) => {
    if (field !== undefined) fieldText += t;
  };
  const close = (name: string) => {
    if (name === "REPORT_DATA" && record) {
      inData = false;
      reader.add(record);
      record = undefined;
    } else if (field !== undefined && name === field) {
      record!.set(field, fieldText.trim());
      field = undefined;
    }
  };
  try {
    streamXml(xml, { open, text, close });
    if (!sawRoot) throw new OasisParseError(`Cannot parse "${ctx.report}" XML report: no root element`);
  } catch (cause) {
    if (cause instanceof OasisParseError) throw cause;
    throw new OasisParseError(`Cannot parse "${ctx.report}" XML report: ${(cause as Error).message}`, {
      file: ctx.file,
      line: cause instanceof XmlSyntaxError ? cause.line : undefined,
      cause,
    });
  }
  return reader.report();
}
