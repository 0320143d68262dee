/** Scheduled polls against the simulator on simulated time: cron ticks are computed, never waited for. */
import assert from "node:assert/strict";
import { pollDataset, type PollSummary } from "../../src/jobs/poll.ts";
import type { DatasetName } from "../../src/oasis/datasets.ts";
import { operatingDay } from "../../src/oasis/time.ts";
import {
  frozenSimulator,
  keyCounts,
  memoryBackends,
  memoryBronze,
  pollDeps,
  testClock,
  ticks,
} from "./helpers.ts";

const ZONES = ["np15", "sp15", "zp26"];
const NODES = 3, LMP_COMPONENTS = 5;

/** Runs the cron ticks of `datasets` in `(from, to]` in time order; returns every summary. */
async function runTicks(
  datasets: DatasetName[],
  from: string,
  to: string,
  run: (dataset: DatasetName, t: Date) => Promise<PollSummary>,
): Promise<PollSummary[]> {
  const plan = datasets.flatMap((d) => ticks(d, from, to).map((t) => ({ d, t })));
  plan.sort((a, b) => a.t.getTime() - b.t.getTime());
  const out: PollSummary[] = [];
  for (const { d, t } of plan) out.push(await run(d, t));
  return out;
}

function assertEachOnce(counts: Map<string, number>, prefix: string, expected: number): void {
  const keys = [...counts].filter(([k]) => k.startsWith(`${prefix}|`));
  assert.equal(keys.length, expected, `${prefix}: distinct keys`);
  const twice = keys.filter(([, n]) => n !== 1);
  assert.deepEqual(twice, [], `${prefix}: keys published more than once`);
}

Deno.test("a day of cron runs publishes and stores every interval exactly once", async () => {
  const day = operatingDay("2025-07-01");
  const sim = frozenSimulator(day.start.toISOString());
  const clock = testClock(day.start.toISOString());
  const backends = await memoryBackends(clock);
  const { publisher, messages } = memoryBronze();
  const deps = pollDeps(sim, backends, publisher);
  try {
    for (const d of ["lmp_rtm", "lmp_fmm", "lmp_dam", "as_fmm"] as const) {
      await backends.coordination.advanceWatermark(d, day.start);
    }
    const summaries = await runTicks(
      ["lmp_rtm", "lmp_fmm", "lmp_dam", "as_fmm"],
      day.start.toISOString(),
      day.end.toISOString(),
      (d, t) => {
        sim.at(t);
        clock.now = t;
        return pollDataset(d, deps, t);
      },
    );
    assert.deepEqual(summaries.flatMap((s) => s.failures), []);
    const rtm = summaries.filter((s) => s.dataset === "lmp_rtm");
    assert.equal(rtm.reduce((n, s) => n + s.requests, 0), 288, "one request per new 5-minute interval");
    const counts = keyCounts(messages);
    assertEachOnce(counts, "lmp_rtm", 288 * NODES * LMP_COMPONENTS);
    assertEachOnce(counts, "lmp_fmm", 96 * NODES * LMP_COMPONENTS);
    // Today, and tomorrow once published at 13:00 Pacific.
    assertEachOnce(counts, "lmp_dam", 2 * 24 * NODES * LMP_COMPONENTS);
    assert.ok([...counts.keys()].filter((k) => k.startsWith("as_fmm|")).length >= 96 * 6);
    assertEachOnce(counts, "as_fmm", [...counts.keys()].filter((k) => k.startsWith("as_fmm|")).length);
    for (const zone of ZONES) {
      const rt = await backends.store.history(zone, "RT", {
        from: day.start,
        to: new Date(day.end.getTime() - 1),
      });
      assert.equal(rt.value.length, 288, `${zone}: 5-minute prices in the store`);
    }
    assert.equal((await backends.coordination.watermark("lmp_rtm"))?.toISOString(), day.end.toISOString());
  } finally {
    backends.close();
  }
});

Deno.test("an OASIS outage of two hours is filled on recovery, and the watermark waits for it", async () => {
  const sim = frozenSimulator("2025-07-01T17:00:00Z");
  const clock = testClock("2025-07-01T17:00:00Z");
  const backends = await memoryBackends(clock);
  const { publisher, messages } = memoryBronze();
  const deps = pollDeps(sim, backends, publisher);
  const at = (iso: string) => {
    const t = new Date(iso);
    sim.at(t);
    clock.now = t;
    return pollDataset("lmp_rtm", deps, t);
  };
  try {
    await backends.coordination.advanceWatermark("lmp_rtm", new Date("2025-07-01T17:00:00Z"));
    await runTicks(
      ["lmp_rtm"],
      "2025-07-01T17:00:00Z",
      "2025-07-01T18:00:00Z",
      (_d, t) => at(t.toISOString()),
    );
    sim.faults.add({ kind: "http500", count: 10_000 });
    const down = await runTicks(
      ["lmp_rtm"],
      "2025-07-01T18:00:00Z",
      "2025-07-01T20:00:00Z",
      (_d, t) => at(t.toISOString()),
    );
    assert.equal(down.length, 24);
    assert.ok(down.every((s) => s.outcome === "failed" && s.failures.length === 1));
    assert.equal(down[0]!.failures[0]!.url.includes("PRC_INTVL_LMP"), true);
    assert.equal(
      (await backends.coordination.watermark("lmp_rtm"))?.toISOString(),
      "2025-07-01T18:00:00.000Z",
    );
    sim.faults.clear();
    const back = await at("2025-07-01T20:05:00Z");
    assert.equal(back.outcome, "done");
    assert.equal(back.requests, 1, "one request covers the whole hole");
    assert.deepEqual(back.range, { start: "2025-07-01T18:00:00.000Z", end: "2025-07-01T20:05:00.000Z" });
    assert.equal(back.watermark, "2025-07-01T20:05:00.000Z");
    assertEachOnce(keyCounts(messages), "lmp_rtm", (12 + 25) * NODES * LMP_COMPONENTS);
    const rt = await backends.store.history("sp15", "RT", { from: new Date("2025-07-01T17:00:00Z") });
    assert.equal(rt.value.length, 37);
  } finally {
    backends.close();
  }
});

Deno.test("a restart after the service was down for two hours fetches the hole from the watermark", async () => {
  const sim = frozenSimulator("2025-07-01T18:00:00Z");
  const clock = testClock("2025-07-01T18:00:00Z");
  const backends = await memoryBackends(clock);
  const { publisher, messages } = memoryBronze();
  const deps = pollDeps(sim, backends, publisher);
  try {
    await backends.coordination.advanceWatermark("lmp_rtm", new Date("2025-07-01T18:00:00Z"));
    const t = new Date("2025-07-01T20:02:00Z"); // started between two ticks: the immediate run
    sim.at(t);
    clock.now = t;
    const s = await pollDataset("lmp_rtm", deps, t);
    assert.deepEqual(s.range, { start: "2025-07-01T18:00:00.000Z", end: "2025-07-01T20:00:00.000Z" });
    assert.equal(s.watermark, "2025-07-01T20:00:00.000Z");
    assertEachOnce(keyCounts(messages), "lmp_rtm", 24 * NODES * LMP_COMPONENTS);
  } finally {
    backends.close();
  }
});

for (const [date, hours] of [["2025-03-09", 23], ["2025-11-02", 25]] as const) {
  Deno.test(`DST: a ${hours}-hour operating day (${date}) gets ${hours} DAM hours and ${hours * 12} RTM intervals`, async () => {
    const day = operatingDay(date);
    const sim = frozenSimulator(day.start.toISOString());
    const clock = testClock(day.start.toISOString());
    const backends = await memoryBackends(clock);
    const { publisher, messages } = memoryBronze();
    const deps = pollDeps(sim, backends, publisher);
    try {
      for (const d of ["lmp_rtm", "lmp_dam"] as const) {
        await backends.coordination.advanceWatermark(d, day.start);
      }
      const summaries = await runTicks(
        ["lmp_rtm", "lmp_dam"],
        day.start.toISOString(),
        day.end.toISOString(),
        (d, t) => {
          sim.at(t);
          clock.now = t;
          return pollDataset(d, deps, t);
        },
      );
      assert.deepEqual(summaries.flatMap((s) => s.failures), []);
      const inDay = (prefix: string) =>
        [...keyCounts(messages)].filter(([k]) => {
          const start = Date.parse(k.split("|").at(-1)!);
          return k.startsWith(prefix) && start >= day.start.getTime() && start < day.end.getTime();
        });
      assert.equal(inDay("lmp_rtm|").length, hours * 12 * NODES * LMP_COMPONENTS);
      assert.equal(inDay("lmp_dam|").length, hours * NODES * LMP_COMPONENTS);
      assert.ok(inDay("lmp_").every(([, n]) => n === 1));
      const da = await backends.store.history("np15", "DA", {
        from: day.start,
        to: new Date(day.end.getTime() - 1),
      });
      assert.equal(da.value.length, hours);
    } finally {
      backends.close();
    }
  });
}

Deno.test("a day-ahead day that is not published yet answers no data, which is not a failure", async () => {
  const now = new Date("2025-07-01T17:00:00Z"); // 10:00 PDT: tomorrow is published at 13:00
  const sim = frozenSimulator(now.toISOString());
  const clock = testClock(now.toISOString());
  const backends = await memoryBackends(clock);
  const { publisher } = memoryBronze();
  const deps = pollDeps(sim, backends, publisher);
  try {
    const morning = await pollDataset("as_dam", deps, now);
    assert.equal(morning.outcome, "done");
    assert.equal(morning.noData, 1);
    assert.equal(morning.watermark, "2025-07-02T07:00:00.000Z");
    const afternoon = new Date("2025-07-01T20:00:00Z");
    sim.at(afternoon);
    clock.now = afternoon;
    const later = await pollDataset("as_dam", deps, afternoon);
    assert.deepEqual(later.range, { start: "2025-07-02T07:00:00.000Z", end: "2025-07-03T07:00:00.000Z" });
    assert.equal(later.noData, 0);
    assert.equal(later.watermark, "2025-07-03T07:00:00.000Z");
  } finally {
    backends.close();
  }
});

/** A simulator, memory backends and poll dependencies, all frozen at `iso`. */
async function frozenRun(iso: string) {
  const sim = frozenSimulator(iso);
  const backends = await memoryBackends(testClock(iso));
  return { now: new Date(iso), sim, backends, deps: pollDeps(sim, backends, memoryBronze().publisher) };
}

Deno.test("a run whose dataset and range are locked (another run or instance) is skipped without a request", async () => {
  const { now, sim, backends, deps } = await frozenRun("2025-07-01T17:00:00Z");
  try {
    await backends.coordination.advanceWatermark("lmp_rtm", new Date("2025-07-01T16:00:00Z"));
    const lease = await backends.coordination.acquire(
      "poll:lmp_rtm:2025-07-01T16:00:00.000Z:2025-07-01T17:00:00.000Z",
      60_000,
    );
    assert.ok(lease);
    const s = await pollDataset("lmp_rtm", deps, now);
    assert.equal(s.outcome, "locked");
    assert.equal(sim.requests.length, 0);
    await lease.release();
    assert.equal((await pollDataset("lmp_rtm", deps, now)).outcome, "done");
    assert.equal((await pollDataset("lmp_rtm", deps, now)).outcome, "up-to-date");
  } finally {
    backends.close();
  }
});

Deno.test("a run whose windows failed releases its lock: a retry at once fetches the range instead of being locked out", async () => {
  const { now, sim, backends, deps } = await frozenRun("2025-07-01T17:00:00Z");
  try {
    await backends.coordination.advanceWatermark("lmp_dam", new Date("2025-07-01T07:00:00Z"));
    sim.faults.add({ kind: "http500", count: 10_000 });
    const failed = await pollDataset("lmp_dam", deps, now);
    assert.equal(failed.outcome, "failed");
    sim.faults.clear();
    const retried = await pollDataset("lmp_dam", deps, now);
    assert.equal(retried.outcome, "done", 'the failed run left no "done" marker');
    assert.deepEqual(retried.range, failed.range);
    assert.ok(retried.rows > 0);
  } finally {
    backends.close();
  }
});

Deno.test("the watermark stops before an interval one requested node lacks, the summary counts it, and the next run fills it", async () => {
  const t0 = new Date("2025-07-01T17:00:00Z");
  const sim = frozenSimulator(t0.toISOString());
  const clock = testClock(t0.toISOString());
  const backends = await memoryBackends(clock);
  const { publisher, messages } = memoryBronze();
  const deps = pollDeps(sim, backends, publisher);
  const min = 60_000;
  try {
    await backends.coordination.advanceWatermark("lmp_rtm", t0);
    const t1 = new Date(t0.getTime() + 30 * min);
    sim.at(t1);
    sim.faults.add({ kind: "partialAnswer", node: "TH_SP15_GEN-APND", from: "2025-07-01T17:10:00Z" });
    const partial = await pollDataset("lmp_rtm", deps, t1);
    assert.deepEqual(partial.failures, []);
    assert.equal(partial.missing, 4, "20 minutes of one node: four 5-minute intervals");
    assert.equal(partial.watermark, "2025-07-01T17:10:00.000Z", "not past the first interval SP15 lacks");

    const t2 = new Date(t1.getTime() + 5 * min);
    sim.at(t2);
    const next = await pollDataset("lmp_rtm", deps, t2);
    assert.equal(next.missing, 0);
    assert.equal(next.watermark, t2.toISOString());
    assertEachOnce(keyCounts(messages), "lmp_rtm", 7 * NODES * LMP_COMPONENTS);
  } finally {
    backends.close();
  }
});
