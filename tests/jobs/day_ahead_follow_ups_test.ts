import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { DAY_AHEAD_LIMIT_MS, dayAheadDue } from "../../src/jobs/day_ahead_follow_ups.ts";
import { JobRunner } from "../../src/jobs/job_runner.ts";
import type { PollSummary } from "../../src/jobs/poll.ts";
import type { DatasetName } from "../../src/oasis/datasets.ts";

const iso = (ms: number) => new Date(ms).toISOString();

Deno.test("dayAheadDue() is 13:00 Pacific on the day, in PDT, in PST and on both DST days", () => {
  assert.equal(dayAheadDue(new Date("2026-07-01T21:30:00Z")).toISOString(), "2026-07-01T20:00:00.000Z");
  assert.equal(dayAheadDue(new Date("2026-12-05T09:00:00Z")).toISOString(), "2026-12-05T21:00:00.000Z");
  assert.equal(dayAheadDue(new Date("2026-03-08T12:00:00Z")).toISOString(), "2026-03-08T20:00:00.000Z");
  assert.equal(dayAheadDue(new Date("2026-11-01T12:00:00Z")).toISOString(), "2026-11-01T21:00:00.000Z");
});

// 2026-07-01: results for 07-02 due at 13:00 PDT (20:00Z); tomorrow ends at 2026-07-03T07:00Z.
const DUE = Date.parse("2026-07-01T20:00:00Z");
const TOMORROW_END = Date.parse("2026-07-03T07:00:00Z");
const TODAY_END = Date.parse("2026-07-02T07:00:00Z");

/** `lmp_dam` whose results for tomorrow appear at `publishedAt`; records each poll's time. */
function fakeDayAhead(publishedAt: number) {
  const polls: number[] = [];
  const poll = (dataset: DatasetName, now: Date): Promise<PollSummary> => {
    polls.push(now.getTime());
    const watermark = now.getTime() >= publishedAt ? TOMORROW_END : TODAY_END;
    return Promise.resolve({
      dataset,
      outcome: "done",
      range: { start: iso(TODAY_END - 86_400_000), end: iso(TOMORROW_END) },
      requests: 1,
      rows: 1,
      published: 1,
      revised: 0,
      noData: watermark < TOMORROW_END ? 1 : 0,
      failures: [],
      missing: watermark < TOMORROW_END ? 24 : 0,
      watermark: iso(watermark),
    });
  };
  return { polls, poll };
}

function runnerOn(poll: ReturnType<typeof fakeDayAhead>["poll"], arrivals: number[], followUpMs = 15_000) {
  return new JobRunner({
    schedules: { lmp_dam: "0 * * * *" },
    poll,
    followUpMs,
    followUpLimitMs: 180_000,
    onArrival: (_d, lateMs) => arrivals.push(lateMs),
  });
}

Deno.test("a day-ahead run at 13:00 without tomorrow is followed up each minute until it arrives, not an hour later", async () => {
  const clock = FakeTimers.install({ now: DUE, toFake: ["Date", "setTimeout", "clearTimeout"] });
  const oasis = fakeDayAhead(DUE + 100_000); // published at 13:01:40
  const arrivals: number[] = [];
  const runner = runnerOn(oasis.poll, arrivals);
  try {
    await runner.run("lmp_dam"); // the 13:00 tick
    await clock.tickAsync(59 * 60_000);
    // Default delay 60 s: 13:01:00 (missing), 13:02:00 (there); nothing more before the 14:00 tick.
    assert.deepEqual(oasis.polls.map((t) => (t - DUE) / 1000), [0, 60, 120]);
    assert.deepEqual(arrivals, [120_000], "arrived 120 s after 13:00 Pacific, 20 s after publication");
  } finally {
    await runner.stop();
    clock.uninstall();
  }
});

Deno.test("day-ahead follow-ups: none before 13:00, none past the limit, none without JOB_FOLLOW_UP_S", async () => {
  const clock = FakeTimers.install({ now: DUE - 3_600_000, toFake: ["Date", "setTimeout", "clearTimeout"] });
  const late = fakeDayAhead(Infinity);
  const runner = runnerOn(late.poll, []);
  const unset = fakeDayAhead(Infinity);
  const off = runnerOn(unset.poll, [], 0);
  try {
    await runner.run("lmp_dam"); // 12:00: not due yet
    await clock.tickAsync(3_600_000 - 1);
    assert.equal(late.polls.length, 1, "no follow-up before 13:00");
    await clock.tickAsync(1);
    await runner.run("lmp_dam"); // the 13:00 tick; never published
    await off.run("lmp_dam");
    await clock.tickAsync(DAY_AHEAD_LIMIT_MS + 3_600_000);
    const followUps = late.polls.slice(2).map((t) => t - DUE);
    assert.equal(followUps.length, DAY_AHEAD_LIMIT_MS / 60_000, "one a minute for three hours");
    assert.ok(followUps.every((ms) => ms <= DAY_AHEAD_LIMIT_MS), "none past the limit");
    assert.equal(unset.polls.length, 1, "JOB_FOLLOW_UP_S=0: the schedule only");
  } finally {
    await runner.stop();
    await off.stop();
    clock.uninstall();
  }
});
