import assert from "node:assert/strict";
import { unzipSync, zipSync } from "fflate";
import { parseFile } from "../../src/oasis/parse.ts";
import { parseFileChunks } from "../../src/oasis/parse_chunks.ts";
import type { OasisRow, RowProblem } from "../../src/oasis/row.ts";

const ZIP = "singlezip_PRC_LMP_DAM_v1_ALL_APNODES_start-20200102T00Z.zip";
const bytes = Deno.readFileSync(new URL(`../fixtures/oasis-samples/${ZIP}`, import.meta.url));

Deno.test("parseFileChunks gives the 162,848-row zip in chunks of at most 1,000 lines, equal to parseFile", () => {
  const whole = parseFile(bytes, ZIP);
  assert.equal(whole.kind, "rows");
  const rows: OasisRow[] = [];
  const problems: RowProblem[] = [];
  let chunks = 0;
  for (const chunk of parseFileChunks(bytes, ZIP)) {
    assert.equal(chunk.kind, "rows");
    if (chunk.kind !== "rows") continue;
    assert.ok(chunk.rows.length + chunk.problems.length <= 1_000);
    for (const r of chunk.rows) rows.push(r);
    for (const p of chunk.problems) problems.push(p);
    chunks++;
  }
  assert.ok(chunks >= 9, `${chunks} chunks`);
  assert.deepEqual(rows, whole.kind === "rows" ? whole.rows : []);
  assert.deepEqual(problems, whole.kind === "rows" ? whole.problems : []);
});

Deno.test("parseFileChunks numbers rows from the member's start in a bare CSV with a bad line", () => {
  const csv = new TextEncoder().encode(
    "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,NODE,MARKET_RUN_ID,LMP_TYPE,MW\n" +
      "2020-01-01T08:00:00-00:00,2020-01-01T09:00:00-00:00,2020-01-01,1,A,DAM,LMP,10\n".repeat(3) +
      "broken\n" +
      "2020-01-01T08:00:00-00:00,2020-01-01T09:00:00-00:00,2020-01-01,1,B,DAM,LMP,11\n",
  );
  const name = "20200101_20200101_PRC_LMP_DAM_LMP_v1.csv";
  const whole = parseFile(csv, name);
  const chunks = [...parseFileChunks(csv, name, {}, 2)];
  assert.equal(chunks.length, 3);
  const rows = chunks.flatMap((c) => c.kind === "rows" ? c.rows : []);
  const problems = chunks.flatMap((c) => c.kind === "rows" ? c.problems : []);
  assert.deepEqual(rows, whole.kind === "rows" ? whole.rows : null);
  assert.deepEqual(problems, whole.kind === "rows" ? whole.problems : null);
  assert.equal(problems[0]?.row_number, 4);
});

Deno.test("parseFileChunks reads every member of a multi-member zip (stored and deflated) like parseFile", () => {
  const [name, csv] = Object.entries(unzipSync(bytes))[0]!;
  const text = new TextDecoder().decode(csv).split("\n");
  const part = (from: number, to: number) =>
    new TextEncoder().encode([text[0], ...text.slice(from, to)].join("\n"));
  const fixture = (file: string) =>
    Deno.readFileSync(new URL(`../fixtures/oasis-samples/${file}`, import.meta.url));
  const zip = zipSync({
    [name]: [part(1, 2500), { level: 6 }],
    [name.replace("_v1", "_v1_b")]: [part(2500, 3100), { level: 0 }],
    "pyiso_sld_forecast_RTM_RTPD.xml": fixture("pyiso_sld_forecast_RTM_RTPD.xml"),
  });
  const whole = parseFile(zip, "group.zip");
  assert.equal(whole.kind, "rows");
  const chunks = [...parseFileChunks(zip, "group.zip", {}, 1000)];
  assert.equal(chunks.length, 3 + 1 + 1);
  const rows = chunks.flatMap((c) => c.kind === "rows" ? c.rows : []);
  assert.deepEqual(rows, whole.kind === "rows" ? whole.rows : null);
});
