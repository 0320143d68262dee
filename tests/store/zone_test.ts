import assert from "node:assert/strict";
import { isZone, zoneOf } from "../../src/store/zone.ts";

Deno.test("zoneOf() names the three trading hubs np15, sp15 and zp26", () => {
  assert.equal(zoneOf("TH_NP15_GEN-APND"), "np15");
  assert.equal(zoneOf("TH_SP15_GEN-APND"), "sp15");
  assert.equal(zoneOf("TH_ZP26_GEN-APND"), "zp26");
});

Deno.test("zoneOf() turns any other node into a sanitized lowercase zone name", () => {
  assert.equal(zoneOf("DLAP_PGAE-APND"), "dlap_pgae-apnd");
  assert.equal(zoneOf("0096WD_7_N001"), "0096wd_7_n001");
  assert.equal(zoneOf("A B:C*D"), "a_b_c_d");
  assert.equal(isZone(zoneOf("weird:{node}*")!), true);
});

Deno.test("zoneOf() gives undefined when nothing usable is left", () => {
  assert.equal(zoneOf(""), undefined);
  assert.equal(zoneOf(":::"), undefined);
});
