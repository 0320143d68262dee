import assert from "node:assert/strict";
import { compareHeader, EXPECTED_COLUMNS } from "../../src/oasis/report_columns.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";

const LMP = EXPECTED_COLUMNS.PRC_LMP!;

Deno.test("compareHeader() finds no difference in the expected header, whatever the order", () => {
  assert.deepEqual(compareHeader(LMP, LMP), { added: [], dropped: [], renamed: [] });
  assert.deepEqual(compareHeader([...LMP].reverse(), LMP), { added: [], dropped: [], renamed: [] });
});

Deno.test("compareHeader() calls a new name in a missing column's place a rename, even after a dropped column", () => {
  const header = LMP.filter((c) => c !== "OPR_DT").map((c) => (c === "MW" ? "PRICE" : c));
  assert.deepEqual(compareHeader(header, LMP), {
    added: [],
    dropped: ["OPR_DT"],
    renamed: [{ from: "MW", to: "PRICE" }],
  });
});

Deno.test("compareHeader() keeps an added column apart from a dropped one elsewhere", () => {
  const header = [...LMP.filter((c) => c !== "POS"), "EDAM_AREA"];
  assert.deepEqual(compareHeader(header, LMP), { added: ["EDAM_AREA"], dropped: ["POS"], renamed: [] });
});

Deno.test("every query of the dataset table has an expected header holding its value column", () => {
  for (const spec of Object.values(DATASETS)) {
    for (const q of spec.queries) {
      assert.ok(EXPECTED_COLUMNS[q.queryName]?.includes(q.valueColumn), q.queryName);
    }
  }
});
