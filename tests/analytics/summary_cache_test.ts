/** The summary cache: least recently used keys go first, and a failed computation is not kept. */
import assert from "node:assert/strict";
import { SummaryCache } from "../../src/analytics/summary_cache.ts";

Deno.test("SummaryCache keeps the most recently used keys and forgets a failed computation", async () => {
  const cache = new SummaryCache<number>(2);
  let runs = 0;
  const compute = () => ++runs;
  await cache.get("a", "1", compute);
  await cache.get("b", "1", compute);
  await cache.get("a", "1", compute); // a is now the most recent
  await cache.get("c", "1", compute); // evicts b
  assert.equal(cache.size, 2);
  assert.equal(runs, 3);
  await cache.get("b", "1", compute);
  assert.equal(runs, 4);
  await assert.rejects(cache.get("d", "1", () => Promise.reject(new Error("boom"))));
  await cache.get("d", "1", compute);
  assert.equal(runs, 5, "the failure was not kept");
});
