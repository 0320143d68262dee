import assert from "node:assert/strict";
import { forEachCsvRow, readCsvRows } from "../../src/oasis/csv_rows.ts";

Deno.test("readCsvRows() gives the same records with and without quotes, LF or CRLF, after a BOM", () => {
  const plain = "a,b,c\n1,,x y\n\n2,3,4\n";
  const expected = [["a", "b", "c"], ["1", "", "x y"], [""], ["2", "3", "4"]];
  assert.deepEqual(readCsvRows(plain), expected);
  assert.deepEqual(readCsvRows(`\uFEFF${plain.replaceAll("\n", "\r\n")}`), expected);
  assert.deepEqual(readCsvRows('"a",b,c\n1,"",x y\n\n"2","3",4\n'), expected);
});

Deno.test("readCsvRows() reads quoted commas, quotes and line breaks inside a cell", () => {
  assert.deepEqual(readCsvRows('name,note\n"A, B","say ""hi""\nthere"\n'), [
    ["name", "note"],
    ["A, B", 'say "hi"\nthere'],
  ]);
});

Deno.test("forEachCsvRow() numbers records from 0 and keeps none itself", () => {
  for (const text of ["h\nx\ny", '"h"\nx\ny']) {
    const seen: [string, number][] = [];
    forEachCsvRow(text, (cells, i) => seen.push([cells[0]!, i]));
    assert.deepEqual(seen, [["h", 0], ["x", 1], ["y", 2]]);
  }
});
