import assert from "node:assert/strict";
import { toPricePoints } from "../../src/store/price_points.ts";
import { NP15, priceRows } from "./helpers.ts";

Deno.test("toPricePoints() makes one point per interval with the LMP as price and the other components kept", () => {
  const { points, skipped } = toPricePoints(
    priceRows("lmp_fmm", NP15, "2025-06-10T18:00:00Z", [40, 41], true),
  );
  assert.deepEqual(skipped, []);
  assert.equal(points.length, 2);
  assert.deepEqual(points[0], {
    zone: "np15",
    node: NP15,
    market: "FMM",
    ms: Date.parse("2025-06-10T18:00:00Z"),
    timestamp: "2025-06-10T18:00:00Z",
    price: 40,
    components: { MCE: 38, MCC: 1.5, MCL: 0.5 },
  });
});

Deno.test("toPricePoints() skips the components of an interval whose LMP is missing", () => {
  const rows = priceRows("lmp_rtm", NP15, "2025-06-10T18:00:00Z", [40], true).filter((r) =>
    r.component !== "LMP"
  );
  const { points, skipped } = toPricePoints(rows);
  assert.deepEqual(points, []);
  assert.deepEqual(skipped.map((s) => s.code), ["no_lmp", "no_lmp", "no_lmp"]);
});

Deno.test("toPricePoints() keeps the last price when an interval comes twice", () => {
  const rows = [
    ...priceRows("lmp_dam", NP15, "2025-06-10T18:00:00Z", [40]),
    ...priceRows("lmp_dam", NP15, "2025-06-10T18:00:00Z", [44]),
  ];
  assert.deepEqual(toPricePoints(rows).points.map((p) => p.price), [44]);
});
