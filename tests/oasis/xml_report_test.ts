/** XML schema drift, mirroring the CSV header checks of parse_test.ts: a changed element set is reported, not thrown. */
import assert from "node:assert/strict";
import { parseFile } from "../../src/oasis/parse.ts";
import { EXPECTED_ELEMENTS } from "../../src/oasis/report_columns.ts";
import type { ParseResult } from "../../src/oasis/row.ts";
import { parseXmlReport } from "../../src/oasis/xml_report.ts";

const NAME = "20251102_20251102_PRC_INTVL_LMP_RTM_20251103_00_10_00_v3.xml";
const XML = await Deno.readTextFile(new URL(`../fixtures/dst/${NAME}`, import.meta.url));

function parse(text: string): Extract<ParseResult, { kind: "rows" }> {
  const result = parseFile(new TextEncoder().encode(text), NAME);
  assert.equal(result.kind, "rows");
  return result as Extract<ParseResult, { kind: "rows" }>;
}

const drift = (result: Extract<ParseResult, { kind: "rows" }>) =>
  result.schema?.map((s) => [s.report, s.added, s.dropped, s.renamed, s.missing]);

Deno.test("XML: a renamed VALUE element makes every row a problem naming it, and the header check shows the rename", () => {
  const result = parse(XML.replaceAll("<VALUE>", "<PRICE>").replaceAll("</VALUE>", "</PRICE>"));
  assert.equal(result.rows.length, 0);
  assert.equal(result.problems.length, 300);
  for (const p of result.problems) {
    assert.equal(p.reason, 'Missing element "VALUE" (the report has "PRICE" in its place)');
  }
  assert.match(result.problems[0]!.raw.PRICE ?? "", /^-?\d/); // the raw row keeps the value under its new name
  assert.equal(result.problems[0]!.interval_start, "2025-11-02T07:00:00Z");
  assert.deepEqual(drift(result), [["PRC_INTVL_LMP", [], [], [{ from: "VALUE", to: "PRICE" }], ["VALUE"]]]);
});

Deno.test("XML: an added or dropped element that rows do not need is reported, and the rows are still read", () => {
  const dropped = parse(XML.replace(/<INTERVAL_NUM>[^<]*<\/INTERVAL_NUM>\n/g, ""));
  const added = parse(XML.replaceAll("</REPORT_DATA>", "<EDAM_AREA>CISO</EDAM_AREA>\n</REPORT_DATA>"));
  for (
    const [result, diff] of [[dropped, [[], ["INTERVAL_NUM"], []]], [added, [["EDAM_AREA"], [], []]]] as const
  ) {
    assert.equal(result.problems.length, 0);
    assert.equal(result.rows.length, 300);
    assert.deepEqual(drift(result), [["PRC_INTVL_LMP", ...diff, []]]);
  }
});

Deno.test("XML: the expected elements give a header check with no difference", () => {
  assert.deepEqual(drift(parse(XML)), [["PRC_INTVL_LMP", [], [], [], []]]);
});

Deno.test("XML: a required element missing from some records only rejects those, under one check of every element seen", () => {
  let n = 0;
  const text = XML.replace(/<RESOURCE_NAME>[^<]*<\/RESOURCE_NAME>\n/g, (m) => (n++ < 10 ? "" : m));
  const result = parse(text);
  assert.equal(result.rows.length, 290);
  assert.deepEqual(result.problems.map((p) => p.reason), Array(10).fill('Missing element "RESOURCE_NAME"'));
  assert.deepEqual(drift(result), [["PRC_INTVL_LMP", [], [], [], []]]);
});

Deno.test("parseXmlReport() checks no element set for a report outside the dataset table or without REPORT_DATA", () => {
  const ctx = { dataset: "other", report: "SLD_FCST", family: "generic", file: "x.xml" } as const;
  assert.equal(parseXmlReport(XML, ctx).schema, undefined);
  const empty = "<OASISReport><MessagePayload><RTO><name>CAISO</name></RTO></MessagePayload></OASISReport>";
  assert.equal(
    parseXmlReport(empty, { ...ctx, dataset: "lmp_rtm", report: "PRC_INTVL_LMP" }).schema,
    undefined,
  );
});

Deno.test("every report with an expected CSV header has expected XML elements holding VALUE", async () => {
  const { EXPECTED_COLUMNS } = await import("../../src/oasis/report_columns.ts");
  assert.deepEqual(Object.keys(EXPECTED_ELEMENTS).sort(), Object.keys(EXPECTED_COLUMNS).sort());
  for (const elements of Object.values(EXPECTED_ELEMENTS)) assert.ok(elements.includes("VALUE"));
});
