import assert from "node:assert/strict";
import {
  oldestRetainedDay,
  planBackfill,
  RetentionError,
  runBackfill,
  windowId,
} from "../../src/jobs/backfill.ts";
import { digestRetentionMs } from "../../src/jobs/digest_retention.ts";
import { loadJobsConfig } from "../../src/jobs/settings.ts";
import type { DatasetName } from "../../src/oasis/datasets.ts";
import { DEFAULT_NODES } from "../../src/oasis/datasets.ts";
import type { NodeSelection } from "../../src/oasis/windows.ts";
import { frozenSimulator, keyCounts, memoryBackends, memoryBronze, simClient, testClock } from "./helpers.ts";

const NOW = new Date("2026-01-15T20:00:00Z");
const hubs: NodeSelection = { nodes: DEFAULT_NODES };
const size = (datasets: DatasetName[], nodes: NodeSelection, from = "2025-11-01", to = "2025-11-30") =>
  planBackfill({ from, to, datasets, nodes }, NOW).datasets.map((d) => d.windows.length);

Deno.test("planBackfill() splits a month into the fewest requests each dataset's limits allow", () => {
  assert.deepEqual(size(["lmp_dam", "lmp_fmm", "lmp_rtm"], hubs), [1, 1, 1]);
  assert.deepEqual(size(["lmp_dam"], { grpType: "ALL" }), [30]);
  assert.deepEqual(size(["lmp_rtm"], { grpType: "ALL" }), [30 * 24 + 1], "one hour each, 25 on 2025-11-02");
  assert.deepEqual(size(["lmp_fmm"], { grpType: "ALL_APNODES" }, "2025-03-09", "2025-03-09"), [23]);
  const twelve = { nodes: Array.from({ length: 12 }, (_, i) => `NODE_${i}`) };
  assert.deepEqual(size(["lmp_rtm"], twelve), [2], "ten nodes per request");
  assert.deepEqual(size(["as_dam", "as_fmm", "crr"], hubs), [30, 30, 60]);
  assert.deepEqual(size(["lmp_dam"], hubs, "2025-01-01", "2025-03-31"), [3], "31 days per request");
  const plan = planBackfill(
    { from: "2025-11-01", to: "2025-11-03", datasets: ["lmp_dam"], nodes: hubs },
    NOW,
  );
  assert.equal(plan.total, 1);
  assert.equal(plan.datasets[0]!.windows[0]!.start.toISOString(), "2025-11-01T07:00:00.000Z");
  assert.equal(plan.datasets[0]!.windows[0]!.end.toISOString(), "2025-11-04T08:00:00.000Z");
});

Deno.test("planBackfill() gives the same checkpoint id to the same arguments only", () => {
  const a = planBackfill({
    from: "2025-11-01",
    to: "2025-11-03",
    datasets: ["lmp_dam", "as_dam"],
    nodes: hubs,
  }, NOW);
  const b = planBackfill({
    from: "2025-11-01",
    to: "2025-11-03",
    datasets: ["as_dam", "lmp_dam"],
    nodes: hubs,
  }, NOW);
  const c = planBackfill({
    from: "2025-11-01",
    to: "2025-11-04",
    datasets: ["lmp_dam", "as_dam"],
    nodes: hubs,
  }, NOW);
  assert.equal(a.run, b.run);
  assert.notEqual(a.run, c.run);
});

Deno.test("planBackfill() refuses days older than OASIS keeps with a clear message, and cuts a range that starts there", () => {
  assert.equal(oldestRetainedDay(NOW), "2022-10-16");
  assert.throws(
    () => planBackfill({ from: "2020-01-01", to: "2020-01-31", datasets: ["lmp_dam"], nodes: hubs }, NOW),
    (e: unknown) =>
      e instanceof RetentionError &&
      /2020-01-01\.\.2020-01-31 is older than OASIS keeps \(about 39 months\): the oldest day it still serves is 2022-10-16/
        .test(e.message),
  );
  const cut = planBackfill({ from: "2022-10-01", to: "2022-10-20", datasets: ["as_dam"], nodes: hubs }, NOW);
  assert.equal(cut.from, "2022-10-16");
  assert.deepEqual(cut.beyondRetention, { from: "2022-10-01", to: "2022-10-15" });
  assert.equal(cut.total, 5);
});

Deno.test("runBackfill() reports a window that failed with its OASIS code, keeps the checkpoint and retries only that window", async () => {
  const sim = frozenSimulator("2025-11-10T20:00:00Z");
  const clock = testClock("2025-11-10T20:00:00Z");
  const backends = await memoryBackends(clock);
  const { publisher, messages } = memoryBronze();
  const deps = {
    client: simClient(sim),
    publisher,
    store: backends.store,
    coordination: backends.coordination,
    digestTtlMs: digestRetentionMs(loadJobsConfig({})),
  };
  try {
    const plan = planBackfill(
      { from: "2025-11-01", to: "2025-11-03", datasets: ["as_fmm"], nodes: hubs },
      clock.now,
    );
    sim.faults.add({ kind: "errorDocument", code: 1001 }); // the first request
    const progress: string[] = [];
    const first = await runBackfill(plan, {
      ...deps,
      onProgress: (p) => progress.push(`${p.done}/${p.total} ${p.result}`),
    });
    assert.deepEqual(progress, ["1/3 failed", "2/3 rows", "3/3 rows"]);
    assert.equal(first.failures.length, 1);
    assert.equal(first.failures[0]!.code, 1001);
    assert.equal(first.failures[0]!.start, "2025-11-01T07:00:00.000Z");
    assert.match(first.failures[0]!.message, /OASIS error 1001/);
    assert.equal((await backends.coordination.checkpoint(plan.run)).size, 2);
    const before = sim.requests.length;
    const second = await runBackfill(plan, deps);
    assert.equal(second.failures.length, 0);
    assert.equal(second.requests, 1);
    assert.equal(second.fromCheckpoint, 2);
    assert.equal(sim.requests.length - before, 1, "the failed day only");
    assert.equal((await backends.coordination.checkpoint(plan.run)).size, 0, "cleared once complete");
    assert.deepEqual([...keyCounts(messages)].filter(([, n]) => n !== 1), []);
    const rows = second.datasets.get("as_fmm")!.rows + first.datasets.get("as_fmm")!.rows;
    assert.equal(
      rows,
      (96 + 100 + 96) * 36,
      "15-minute AS prices of 6 types in 6 regions, 25-hour day included",
    );
    assert.ok(
      windowId(plan.datasets[0]!.windows[0]!).startsWith("as_fmm|PRC_INTVL_AS|2025-11-01T07:00:00.000Z|"),
    );
  } finally {
    backends.close();
  }
});

Deno.test("runBackfill() asks the gate for background slots, so the process's live polls go first", async () => {
  const sim = frozenSimulator("2025-11-10T20:00:00Z");
  const clock = testClock("2025-11-10T20:00:00Z");
  const backends = await memoryBackends(clock);
  const { publisher } = memoryBronze();
  const client = simClient(sim);
  const asked: Array<boolean | undefined> = [];
  try {
    const plan = planBackfill(
      { from: "2025-11-01", to: "2025-11-02", datasets: ["lmp_dam"], nodes: hubs },
      clock.now,
    );
    await runBackfill(plan, {
      client: {
        fetchWindow: (window, signal, options) => {
          asked.push(options?.background);
          return client.fetchWindow(window, signal);
        },
      },
      publisher,
      store: backends.store,
      coordination: backends.coordination,
      digestTtlMs: digestRetentionMs(loadJobsConfig({})),
    });
    assert.ok(asked.length > 0);
    assert.ok(asked.every((b) => b === true), JSON.stringify(asked));
  } finally {
    await backends.close();
  }
});
