/**
 * Parsing benchmark on the real 2020 ALL_APNODES SingleZip (1.3 MB zip, 31.9 MB CSV, 162,848 rows):
 * unzip, CSV parse, normalize and the full path, next to a minimal split-based reference parser on the
 * same bytes (the practical limit); the CSV parser candidates; and the XML paths (SAX vs DOM) on the same
 * rows written as an OASIS XML report.
 *
 * @module
 */
// @deno-types="@types/d3-dsv"
import { csvParseRows } from "d3-dsv";
// @deno-types="@types/papaparse"
import Papa from "papaparse";
import { parse as csvParse } from "csv-parse/sync";
import { XMLParser } from "fast-xml-parser";
import { unzipSync } from "fflate";
import { parseFile, parseMembers, parseResponse } from "../src/oasis/parse.ts";
import type { OasisRow } from "../src/oasis/row.ts";
import { type BenchRow, median, timeIt } from "./bench_util.ts";

const ZIP = new URL(
  "../tests/fixtures/oasis-samples/singlezip_PRC_LMP_DAM_v1_ALL_APNODES_start-20200102T00Z.zip",
  import.meta.url,
);

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

function toXml(rows: OasisRow[]): string {
  const items: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<OASISReport xmlns="http://www.caiso.com/soa/OASISReport_v1.xsd">',
    "<MessagePayload><RTO><name>CAISO</name><REPORT_ITEM><REPORT_HEADER><REPORT>PRC_LMP</REPORT>" +
    "<MKT_TYPE>DAM</MKT_TYPE><SEC_PER_INTERVAL>3600</SEC_PER_INTERVAL></REPORT_HEADER>",
  ];
  const items2: Record<string, string> = {
    LMP: "LMP_PRC",
    MCC: "LMP_CONG_PRC",
    MCE: "LMP_ENE_PRC",
    MCL: "LMP_LOSS_PRC",
  };
  for (const r of rows) {
    items.push(
      `<REPORT_DATA>\n<DATA_ITEM>${
        items2[r.component]
      }</DATA_ITEM>\n<RESOURCE_NAME>${r.node}</RESOURCE_NAME>\n` +
        `<OPR_DATE>${r.opr_date}</OPR_DATE>\n<INTERVAL_NUM>${r.opr_hour}</INTERVAL_NUM>\n` +
        `<INTERVAL_START_GMT>${r.raw.INTERVALSTARTTIME_GMT}</INTERVAL_START_GMT>\n` +
        `<INTERVAL_END_GMT>${r.raw.INTERVALENDTIME_GMT}</INTERVAL_END_GMT>\n<VALUE>${r.raw.MW}</VALUE>\n</REPORT_DATA>`,
    );
  }
  items.push("</REPORT_ITEM></RTO></MessagePayload></OASISReport>");
  return items.join("\n");
}

function heapUsed(): number {
  return Deno.memoryUsage().heapUsed;
}

/** Runs the parsing benchmarks and returns table rows. */
export function runParseBench(iterations = 5): BenchRow[] {
  const zip = Deno.readFileSync(ZIP);
  const member = Object.values(unzipSync(zip))[0]!;
  const csvBytes = member.length;
  const text = new TextDecoder().decode(member);
  const rowsIn = 162_848;
  const out: BenchRow[] = [];
  const add = (name: string, ms: number, rows: number, bytes: number, note = "") =>
    out.push({ name, ms, rowsPerS: rows / (ms / 1000), mbPerS: bytes / 1e6 / (ms / 1000), note });

  const ref = median(timeIt(() => referenceParse(zip), iterations));
  add("reference: unzip + split", ref, rowsIn, csvBytes, "practical limit");
  add("unzip (fflate unzipSync)", median(timeIt(() => unzipSync(zip), iterations)), rowsIn, csvBytes);
  add("decode UTF-8", median(timeIt(() => new TextDecoder().decode(member), iterations)), rowsIn, csvBytes);
  const members = [{ name: "20200101_20200101_PRC_LMP_DAM_20200630_22_50_44_v1.csv", bytes: member }];
  add(
    "parse + normalize (decode, CSV, rows)",
    median(timeIt(() => parseMembers(members), iterations)),
    rowsIn,
    csvBytes,
  );
  const full = median(timeIt(() => parseResponse(zip), iterations));
  add(
    "full path: unzip + parse + normalize",
    full,
    rowsIn,
    csvBytes,
    `${(ref / full * 100).toFixed(0)} % of reference`,
  );

  const split = median(timeIt(() => text.split("\n").map((l) => l.split(",")), iterations));
  add("CSV: split lines + commas", split, rowsIn, csvBytes, "candidate");
  add(
    "CSV: npm:d3-dsv csvParseRows",
    median(timeIt(() => csvParseRows(text), iterations)),
    rowsIn,
    csvBytes,
    "chosen",
  );
  add(
    "CSV: npm:papaparse",
    median(timeIt(() => Papa.parse(text, { skipEmptyLines: true }), iterations)),
    rowsIn,
    csvBytes,
    "candidate",
  );
  add(
    "CSV: npm:csv-parse (sync)",
    median(timeIt(() => csvParse(text), Math.min(iterations, 2))),
    rowsIn,
    csvBytes,
    "candidate",
  );

  const rows = parseResponse(zip).kind === "rows" ? (parseResponse(zip) as { rows: OasisRow[] }).rows : [];
  const xml = toXml(rows.slice(0, 100_000));
  const xmlBytes = new TextEncoder().encode(xml);
  const xmlRows = 100_000;
  const before = heapUsed();
  let keep: unknown = parseFile(xmlBytes, "x_PRC_LMP_DAM_v1.xml");
  const saxHeap = heapUsed() - before;
  keep = undefined;
  add(
    "XML 100k rows: saxes stream + normalize",
    median(timeIt(() => parseFile(xmlBytes, "x_PRC_LMP_DAM_v1.xml"), Math.min(iterations, 3))),
    xmlRows,
    xmlBytes.length,
    `chosen; heap +${(saxHeap / 1e6).toFixed(0)} MB`,
  );
  const dom = new XMLParser({ removeNSPrefix: true, parseTagValue: false });
  const before2 = heapUsed();
  keep = dom.parse(xml);
  const domHeap = heapUsed() - before2;
  keep = undefined;
  add(
    "XML 100k rows: fast-xml-parser DOM only",
    median(timeIt(() => dom.parse(xml), Math.min(iterations, 2))),
    xmlRows,
    xmlBytes.length,
    `no normalize; heap +${(domHeap / 1e6).toFixed(0)} MB`,
  );
  void keep;
  return out;
}
