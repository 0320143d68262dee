/**
 * Parsing benchmark on the real 2020 ALL_APNODES SingleZip (1.3 MB zip, 31.9 MB CSV, 162,848 rows):
 * unzip, CSV parse, normalize and the full path, next to a minimal split-based reference parser on the
 * same bytes (the practical limit); the CSV parser candidates; and the XML parser candidates (SAX vs DOM)
 * on the same rows written as an OASIS XML report. Each candidate's peak memory is measured in a child
 * process of its own (resident set above the input's, after a GC and a reset of the high-water mark).
 *
 * Run alone: `deno run --allow-all bench/parse_bench.ts`.
 *
 * @module
 */
// Candidates the product does not use: pinned here, not in deno.json, so only the bench depends on them.
// @deno-types="npm:@types/papaparse@5.5.2"
// deno-lint-ignore no-import-prefix
import Papa from "npm:papaparse@5.7.1";
// deno-lint-ignore no-import-prefix
import { parse as csvParse } from "npm:csv-parse@7.0.3/sync";
// deno-lint-ignore no-import-prefix
import { XMLParser } from "npm:fast-xml-parser@5.12.1";
// @deno-types="@types/d3-dsv"
import { csvParseRows } from "d3-dsv";
import { SaxesParser } from "saxes";
import { unzipSync } from "fflate";
import { parseMembers, parseResponse } from "../src/oasis/parse.ts";
import { parseXmlReport } from "../src/oasis/xml_report.ts";
import type { OasisRow } from "../src/oasis/row.ts";
import { type BenchRow, median, table, timeIt } from "./bench_util.ts";

const ZIP = new URL(
  "../tests/fixtures/oasis-samples/singlezip_PRC_LMP_DAM_v1_ALL_APNODES_start-20200102T00Z.zip",
  import.meta.url,
);
const ROWS = 162_848;
const XML_ROWS = 100_000;
const XML_NAME = "x_PRC_LMP_DAM_v1.xml";

/** Reference: unzip with the same library, decode, split lines and commas, read the value as a number. */
function referenceParse(zip: Uint8Array): number {
  const member = Object.values(unzipSync(zip))[0]!;
  const text = new TextDecoder().decode(member);
  const lines = text.split("\n");
  const header = lines[0]!.split(",");
  const mw = header.indexOf("MW");
  let n = 0;
  let sum = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    const cells = line.split(",");
    sum += Number(cells[mw]);
    n++;
  }
  if (Number.isNaN(sum)) throw new Error("unreachable");
  return n;
}

const XML_ITEMS: Record<string, string> = {
  LMP: "LMP_PRC",
  MCC: "LMP_CONG_PRC",
  MCE: "LMP_ENE_PRC",
  MCL: "LMP_LOSS_PRC",
};

function toXml(rows: OasisRow[]): string {
  const items: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<OASISReport xmlns="http://www.caiso.com/soa/OASISReport_v1.xsd">',
    "<MessagePayload><RTO><name>CAISO</name><REPORT_ITEM><REPORT_HEADER><REPORT>PRC_LMP</REPORT>" +
    "<MKT_TYPE>DAM</MKT_TYPE><SEC_PER_INTERVAL>3600</SEC_PER_INTERVAL></REPORT_HEADER>",
  ];
  for (const r of rows) {
    items.push(
      `<REPORT_DATA>\n<DATA_ITEM>${
        XML_ITEMS[r.component]
      }</DATA_ITEM>\n<RESOURCE_NAME>${r.node}</RESOURCE_NAME>\n` +
        `<OPR_DATE>${r.opr_date}</OPR_DATE>\n<INTERVAL_NUM>${r.opr_hour}</INTERVAL_NUM>\n` +
        `<INTERVAL_START_GMT>${r.raw.INTERVALSTARTTIME_GMT}</INTERVAL_START_GMT>\n` +
        `<INTERVAL_END_GMT>${r.raw.INTERVALENDTIME_GMT}</INTERVAL_END_GMT>\n<VALUE>${r.raw.MW}</VALUE>\n</REPORT_DATA>`,
    );
  }
  items.push("</REPORT_ITEM></RTO></MessagePayload></OASISReport>");
  return items.join("\n");
}

/** The CSV text of the zip's one member. */
/** The first 100,000 rows of the zip written as one OASIS XML report. */
function xmlText(): string {
  const parsed = parseResponse(Deno.readFileSync(ZIP));
  return toXml(parsed.kind === "rows" ? parsed.rows.slice(0, XML_ROWS) : []);
}

/** Counts `REPORT_DATA` elements with saxes, keeping nothing: the SAX parser's own cost. */
function saxesEvents(xml: string): number {
  const parser = new SaxesParser({ xmlns: false, position: true });
  let n = 0;
  let chars = 0;
  parser.on("opentag", () => n++);
  parser.on("text", (t) => void (chars += t.length));
  parser.write(xml).close();
  return n + chars;
}

/** Candidate parsers: `all` builds every row (or the DOM); `each` hands rows to a callback, keeping none. */
const CANDIDATES = {
  "d3-dsv": { all: (t: string) => csvParseRows(t), each: (t: string) => csvParseRows(t, () => null) },
  papaparse: {
    all: (t: string) => Papa.parse(t, { skipEmptyLines: true }),
    each: (t: string) => Papa.parse(t, { skipEmptyLines: true, step: () => {} }),
  },
  "csv-parse": {
    all: (t: string) => csvParse(t),
    each: (t: string) => csvParse(t, { on_record: () => null }),
  },
  saxes: {
    all: (t: string) =>
      parseXmlReport(t, { dataset: "lmp_dam", report: "PRC_LMP", family: "lmp", file: XML_NAME }),
    each: saxesEvents,
  },
  "fast-xml-parser": {
    all: (t: string) => new XMLParser({ removeNSPrefix: true, parseTagValue: false }).parse(t),
    each: (t: string) => new XMLParser({ removeNSPrefix: true, parseTagValue: false }).parse(t),
  },
} as const;
type CandidateName = keyof typeof CANDIDATES;

function residentMb(key: "VmRSS" | "VmHWM"): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
}

/** In the child: the peak resident memory one run of a candidate adds to its input (read from `file`), MB. */
function measurePeak(name: CandidateName, form: "all" | "each", file: string): number {
  const text = Deno.readTextFileSync(file); // read whole, so that building the input leaves no garbage behind
  const gc = (globalThis as { gc?: () => void }).gc!;
  gc();
  gc();
  Deno.writeTextFileSync("/proc/self/clear_refs", "5"); // resets VmHWM to the current RSS
  const base = residentMb("VmRSS");
  let keep: unknown = CANDIDATES[name][form](text);
  const peak = residentMb("VmHWM") - base;
  keep = undefined;
  return peak + (keep === undefined ? 0 : 1);
}

/** Runs `measurePeak` on `file` in a fresh process, so that no other candidate's garbage is counted. */
function peakMb(name: CandidateName, form: "all" | "each", file: string): string {
  const out = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--v8-flags=--expose-gc", import.meta.filename!, name, form, file],
    stderr: "inherit",
  }).outputSync();
  const mb = Number(new TextDecoder().decode(out.stdout).trim());
  return out.success && Number.isFinite(mb) ? `${mb.toFixed(0)} MB` : "n/a";
}

/** Adds one table row; `time` is a median of runs of `fn`. */
interface Recorder {
  add(name: string, ms: number, rows: number, bytes: number, note?: string): void;
  time(fn: () => unknown, n: number): number;
}

/** The CSV candidates on the day's text: every row built, and rows handed to a callback. */
function csvCandidates(text: string, file: string, rec: Recorder, iterations: number): void {
  const bytes = new TextEncoder().encode(text).length;
  const csv: [CandidateName, string, string, number][] = [
    ["d3-dsv", "CSV: npm:d3-dsv csvParseRows", "chosen", iterations],
    ["papaparse", "CSV: npm:papaparse", "candidate", iterations],
    ["csv-parse", "CSV: npm:csv-parse (sync)", "candidate", Math.min(iterations, 2)],
  ];
  for (const [name, label, verdict, n] of csv) {
    const { all, each } = CANDIDATES[name];
    const streamed = `row callback ${rec.time(() => each(text), n).toFixed(0)} ms, peak +${
      peakMb(name, "each", file)
    }`;
    const note = `${verdict}; peak +${peakMb(name, "all", file)}; ${streamed}`;
    rec.add(label, rec.time(() => all(text), n), ROWS, bytes, note);
  }
}

/** The XML candidates on the first 100,000 rows written as one report. */
function xmlCandidates(dir: string, rec: Recorder, iterations: number): void {
  const xml = xmlText();
  const file = `${dir}/report.xml`;
  Deno.writeTextFileSync(file, xml);
  const bytes = new TextEncoder().encode(xml).length;
  const n = Math.min(iterations, 3);
  const saxes = rec.time(() => CANDIDATES.saxes.all(xml), n);
  rec.add(
    "XML 100k rows: saxes stream + normalize",
    saxes,
    XML_ROWS,
    bytes,
    `chosen; peak +${peakMb("saxes", "all", file)}`,
  );
  const events = rec.time(() => saxesEvents(xml), n);
  rec.add(
    "XML 100k rows: saxes events only",
    events,
    XML_ROWS,
    bytes,
    `no normalize; peak +${peakMb("saxes", "each", file)}`,
  );
  const dom = rec.time(() => CANDIDATES["fast-xml-parser"].all(xml), Math.min(iterations, 2));
  const note = `candidate; no normalize; peak +${peakMb("fast-xml-parser", "all", file)}`;
  rec.add("XML 100k rows: fast-xml-parser DOM only", dom, XML_ROWS, bytes, note);
}

/** Runs the parsing benchmarks and returns table rows. */
export function runParseBench(iterations = 5): BenchRow[] {
  const zip = Deno.readFileSync(ZIP);
  const member = Object.values(unzipSync(zip))[0]!;
  const csvBytes = member.length;
  const text = new TextDecoder().decode(member);
  const out: BenchRow[] = [];
  const rec: Recorder = {
    add: (name, ms, rows, bytes, note = "") =>
      out.push({ name, ms, rowsPerS: rows / (ms / 1000), mbPerS: bytes / 1e6 / (ms / 1000), note }),
    time: (fn, n) => median(timeIt(fn, n)),
  };
  const time = (fn: () => unknown) => rec.time(fn, iterations);

  const ref = time(() => referenceParse(zip));
  rec.add("reference: unzip + split", ref, ROWS, csvBytes, "practical limit");
  rec.add("unzip (fflate unzipSync)", time(() => unzipSync(zip)), ROWS, csvBytes);
  rec.add("decode UTF-8", time(() => new TextDecoder().decode(member)), ROWS, csvBytes);
  const members = [{ name: "20200101_20200101_PRC_LMP_DAM_20200630_22_50_44_v1.csv", bytes: member }];
  rec.add("parse + normalize (decode, CSV, rows)", time(() => parseMembers(members)), ROWS, csvBytes);
  const full = time(() => parseResponse(zip));
  const share = `${(ref / full * 100).toFixed(0)} % of reference`;
  rec.add("full path: unzip + parse + normalize", full, ROWS, csvBytes, share);
  const split = time(() => text.split("\n").map((l) => l.split(",")));
  rec.add("CSV: split lines + commas", split, ROWS, csvBytes, "the fast path for a file without quotes");

  const dir = Deno.makeTempDirSync({ prefix: "parse-bench-" });
  try {
    Deno.writeTextFileSync(`${dir}/day.csv`, text);
    csvCandidates(text, `${dir}/day.csv`, rec, iterations);
    xmlCandidates(dir, rec, iterations);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
  return out;
}

if (import.meta.main) {
  const [name, form, file] = Deno.args as [CandidateName | undefined, "all" | "each" | undefined, string?];
  if (name && form && file) {
    console.log(measurePeak(name, form, file).toFixed(1));
  } else {
    console.log(
      table("Parsing: real 2020 PRC_LMP ALL_APNODES day (31.9 MB CSV, 162,848 rows)", runParseBench()),
    );
  }
}
