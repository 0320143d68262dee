/** The dashboard's zone search (`static/zone_search.js`), without a DOM. */
import assert from "node:assert/strict";
import { findZone, matchZones, MAX_OPTIONS } from "../../static/zone_search.js";

const NODES = Array.from({ length: 3000 }, (_, i) => `node_${String(i).padStart(4, "0")}`);

Deno.test("matchZones() offers at most 50 of thousands of nodes, those starting with the text first", () => {
  assert.equal(MAX_OPTIONS, 50);
  assert.equal(matchZones(NODES, "node").length, 50);
  assert.equal(matchZones(NODES, "").length, 50);
  assert.deepEqual(matchZones(["sp15", "np15", "zp26"], "P1"), ["sp15", "np15"]);
  assert.deepEqual(matchZones(["a_np15", "np15_x", "np15"], "np15"), ["np15_x", "np15", "a_np15"]);
  assert.deepEqual(matchZones(NODES, "2999"), ["node_2999"]);
  assert.deepEqual(matchZones(NODES, "zz"), []);
});

Deno.test("findZone() finds a configured zone by its name in any case, and nothing else", () => {
  assert.equal(findZone(["sp15", "np15"], " NP15 "), "np15");
  assert.equal(findZone(["sp15", "np15"], "np1"), undefined);
  assert.equal(findZone(["sp15"], ""), undefined);
});
