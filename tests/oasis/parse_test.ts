import assert from "node:assert/strict";
import { zipSync } from "fflate";
import { parseFile, parseResponse, queryFromFileName } from "../../src/oasis/parse.ts";
import { OasisParseError } from "../../src/oasis/errors.ts";
import type { OasisRow, ParseResult } from "../../src/oasis/row.ts";

const SAMPLES = new URL("../fixtures/oasis-samples/", import.meta.url);
const DST = new URL("../fixtures/dst/", import.meta.url);
const SHARED = new URL("../../../shared/oasis-samples/", import.meta.url);

function sample(name: string, dir = SAMPLES): { bytes: Uint8Array; name: string } {
  return { bytes: Deno.readFileSync(new URL(name, dir)), name };
}

function rowsOf(result: ParseResult): OasisRow[] {
  assert.equal(result.kind, "rows", `expected rows, got ${JSON.stringify(result).slice(0, 200)}`);
  return (result as Extract<ParseResult, { kind: "rows" }>).rows;
}

const ALL_APNODES = "singlezip_PRC_LMP_DAM_v1_ALL_APNODES_start-20200102T00Z.zip";

Deno.test("fixture copies of the recorded OASIS samples are byte-identical to shared/oasis-samples", () => {
  let shared: string[];
  try {
    shared = [...Deno.readDirSync(SHARED)].map((e) => e.name).sort();
  } catch {
    return; // a clone without shared/ beside it: the copies are the reference
  }
  const ours = [...Deno.readDirSync(SAMPLES)].map((e) => e.name).sort();
  assert.deepEqual(ours, shared);
  for (const name of shared) {
    assert.deepEqual(sample(name).bytes, sample(name, SHARED).bytes, name);
  }
});

Deno.test("parseResponse() reads all 162,848 rows of the 2020 ALL_APNODES zip (data-descriptor flag)", () => {
  const { bytes, name } = sample(ALL_APNODES);
  assert.equal(bytes[6], 0x08); // general-purpose flag 0x0808: sizes in a trailing descriptor
  const result = parseResponse(bytes, { fileName: name });
  const rows = rowsOf(result);
  assert.equal(rows.length, 162_848);
  assert.deepEqual((result as { files: string[] }).files, [
    "20200101_20200101_PRC_LMP_DAM_20200630_22_50_44_v1.csv",
  ]);
  assert.equal((result as { problems: unknown[] }).problems.length, 0);
  const nodes = new Set(rows.map((r) => r.node));
  assert.equal(nodes.size, 1_700);
  assert.deepEqual([...new Set(rows.map((r) => r.component))].sort(), ["LMP", "MCC", "MCE", "MCL"]);
  assert.ok(rows.every((r) => r.dataset === "lmp_dam" && r.report === "PRC_LMP"));
  assert.ok(rows.every((r) => r.interval_start.endsWith(":00Z") && r.interval_end.endsWith(":00Z")));
});

Deno.test("TH_SP15 2020-01-02 HE9: LMP 36.83179 = MCE 39.08712 + MCC 0 + MCL -2.25533", () => {
  const rows = rowsOf(parseFile(sample(ALL_APNODES).bytes, ALL_APNODES));
  const he9 = rows.filter((r) =>
    r.node === "TH_SP15_GEN-APND" && r.opr_date === "2020-01-02" && r.opr_hour === 9
  );
  const by = Object.fromEntries(he9.map((r) => [r.component, r]));
  assert.equal(by.LMP?.value, 36.83179);
  assert.equal(by.MCE?.value, 39.08712);
  assert.equal(by.MCC?.value, 0);
  assert.equal(by.MCL?.value, -2.25533);
  assert.equal(by.LMP?.interval_start, "2020-01-02T16:00:00Z");
  assert.equal(by.LMP?.interval_end, "2020-01-02T17:00:00Z");
  assert.equal(by.LMP?.opr_interval, 0);
  assert.equal(by.LMP?.raw.MW, "36.83179");
  assert.equal(by.LMP?.raw.GROUP, "13453");
  assert.equal(Object.keys(by.LMP!.raw).length, 16);
  assert.equal(by.LMP?.source_file, "20200101_20200101_PRC_LMP_DAM_20200630_22_50_44_v1.csv");
});

Deno.test("the trading-hub excerpt gives 288 rows, equal to the same rows of the full zip", () => {
  const excerpt = rowsOf(parseFile(
    sample("excerpt_PRC_LMP_DAM_v1_trading_hubs_2020-01-02Z.csv").bytes,
    "excerpt_PRC_LMP_DAM_v1_trading_hubs_2020-01-02Z.csv",
  ));
  assert.equal(excerpt.length, 288);
  const full = rowsOf(parseFile(sample(ALL_APNODES).bytes, ALL_APNODES))
    .filter((r) => ["TH_NP15_GEN-APND", "TH_SP15_GEN-APND", "TH_ZP26_GEN-APND"].includes(r.node));
  const strip = (r: OasisRow) => ({ ...r, source_file: "", row_number: 0 });
  assert.deepEqual(excerpt.map(strip), full.map(strip));
});

Deno.test("the FMM CSV (PRC_RTPD_LMP v2, zero-padded OPR_HR, value column PRC) gives 960 rows", () => {
  const name = "20230917_20230919_PRC_RTPD_LMP_RTPD_20230921_11_49_39_v2.csv";
  const rows = rowsOf(parseFile(sample(name).bytes, name));
  assert.equal(rows.length, 960);
  assert.ok(rows.every((r) => r.dataset === "lmp_fmm"));
  const at = rows.filter((r) => r.interval_start === "2023-09-18T07:00:00Z");
  const by = Object.fromEntries(at.map((r) => [r.component, r.value]));
  assert.deepEqual(by, { LMP: 32.5862, MCC: 0.0012, MCE: 32.41965, MCL: 0.16535, MGHG: 0 });
  const first = at.find((r) => r.component === "LMP")!;
  assert.equal(first.opr_hour, 1); // "01" in the file
  assert.equal(first.raw.OPR_HR, "01");
  assert.equal(first.opr_interval, 1);
  assert.equal(new Set(rows.map((r) => r.interval_start)).size, 192);
});

Deno.test("a 1000 error document is a no-data result, not an error", () => {
  const name = "erw_caiso_sld_ren_fcst_no_data.xml";
  const result = parseFile(sample(name).bytes, name);
  assert.deepEqual(result, {
    kind: "no-data",
    code: 1000,
    description: "No data returned for the specified selection",
    file: name,
  });
});

Deno.test("a 1001 error document (m: prefix, no disclaimer) is a typed OASIS error", () => {
  const name = "api-evangelist_INVALID_REQUEST_1001.xml";
  const zipped = zipSync({ "INVALID_REQUEST.xml": sample(name).bytes });
  const result = parseResponse(zipped, { fileName: "INVALID_REQUEST.xml.zip" });
  assert.deepEqual(result, {
    kind: "oasis-error",
    code: 1001,
    description: "Invalid Parameters of the given report name",
    file: "INVALID_REQUEST.xml",
  });
});

Deno.test("the 429 HTML body is rejected with a clear parse error", () => {
  const name = "api-evangelist_http429_body.html";
  assert.throws(() => parseResponse(sample(name).bytes, { fileName: name }), (e: unknown) => {
    assert.ok(e instanceof OasisParseError);
    assert.match(e.message, /not a ZIP archive.*CAISO Acceptable Use Policy Violation/);
    return true;
  });
  assert.throws(() => parseFile(sample(name).bytes, name), /not an OASIS report \(root element <html>\)/);
});

Deno.test("the SLD_FCST 25-hour-day sample parses with OPR_HR 25 at 09:00Z", () => {
  const name = "erw_caiso_sld_fcst_actual_20251102_sample.csv";
  const rows = rowsOf(parseFile(sample(name).bytes, name));
  assert.equal(rows.length, 12);
  const he25 = rows.filter((r) => r.opr_hour === 25);
  assert.equal(he25.length, 3);
  assert.ok(he25.every((r) => r.interval_start === "2025-11-02T09:00:00Z"));
  assert.equal(rows[0]!.node, "CA ISO-TAC");
  assert.equal(rows[0]!.value, 20536);
});

Deno.test("the pyiso XML samples (default namespace) parse by local name", () => {
  const fcst = rowsOf(
    parseFile(sample("pyiso_sld_forecast_RTM_RTPD.xml").bytes, "pyiso_sld_forecast_RTM_RTPD.xml"),
  );
  assert.equal(fcst.length, 3);
  assert.deepEqual(fcst.map((r) => [r.node, r.component, r.value, r.interval_start]), [
    ["CA ISO-TAC", "SYS_FCST_15MIN_MW", 26723, "2014-05-08T19:15:00Z"],
    ["CA ISO-TAC", "SYS_FCST_5MIN_MW", 26755, "2014-05-08T18:55:00Z"],
    ["PGE-TAC", "SYS_FCST_5MIN_MW", 11530, "2014-05-08T19:05:00Z"],
  ]);
  // INTERVAL_NUM 144 at 18:55Z (11:55 PDT) is HE12, 5-minute interval 12.
  assert.equal(fcst[1]!.opr_hour, 12);
  assert.equal(fcst[1]!.opr_interval, 12);
  assert.equal(fcst[1]!.raw.INTERVAL_NUM, "144");
  const ren = rowsOf(
    parseFile(sample("pyiso_sld_ren_forecast_DAM.xml").bytes, "pyiso_sld_ren_forecast_DAM.xml"),
  );
  assert.equal(ren.length, 4);
  assert.ok(ren.every((r) => r.report === "SLD_REN_FCST" && r.value !== null));
});

Deno.test("every recorded sample parses or maps to a documented result", () => {
  const expected: Record<string, string> = {
    "20230917_20230919_PRC_RTPD_LMP_RTPD_20230921_11_49_39_v2.csv": "rows:960",
    "api-evangelist_INVALID_REQUEST_1001.xml": "oasis-error:1001",
    "erw_caiso_sld_fcst_actual_20251102_sample.csv": "rows:12",
    "erw_caiso_sld_ren_fcst_no_data.xml": "no-data:1000",
    "excerpt_PRC_LMP_DAM_v1_trading_hubs_2020-01-02Z.csv": "rows:288",
    "pyiso_sld_forecast_RTM_RTPD.xml": "rows:3",
    "pyiso_sld_ren_forecast_DAM.xml": "rows:4",
    [ALL_APNODES]: "rows:162848",
  };
  for (const [name, want] of Object.entries(expected)) {
    const r = parseFile(sample(name).bytes, name);
    const got = r.kind === "rows" ? `rows:${r.rows.length}` : `${r.kind}:${r.code}`;
    assert.equal(got, want, name);
  }
});

Deno.test("DST: the 25-hour day gives 25 distinct hourly starts per node and component, HE25 at 09:00Z", () => {
  const name = "20251102_20251102_PRC_LMP_DAM_20251101_13_05_00_v12.zip";
  const result = parseFile(sample(name, DST).bytes, name);
  const rows = rowsOf(result);
  assert.equal((result as { files: string[] }).files.length, 5); // one member per component (v12)
  assert.equal(rows.length, 3 * 5 * 25);
  const series = Map.groupBy(rows, (r) => `${r.node}|${r.component}`);
  assert.equal(series.size, 15);
  for (const [key, list] of series) {
    assert.equal(new Set(list.map((r) => r.interval_start)).size, 25, key);
  }
  const he25 = rows.filter((r) => r.opr_hour === 25);
  assert.ok(he25.length === 15 && he25.every((r) => r.interval_start === "2025-11-02T09:00:00Z"));
});

Deno.test("DST: the 23-hour day gives 23 distinct hourly starts and no HE3", () => {
  const name = "20250309_20250309_PRC_LMP_DAM_20250308_13_05_00_v1.csv";
  const rows = rowsOf(parseFile(sample(name, DST).bytes, name));
  assert.equal(rows.length, 3 * 4 * 23);
  for (const [key, list] of Map.groupBy(rows, (r) => `${r.node}|${r.component}`)) {
    assert.equal(new Set(list.map((r) => r.interval_start)).size, 23, key);
  }
  assert.equal(rows.filter((r) => r.opr_hour === 3).length, 0);
  assert.ok(rows.find((r) => r.opr_hour === 4)!.interval_start === "2025-03-09T10:00:00Z");
});

Deno.test("DST: 5-minute XML on the 25-hour day gets 300 intervals with OPR_HR 25 derived from GMT", () => {
  const name = "20251102_20251102_PRC_INTVL_LMP_RTM_20251103_00_10_00_v3.xml";
  const rows = rowsOf(parseFile(sample(name, DST).bytes, name));
  assert.equal(rows.length, 300);
  assert.equal(new Set(rows.map((r) => r.interval_start)).size, 300);
  assert.ok(rows.every((r) => r.dataset === "lmp_rtm" && r.component === "LMP"));
  const he25 = rows.filter((r) => r.opr_hour === 25);
  assert.equal(he25.length, 12);
  assert.equal(he25[0]!.interval_start, "2025-11-02T09:00:00Z");
  assert.deepEqual(he25.map((r) => r.opr_interval), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.equal(rows.at(-1)!.opr_hour, 24);
});

Deno.test("an empty value cell is null, never 0", () => {
  const csv =
    "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,OPR_INTERVAL,OPR_TYPE,ANC_TYPE,ANC_REGION," +
    "MARKET_RUN_ID,XML_DATA_ITEM,MW,GROUP\n" +
    "2024-09-01T07:00:00-00:00,2024-09-01T08:00:00-00:00,2024-09-01,1,0,Hourly,RU,AS_CAISO_EXP,DAM,RU_CLR_PRC,1.4583,1\n" +
    "2024-09-01T07:00:00-00:00,2024-09-01T08:00:00-00:00,2024-09-01,1,0,Hourly,RD,AS_CAISO_EXP,DAM,RD_CLR_PRC,,1\n";
  const rows = rowsOf(
    parseFile(new TextEncoder().encode(csv), "x_PRC_AS_DAM_v12.csv", { dataset: "as_dam" }),
  );
  assert.deepEqual(rows.map((r) => [r.node, r.component, r.value]), [
    ["AS_CAISO_EXP", "RU", 1.4583],
    ["AS_CAISO_EXP", "RD", null],
  ]);
});

Deno.test("a renamed value column makes every row a problem naming it, and the header check shows the rename", () => {
  const text = new TextDecoder().decode(sample("excerpt_PRC_LMP_DAM_v1_trading_hubs_2020-01-02Z.csv").bytes)
    .replace(",MW,GROUP", ",MW_X,GROUP");
  const result = parseFile(new TextEncoder().encode(text), "x_PRC_LMP_DAM_v12.csv");
  assert.equal(result.kind, "rows");
  if (result.kind !== "rows") return;
  assert.equal(result.rows.length, 0);
  assert.ok(result.problems.length > 0);
  for (const p of result.problems) {
    assert.equal(p.reason, 'Missing column "MW" (the header has "MW_X" in its place)');
  }
  assert.match(result.problems[0]!.raw.MW_X ?? "", /^-?\d/); // the raw row keeps the value under its new name
  assert.deepEqual(result.schema?.map((s) => [s.report, s.added, s.dropped, s.renamed, s.missing]), [
    ["PRC_LMP", [], [], [{ from: "MW", to: "MW_X" }], ["MW"]],
  ]);
});

Deno.test("an added or dropped column that rows do not need is reported, and the rows are still read", () => {
  const lines = new TextDecoder().decode(sample("excerpt_PRC_LMP_DAM_v1_trading_hubs_2020-01-02Z.csv").bytes)
    .trimEnd().split("\n");
  const edit = (f: (cells: string[]) => string[]) =>
    new TextEncoder().encode(lines.map((l) => f(l.split(",")).join(",")).join("\n"));
  const dropped = parseFile(edit((c) => c.filter((_, i) => i !== 13)), "x_PRC_LMP_DAM_v12.csv"); // POS
  const added = parseFile(
    edit((c) => [...c, c[0] === "INTERVALSTARTTIME_GMT" ? "EDAM_AREA" : "CISO"]),
    "x_PRC_LMP_DAM_v12.csv",
  );
  for (const [result, diff] of [[dropped, [[], ["POS"], []]], [added, [["EDAM_AREA"], [], []]]] as const) {
    assert.equal(result.kind, "rows");
    if (result.kind !== "rows") return;
    assert.equal(result.problems.length, 0);
    assert.equal(result.rows.length, lines.length - 1);
    assert.deepEqual(result.schema?.map((s) => [s.added, s.dropped, s.renamed, s.missing]), [[...diff, []]]);
  }
});

Deno.test("an expected header gives a header check with no difference", () => {
  const result = parseFile(
    sample("excerpt_PRC_LMP_DAM_v1_trading_hubs_2020-01-02Z.csv").bytes,
    "x_PRC_LMP_DAM_v12.csv",
  );
  assert.equal(result.kind, "rows");
  if (result.kind !== "rows") return;
  assert.deepEqual(result.schema?.map((s) => [s.added, s.dropped, s.renamed, s.missing]), [[[], [], [], []]]);
});

Deno.test("bad cells reject only their row, with the reason and the raw row kept", () => {
  const lines = new TextDecoder().decode(sample("excerpt_PRC_LMP_DAM_v1_trading_hubs_2020-01-02Z.csv").bytes)
    .split("\n").slice(0, 5);
  lines[2] = lines[2]!.replace(/,[-0-9.]+,(\d+)$/, ",abc,$1");
  lines[3] = lines[3]!.replace(/^[^,]+/, "yesterday");
  lines.push("too,few,columns");
  const result = parseFile(new TextEncoder().encode(lines.join("\n")), "x_PRC_LMP_DAM_v1.csv");
  assert.equal(result.kind, "rows");
  if (result.kind !== "rows") return;
  assert.equal(result.rows.length, 2);
  assert.deepEqual(result.problems.map((p) => [p.row_number, p.reason]), [
    [2, 'Invalid value "abc" in column "MW"'],
    [3, 'Invalid interval start "yesterday"'],
    [5, "Expected 16 columns, found 3"],
  ]);
  assert.equal(result.problems[0]!.raw.MW, "abc");
});

Deno.test("a truncated or corrupt zip is an OasisParseError, not a crash", () => {
  const bytes = sample(ALL_APNODES).bytes;
  assert.throws(() => parseResponse(bytes.slice(0, 100_000)), OasisParseError);
  const corrupt = bytes.slice();
  corrupt.fill(0, 200, 400);
  assert.throws(() => parseResponse(corrupt), OasisParseError);
  assert.throws(() => parseResponse(new Uint8Array()), OasisParseError);
});

Deno.test("malformed XML is an OasisParseError with a line number", () => {
  const xml =
    '<?xml version="1.0"?>\n<OASISReport><MessagePayload><RTO><REPORT_ITEM><REPORT_DATA>\n<VALUE>1</DATA>';
  assert.throws(
    () => parseFile(new TextEncoder().encode(xml), "x_PRC_LMP_DAM_v12.xml"),
    (e: unknown) => e instanceof OasisParseError && typeof e.line === "number",
  );
});

Deno.test("queryFromFileName() finds the report and market in OASIS file names", () => {
  assert.deepEqual(queryFromFileName("20200101_20200101_PRC_LMP_DAM_20200630_22_50_44_v1.csv"), {
    queryName: "PRC_LMP",
    marketRunId: "DAM",
  });
  assert.deepEqual(queryFromFileName("20251206_20251206_PRC_INTVL_AS_RTM_v1.csv"), {
    queryName: "PRC_INTVL_AS",
    marketRunId: "RTM",
  });
  assert.equal(queryFromFileName("20131115_CRR_CLEARING_v1.csv")?.queryName, "CRR_CLEARING");
  assert.equal(queryFromFileName("notes.csv"), undefined);
});

Deno.test("quoted CSV (read by d3-dsv) and quote-free CSV (split fast path) give the same rows", () => {
  const name = "excerpt_PRC_LMP_DAM_v1_trading_hubs_2020-01-02Z.csv";
  const plain = new TextDecoder().decode(sample(name).bytes);
  const quoted = plain.replace("NODE_ID_XML,", '"NODE_ID_XML",').replaceAll(
    "TH_SP15_GEN-APND",
    '"TH_SP15_GEN-APND"',
  )
    .replaceAll("\n", "\r\n");
  const a = rowsOf(parseFile(new TextEncoder().encode(plain), name));
  const b = rowsOf(parseFile(new TextEncoder().encode(quoted), name));
  assert.equal(a.length, 288);
  assert.deepEqual(b, a);
});

Deno.test("XML: a data report whose elements carry a namespace prefix (m:) gives the same rows", () => {
  const name = "20251102_20251102_PRC_INTVL_LMP_RTM_20251103_00_10_00_v3.xml";
  const text = new TextDecoder().decode(sample(name, DST).bytes);
  // OASIS error documents use `m:`; a data report written the same way must read identically.
  const prefixed = text
    .replace(/<OASISReport xmlns=/, "<m:OASISReport xmlns:m=")
    .replace(/<(\/?)(?!\?|m:)([A-Za-z_][\w.-]*)/g, "<$1m:$2");
  assert.notEqual(prefixed, text);
  assert.match(prefixed, /<m:REPORT_DATA>/);
  assert.doesNotMatch(prefixed, /<REPORT_DATA>/);
  const plain = rowsOf(parseFile(sample(name, DST).bytes, name));
  const withPrefix = rowsOf(parseFile(new TextEncoder().encode(prefixed), name));
  assert.equal(withPrefix.length, 300);
  assert.deepEqual(
    withPrefix.map((r) => [r.interval_start, r.node, r.component, r.value, r.opr_hour]),
    plain.map((r) => [r.interval_start, r.node, r.component, r.value, r.opr_hour]),
  );
});
