/**
 * The follow-up against the simulator's publication delay, in real time on the simulated clock: a run at an
 * interval's end finds it unpublished; the follow-ups fetch it within about their spacing of its
 * publication instead of at the next cron tick (five minutes later).
 */
import assert from "node:assert/strict";
import { JobRunner } from "../../src/jobs/job_runner.ts";
import { pollDataset } from "../../src/jobs/poll.ts";
import { createSimulator } from "../../simulator/simulator.ts";
import { type Clock, memoryBackends, memoryBronze, pollDeps, testClock } from "./helpers.ts";

const END = new Date("2026-12-05T18:05:00Z");

Deno.test("an interval published 2 s after its end is fetched within about the follow-up spacing, not at the next tick", async () => {
  const sim = createSimulator({ publishDelayMs: 2_000 });
  sim.clock.set(new Date(END.getTime() + 100)); // runs on with the system clock from just after the end
  const clock: Clock = {
    get now() {
      return sim.clock.now();
    },
    fn: () => sim.clock.now(),
  };
  const backends = await memoryBackends(clock);
  const { publisher } = memoryBronze();
  // A short "done" marker, so that the lock does not hold off follow-ups 0.5 s apart (production: 4 s vs 15 s).
  const deps = pollDeps(sim, backends, publisher, { lookbackMs: 10 * 60_000, holdMs: 400 });
  const arrivals: number[] = [];
  const runner = new JobRunner({
    schedules: { lmp_rtm: "*/5 * * * *" },
    clock: clock.fn,
    followUpMs: 500,
    publicationDelayMs: 1_000,
    poll: (dataset, now, signal) => pollDataset(dataset, { ...deps, signal }, now),
    onArrival: (_d, lateMs) => arrivals.push(lateMs),
  });
  try {
    const first = await runner.run("lmp_rtm"); // the cron tick at the interval's end
    assert.equal(first?.watermark, new Date(END.getTime() - 300_000).toISOString(), "not published yet");
    const published = sim.publishedAt(new Date(END.getTime() - 300_000), 5).getTime();
    assert.equal(published, END.getTime() + 2_000);
    const deadline = Date.now() + 20_000;
    while (arrivals.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(arrivals.length, 1, "the follow-ups fetched the interval");
    const afterPublication = END.getTime() + arrivals[0]! - published;
    assert.ok(
      afterPublication >= 0 && afterPublication < 2_500,
      `arrived ${afterPublication} ms after publication`,
    );
    assert.equal((await backends.coordination.watermark("lmp_rtm"))?.toISOString(), END.toISOString());
  } finally {
    await runner.stop();
    backends.close();
  }
});

Deno.test("a poll still waiting for its newest interval leaves its lock for seconds, not half the schedule period", async () => {
  const sim = createSimulator({ publishDelayMs: 60_000 });
  const t = new Date(END.getTime() + 1_000);
  sim.clock.set(t, { frozen: true });
  const clock = testClock(t.toISOString());
  const backends = await memoryBackends(clock);
  const { publisher } = memoryBronze();
  const deps = pollDeps(sim, backends, publisher, { lookbackMs: 10 * 60_000, holdMs: 150_000 });
  try {
    const first = await pollDataset("lmp_rtm", deps, t);
    assert.equal(
      first.watermark,
      new Date(END.getTime() - 300_000).toISOString(),
      "the newest is not published",
    );
    // Follow-ups 5 s apart ask for the same range (from the new watermark) each time.
    for (const after of [5_000, 10_000, 15_000]) {
      clock.now = new Date(t.getTime() + after);
      const followUp = await pollDataset("lmp_rtm", deps, clock.now);
      assert.equal(
        followUp.outcome,
        "done",
        `the follow-up after ${after} ms is not taken for a repeat (locked)`,
      );
    }
  } finally {
    backends.close();
  }
});
