import assert from "node:assert/strict";
import { NodeListError, nodeSelection } from "../../src/jobs/node_selection.ts";

Deno.test("nodeSelection() passes ALL and ALL_APNODES as a group, and trims and deduplicates a list", () => {
  assert.deepEqual(nodeSelection("ALL"), { grpType: "ALL" });
  assert.deepEqual(nodeSelection("ALL_APNODES"), { grpType: "ALL_APNODES" });
  assert.deepEqual(nodeSelection([" TH_NP15_GEN-APND", "TH_NP15_GEN-APND ", "A.B"]), {
    nodes: ["TH_NP15_GEN-APND", "A.B"],
  });
});

Deno.test("nodeSelection() refuses an empty list and a name that could not go into a URL", () => {
  assert.throws(() => nodeSelection([]), (e: unknown) => e instanceof NodeListError && e.node === null);
  assert.throws(
    () => nodeSelection(["TH_NP15_GEN-APND", "A;B"]),
    (e: unknown) =>
      e instanceof NodeListError && e instanceof RangeError && e.message === 'Invalid node "A;B"' &&
      e.detail === '"A;B" is not a node name',
  );
});
