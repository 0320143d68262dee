/**
 * Impossible timestamps and non-decimal numbers are rejected rows (kept with their reason, then dead
 * letters), never normal rows: OASIS writes decimal numbers and real GMT instants only.
 */
import assert from "node:assert/strict";
import { parseFile } from "../../src/oasis/parse.ts";
import type { ParseResult } from "../../src/oasis/row.ts";
import { gmtToIso } from "../../src/oasis/time.ts";

const SAMPLES = new URL("../fixtures/oasis-samples/", import.meta.url);
const EXCERPT = "excerpt_PRC_LMP_DAM_v1_trading_hubs_2020-01-02Z.csv";

type Rows = Extract<ParseResult, { kind: "rows" }>;

/** The excerpt's header and first data row, with `edit` applied to the cells of that row. */
function csvWith(edits: Array<(cells: string[]) => void>): Rows {
  const [header, first] = new TextDecoder().decode(Deno.readFileSync(new URL(EXCERPT, SAMPLES))).split("\n");
  const lines = [header!];
  for (const edit of edits) {
    const cells = first!.split(",");
    edit(cells);
    lines.push(cells.join(","));
  }
  const result = parseFile(new TextEncoder().encode(lines.join("\n") + "\n"), "x_PRC_LMP_DAM_v1.csv");
  assert.equal(result.kind, "rows");
  return result as Rows;
}

// Columns of the excerpt: 0 start, 1 end, 2 OPR_DT, 3 OPR_HR, 4 OPR_INTERVAL, 14 MW.
const set = (i: number, v: string) => (cells: string[]) => void (cells[i] = v);

Deno.test("gmtToIso() rejects impossible dates and times and keeps real instants", () => {
  assert.equal(gmtToIso("2020-01-02T16:00:00-00:00"), "2020-01-02T16:00:00Z");
  assert.equal(gmtToIso("2020-01-02T16:00:00Z"), "2020-01-02T16:00:00Z");
  assert.equal(gmtToIso("2020-01-02T08:00:00-08:00"), "2020-01-02T16:00:00Z");
  assert.equal(gmtToIso("2024-02-29T23:59:59.500+01:00"), "2024-02-29T22:59:59Z");
  for (
    const bad of [
      "2024-13-45T99:00:00-00:00",
      "2024-13-01T00:00:00-00:00",
      "2023-02-29T00:00:00-00:00",
      "2024-04-31T00:00:00-00:00",
      "2024-01-00T00:00:00-00:00",
      "2024-01-01T24:00:00-00:00",
      "2024-01-01T23:60:00-00:00",
      "2024-01-01T23:00:60-00:00",
      "2024-01-01T23:00:00-25:00",
      "2024-01-01T23:00:00",
      "2024-01-01",
      "yesterday",
    ]
  ) {
    assert.equal(gmtToIso(bad), undefined, bad);
  }
});

Deno.test("a row with an impossible interval start or end is rejected, naming the value", () => {
  const result = csvWith([
    set(0, "2024-13-45T99:00:00-00:00"),
    set(1, "2020-02-30T01:00:00-00:00"),
    () => {},
  ]);
  assert.equal(result.rows.length, 1);
  assert.deepEqual(result.problems.map((p) => [p.row_number, p.reason]), [
    [1, 'Invalid interval start "2024-13-45T99:00:00-00:00"'],
    [2, 'Invalid interval end "2020-02-30T01:00:00-00:00"'],
  ]);
});

Deno.test("a value that is not a decimal number is a rejected row; decimal forms are read", () => {
  const bad = ["0x10", "0b11", "0o7", "Infinity", "-Infinity", "1e999", "1_000", "12.3.4", "1,5"];
  const good = ["-12.34", "38.1942", "+5", ".5", "7.", "1.2E-5", "-3e2", "0"];
  const result = csvWith([...bad, ...good].map((v) => set(14, v.includes(",") ? `"${v}"` : v)));
  assert.deepEqual(
    result.problems.map((p) => p.reason),
    bad.map((v) => `Invalid value "${v}" in column "MW"`),
  );
  assert.deepEqual(result.rows.map((r) => r.value), [-12.34, 38.1942, 5, 0.5, 7, 1.2e-5, -300, 0]);
  assert.equal(result.problems[0]!.raw.MW, "0x10");
});

Deno.test("a row with a non-decimal OPR_HR or OPR_INTERVAL or an impossible OPR_DT is rejected", () => {
  const result = csvWith([set(3, "0x1"), set(4, "1.5"), set(2, "2020-02-30"), set(3, "07")]);
  assert.deepEqual(result.problems.map((p) => p.reason), [
    'Invalid value "0x1" in column "OPR_HR"',
    'Invalid value "1.5" in column "OPR_INTERVAL"',
    'Invalid operating date "2020-02-30"',
  ]);
  assert.deepEqual(result.rows.map((r) => r.opr_hour), [7]);
});
