/** A poll of an AS or CRR dataset keeps its clearing prices in the hot store for the dashboard. */
import assert from "node:assert/strict";
import { pollDataset } from "../../src/jobs/poll.ts";
import type { DatasetName } from "../../src/oasis/datasets.ts";
import type { ValueMarket } from "../../src/store/store.ts";
import { frozenSimulator, memoryBackends, memoryBronze, pollDeps, testClock } from "./helpers.ts";

const NOW = "2025-07-02T20:00:00Z";

for (
  const [dataset, market] of [["as_dam", "AS_DAM"], ["as_fmm", "AS_RTM"], ["crr", "CRR"]] as [
    DatasetName,
    ValueMarket,
  ][]
) {
  Deno.test(`pollDataset("${dataset}") keeps its prices as ${market} values`, async () => {
    const sim = frozenSimulator(NOW);
    const clock = testClock(NOW);
    const mem = await memoryBackends(clock);
    try {
      const deps = pollDeps(sim, mem, memoryBronze().publisher);
      const summary = await pollDataset(dataset, deps, clock.now);
      assert.deepEqual(summary.failures, []);
      const values = (await mem.store.values(market)).value;
      assert.ok(values.length > 0, `${market} values kept`);
      assert.ok(values.every((v) => v.market === market && Number.isFinite(v.price)));
    } finally {
      mem.close();
    }
  });
}
