/** TB-N spreads. */
import assert from "node:assert/strict";
import { hourlyPrices, seriesSpreads, tbSpreads } from "../../src/analytics/spreads.ts";
import { series } from "./arbitrage_helpers.ts";

Deno.test("tbSpreads() averages the N dearest minus the N cheapest hours, and adjusts by efficiency", () => {
  const hours = [10, 50, 20, 90, 30, 80, 40, 70, 60, 100];
  const [tb1, tb2, tb3, tb4] = tbSpreads(hours, 0.8);
  assert.deepEqual(tb1, { n: 1, spread: 90, adjusted: 100 * 0.8 - 10 });
  assert.deepEqual(tb2, { n: 2, spread: 95 - 15, adjusted: 95 * 0.8 - 15 });
  assert.equal(tb3!.spread, 90 - 20);
  assert.equal(tb4!.spread, 85 - 25);
});

Deno.test("tbSpreads() answers null when the day has fewer than 2N hours with a price", () => {
  const spreads = tbSpreads([10, 20, 30, 40, 50], 1);
  assert.deepEqual(spreads.map((s) => s.spread), [40, 30, null, null]);
  assert.equal(spreads[3]!.adjusted, null);
});

Deno.test("hourlyPrices() averages 5-minute prices per hour and leaves out hours without a price", () => {
  const rt = Array.from({ length: 36 }, (_, i) => (i < 12 ? i : i < 24 ? null : 100));
  assert.deepEqual(hourlyPrices(series(rt, 5)), [5.5, 100]);
});

Deno.test("seriesSpreads() of a 25-hour day ranks all 25 hours", () => {
  const prices = Array.from({ length: 25 }, (_, i) => (i === 24 ? 500 : 50));
  assert.equal(seriesSpreads(series(prices), 1)[0]!.spread, 450);
});
