/** The price-correction job on the simulator: PRC_CORR_GRP → re-fetch → revisions in Bronze and the store. */
import assert from "node:assert/strict";
import { deliverWindow } from "../../src/jobs/deliver.ts";
import { correctionDates, runPriceCorrections } from "../../src/jobs/price_corrections.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";
import { operatingDay } from "../../src/oasis/time.ts";
import { planWindows } from "../../src/oasis/windows.ts";
import type { PriceUpdate } from "../../src/store/store.ts";
import { frozenSimulator, memoryBackends, memoryBronze, simClient, testClock } from "./helpers.ts";

const NODE = "TH_SP15_GEN-APND";
const DAY = "2026-06-25";
const NOW = "2026-07-01T18:00:00Z";
const settings = { days: 14, digestTtlMs: 20 * 86_400_000, lockTtlMs: 600_000 };

async function setup() {
  const sim = frozenSimulator(NOW);
  const clock = testClock(NOW);
  const backends = await memoryBackends(clock);
  const bronze = memoryBronze();
  const client = simClient(sim);
  const deps = {
    client,
    publisher: bronze.publisher,
    store: backends.store,
    coordination: backends.coordination,
    nodes: (d: string) => d === "lmp_dam" ? { nodes: [NODE] } : undefined,
    settings,
  };
  // The day as first published by the scheduled poll.
  for (const window of planWindows(DATASETS.lmp_dam, operatingDay(DAY), { nodes: [NODE] })) {
    await deliverWindow(window, await client.fetchWindow(window), deps, { now: clock.now, digestTtlMs: 1e9 });
  }
  return { sim, clock, backends, bronze, deps };
}

Deno.test("a PRC_CORR_GRP correction republishes only the corrected hours as price_correction revisions", async () => {
  const { sim, clock, backends, bronze, deps } = await setup();
  const updates: PriceUpdate[] = [];
  await backends.store.onUpdate(null, (u) => updates.push(u));
  try {
    const first = bronze.messages.length;
    const hour14 = "2026-06-25T20:00:00Z"; // hour ending 14 PDT
    const before = await backends.store.history("sp15", "DA", {
      from: new Date(hour14),
      to: new Date(hour14),
    });
    const old = before.value[0]!.price;
    await sim.handler(
      new Request("http://oasis.test/sim/corrections", {
        method: "POST",
        body: JSON.stringify({ market: "DAM", trade_date: DAY, hours: [14], delta: 10 }),
      }),
    );
    const summary = await runPriceCorrections(deps, clock.now);
    assert.equal(summary.outcome, "done");
    assert.deepEqual(summary.refetched, [`lmp_dam@${DAY}`]);
    assert.equal(summary.listed, 1);
    const sent = bronze.messages.slice(first).map((m) => JSON.parse(m.value));
    assert.deepEqual(
      sent.map((e) => [e.component, e.interval_start, e.revision, e.revision_reason]).sort(),
      [["LMP", hour14, 1, "price_correction"], ["MCE", hour14, 1, "price_correction"]],
    );
    const after = await backends.store.history("sp15", "DA", {
      from: new Date(hour14),
      to: new Date(hour14),
    });
    assert.equal(Math.round((after.value[0]!.price - old) * 1000) / 1000, 10);
    const revised = updates.filter((u) => u.revised);
    assert.equal(revised.length, 1);
    assert.equal(revised[0]!.previous_price, old);
    // The next day's run lists the same correction: the day is not fetched again.
    const again = await runPriceCorrections(deps, new Date("2026-07-02T18:00:00Z"));
    assert.deepEqual(again.refetched, []);
    assert.equal(bronze.messages.length, first + 2);
  } finally {
    backends.close();
  }
});

Deno.test("correctionDates() reads yesterday and the days before it", () => {
  assert.deepEqual(correctionDates(new Date("2026-07-01T18:00:00Z"), 3), [
    "2026-06-30",
    "2026-06-29",
    "2026-06-28",
  ]);
});

Deno.test("a corrected day whose re-fetch failed is fetched again by the next run, and a failed list is reported", async () => {
  const { sim, clock, backends, bronze, deps } = await setup();
  try {
    const first = bronze.messages.length;
    await sim.handler(
      new Request("http://oasis.test/sim/corrections", {
        method: "POST",
        body: JSON.stringify({ market: "DAM", trade_date: DAY, hours: [3], delta: -4 }),
      }),
    );
    sim.faults.add({ kind: "http500", query: "PRC_LMP" }, { kind: "http500", query: "PRC_CORR_GRP" });
    const failed = await runPriceCorrections(deps, clock.now);
    assert.equal(failed.outcome, "partial");
    assert.equal(failed.failures.length, 2, "one list and the re-fetch");
    assert.deepEqual(failed.refetched, [`lmp_dam@${DAY}`]);
    assert.equal(bronze.messages.length, first);
    const retried = await runPriceCorrections(deps, clock.now);
    assert.equal(retried.outcome, "done");
    assert.deepEqual(retried.refetched, [`lmp_dam@${DAY}`]);
    assert.equal(retried.revised, 2);
    assert.equal(bronze.messages.length, first + 2);
  } finally {
    backends.close();
  }
});

Deno.test("PRICE_CORRECTION_DAYS=0, or no LMP dataset collected, reads nothing", async () => {
  const { sim, clock, backends, deps } = await setup();
  try {
    const before = sim.requests.length;
    const summary = await runPriceCorrections({ ...deps, settings: { ...settings, days: 0 } }, clock.now);
    assert.equal(summary.outcome, "done");
    await runPriceCorrections({ ...deps, nodes: () => undefined }, clock.now);
    assert.equal(sim.requests.length, before);
  } finally {
    backends.close();
  }
});
