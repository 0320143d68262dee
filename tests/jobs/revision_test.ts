/** Revisions: OASIS answers a recent day again with one value changed. */
import assert from "node:assert/strict";
import { pollDataset } from "../../src/jobs/poll.ts";
import type { FetchResult } from "../../src/oasis/client.ts";
import type { RequestWindow } from "../../src/oasis/windows.ts";
import type { PriceUpdate } from "../../src/store/store.ts";
import { priceRows, SP15 } from "../store/helpers.ts";
import { keyCounts, memoryBackends, memoryBronze, settings, testClock } from "./helpers.ts";

const HOUR = 3_600_000;
const DAY_START = Date.parse("2025-06-30T07:00:00Z");

/** A day-ahead OASIS for one node: 72 hours of prices from `DAY_START`, which the test can revise. */
function fakeOasis() {
  const prices = Array.from({ length: 72 }, (_, h) => 30 + (h % 24));
  let requests = 0;
  return {
    prices,
    get requests() {
      return requests;
    },
    client: {
      fetchWindow(window: RequestWindow): Promise<FetchResult> {
        requests++;
        const from = Math.max(0, (window.start.getTime() - DAY_START) / HOUR);
        const to = Math.min(72, (window.end.getTime() - DAY_START) / HOUR);
        const rows = priceRows(
          "lmp_dam",
          SP15,
          new Date(DAY_START + from * HOUR).toISOString(),
          prices.slice(from, to),
        );
        return Promise.resolve({
          result: { kind: "rows", rows, problems: [], files: ["test.csv"] },
          url: `http://oasis.test/?queryname=PRC_LMP&n=${requests}`,
          finalUrl: "http://oasis.test/",
          fetchedAt: new Date().toISOString(),
          attempts: 1,
          bytes: 0,
        });
      },
    },
  };
}

Deno.test("a revised day-ahead value replaces the stored one and is published again under the same key", async () => {
  const clock = testClock("2025-07-01T21:00:00Z");
  const backends = await memoryBackends(clock);
  const { publisher, messages } = memoryBronze();
  const oasis = fakeOasis();
  const deps = {
    client: oasis.client,
    publisher,
    store: backends.store,
    coordination: backends.coordination,
    nodes: { nodes: [SP15] },
    settings: settings({ revisionMs: 48 * HOUR }),
  };
  const updates: PriceUpdate[] = [];
  await backends.store.onUpdate("sp15", (u) => updates.push(u));
  try {
    const first = await pollDataset("lmp_dam", deps, clock.now);
    assert.equal(first.published, 72);
    assert.equal(messages.length, 72);
    // An hour later nothing changed: the revision window is asked again, nothing is sent twice.
    clock.now = new Date("2025-07-01T22:00:00Z");
    const same = await pollDataset("lmp_dam", deps, clock.now);
    assert.equal(same.requests, 1);
    assert.equal(same.published, 0);
    assert.equal(messages.length, 72);
    // OASIS corrects hour 30 (2025-07-01T13:00Z).
    oasis.prices[30] = 99.5;
    updates.length = 0;
    clock.now = new Date("2025-07-01T23:00:00Z");
    const revised = await pollDataset("lmp_dam", deps, clock.now);
    assert.equal(revised.revised, 1);
    assert.equal(revised.published, 1);
    const key = "lmp_dam|TH_SP15_GEN-APND|LMP|2025-07-01T13:00:00Z";
    const again = messages.slice(72);
    assert.deepEqual(again.map((m) => m.key), [key]);
    assert.equal(JSON.parse(again[0]!.value).value, 99.5);
    assert.equal(keyCounts(messages).get(key), 2);
    // The first publication is revision 0; the changed value goes out as revision 1 of the re-poll.
    const original = JSON.parse(messages.find((m) => m.key === key)!.value);
    assert.deepEqual([original.revision, original.revision_reason], [0, null]);
    const envelope = JSON.parse(again[0]!.value);
    assert.deepEqual([envelope.revision, envelope.revision_reason], [1, "revision_repoll"]);
    const stored = await backends.store.history("sp15", "DA", {
      from: new Date("2025-07-01T13:00:00Z"),
      to: new Date("2025-07-01T13:00:00Z"),
    });
    assert.deepEqual(stored.value.map((p) => p.price), [99.5]);
    assert.equal(updates.length, 1);
    assert.equal(updates[0]!.revised, true);
    assert.equal(updates[0]!.previous_price, 30 + (30 % 24));
    // A second change of the same hour is revision 2.
    oasis.prices[30] = 101;
    clock.now = new Date("2025-07-02T00:00:00Z");
    await pollDataset("lmp_dam", deps, clock.now);
    assert.equal(JSON.parse(messages.at(-1)!.value).revision, 2);
  } finally {
    backends.close();
  }
});

Deno.test("without a revision horizon a day-ahead day already received is not asked again", async () => {
  const clock = testClock("2025-07-01T21:00:00Z");
  const backends = await memoryBackends(clock);
  const { publisher } = memoryBronze();
  const oasis = fakeOasis();
  const deps = {
    client: oasis.client,
    publisher,
    store: backends.store,
    coordination: backends.coordination,
    nodes: { nodes: [SP15] },
    settings: settings({ revisionMs: 0 }),
  };
  try {
    await pollDataset("lmp_dam", deps, clock.now);
    clock.now = new Date("2025-07-01T22:00:00Z");
    const s = await pollDataset("lmp_dam", deps, clock.now);
    assert.equal(s.outcome, "up-to-date");
    assert.equal(oasis.requests, 1);
  } finally {
    backends.close();
  }
});
