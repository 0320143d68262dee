import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { FollowUps } from "../../src/jobs/follow_ups.ts";
import { JobRunner } from "../../src/jobs/job_runner.ts";
import type { PollSummary } from "../../src/jobs/poll.ts";
import type { DatasetName } from "../../src/oasis/datasets.ts";

const STEP = 300_000;
const T0 = Date.parse("2026-12-05T10:05:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

/** A real-time dataset whose intervals OASIS publishes `delayMs` after their end; records each poll. */
function fakeOasis(delayMs: (end: number) => number) {
  const polls: number[] = [];
  const poll = (dataset: DatasetName, now: Date): Promise<PollSummary> => {
    const t = now.getTime();
    polls.push(t);
    const due = Math.floor(t / STEP) * STEP;
    let watermark = due;
    while (watermark + delayMs(watermark) > t) watermark -= STEP;
    return Promise.resolve({
      dataset,
      outcome: "done",
      range: { start: iso(watermark), end: iso(due) },
      requests: 1,
      rows: 1,
      published: 1,
      revised: 0,
      noData: watermark < due ? 1 : 0,
      failures: [],
      missing: (due - watermark) / STEP,
      watermark: iso(watermark),
    });
  };
  return { polls, poll };
}

function runnerOn(poll: ReturnType<typeof fakeOasis>["poll"], arrivals: number[], followUpMs = 15_000) {
  return new JobRunner({
    schedules: { lmp_rtm: "*/5 * * * *" },
    poll,
    followUpMs,
    followUpLimitMs: 180_000,
    onArrival: (_d, lateMs) => arrivals.push(lateMs),
  });
}

Deno.test("a run missing the newest interval is followed up at its end plus the learned delay, then every spacing", async () => {
  const clock = FakeTimers.install({ now: T0, toFake: ["Date", "setTimeout", "clearTimeout"] });
  const oasis = fakeOasis(() => 70_000); // published at 10:06:10
  const arrivals: number[] = [];
  const runner = runnerOn(oasis.poll, arrivals);
  try {
    runner.noteWatermark("lmp_rtm", new Date(T0 - STEP));
    await runner.run("lmp_rtm"); // the cron tick at 10:05:00: 10:00-10:05 is not published yet
    await clock.tickAsync(5 * 60_000 - 1);
    // Default delay 60 s: 10:06:00 (missing), then 15 s later 10:06:15 (there); nothing more until the cron.
    assert.deepEqual(oasis.polls.map((t) => (t - T0) / 1000), [0, 60, 75]);
    assert.deepEqual(arrivals, [75_000], "arrived 75 s after its end, 5 s after publication");

    await clock.tickAsync(1);
    // The 10:10 tick; the learned delay (seen at 75 s, so published after 60 s) times the first follow-up.
    await runner.run("lmp_rtm");
    await clock.tickAsync(4 * 60_000);
    assert.deepEqual(oasis.polls.slice(3).map((t) => (t - T0) / 1000), [300, 360, 375]);
    assert.deepEqual(arrivals, [75_000, 75_000]);
  } finally {
    await runner.stop();
    clock.uninstall();
  }
});

Deno.test("follow-ups stop at the limit after the interval's end, and without a setting there are none", async () => {
  const clock = FakeTimers.install({ now: T0, toFake: ["Date", "setTimeout", "clearTimeout"] });
  const never = fakeOasis((end) => (end >= T0 ? Infinity : 0));
  const off = fakeOasis(() => 70_000);
  const runner = runnerOn(never.poll, []);
  const unset = runnerOn(off.poll, [], 0);
  try {
    runner.noteWatermark("lmp_rtm", new Date(T0 - STEP));
    await runner.run("lmp_rtm");
    await unset.run("lmp_rtm");
    await clock.tickAsync(5 * 60_000 - 1);
    // 60 s, then every 15 s up to 180 s after 10:05: 60, 75, …, 180.
    const expected = [0, ...Array.from({ length: 9 }, (_, i) => 60 + 15 * i)];
    assert.deepEqual(never.polls.map((t) => (t - T0) / 1000), expected);
    assert.deepEqual(off.polls.map((t) => (t - T0) / 1000), [0], "JOB_FOLLOW_UP_S=0: the schedule only");
  } finally {
    await runner.stop();
    await unset.stop();
    clock.uninstall();
  }
});

Deno.test("JobRunner.stop() cancels a pending follow-up", async () => {
  const clock = FakeTimers.install({ now: T0, toFake: ["Date", "setTimeout", "clearTimeout"] });
  const oasis = fakeOasis(() => 70_000);
  const runner = runnerOn(oasis.poll, []);
  try {
    await runner.run("lmp_rtm");
    assert.equal(clock.countTimers(), 1, "a follow-up is pending");
    await runner.stop();
    assert.equal(clock.countTimers(), 0);
    await clock.tickAsync(5 * 60_000);
    assert.equal(oasis.polls.length, 1);
  } finally {
    clock.uninstall();
  }
});

Deno.test("FollowUps learns the shortest recent arrival within the limit, once per interval", () => {
  let now = T0;
  const f = new FollowUps<string>({
    run: () => {},
    spacingMs: 15_000,
    limitMs: 180_000,
    clock: () => new Date(now),
  });
  try {
    assert.equal(f.delayMs("x"), 60_000, "the default before any arrival");
    assert.equal(f.arrived("x", new Date(T0 - STEP)), null, "the first interval this process saw");
    for (const [late, i] of [[40_000, 0], [90_000, 1], [50_000, 2], [600_000, 3]]) {
      now = T0 + i! * STEP + late!;
      f.arrived("x", new Date(T0 + i! * STEP));
    }
    // Each learned as seen − spacing (it may have been there that much earlier): 25, 75 and 35 s.
    assert.equal(f.delayMs("x"), 25_000, "600 s (past the limit) is reported but not learned");
    now += 1000;
    assert.equal(f.arrived("x", new Date(T0 + 3 * STEP)), null, "seen before");
    f.seen("y", new Date(T0));
    assert.equal(f.arrived("y", new Date(T0)), null, "there before this process looked");
  } finally {
    f.stop();
  }
});
