import assert from "node:assert/strict";
import { JobRunner } from "../../src/jobs/job_runner.ts";
import type { PollSummary } from "../../src/jobs/poll.ts";
import type { DatasetName } from "../../src/oasis/datasets.ts";
import { testClock } from "./helpers.ts";

function summary(dataset: DatasetName, over: Partial<PollSummary> = {}): PollSummary {
  return {
    dataset,
    outcome: "done",
    range: null,
    requests: 1,
    rows: 10,
    published: 10,
    revised: 0,
    noData: 0,
    failures: [],
    missing: 0,
    watermark: "2025-07-01T20:05:00.000Z",
    ...over,
  };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

Deno.test("JobRunner never overlaps runs of one dataset: a tick during a run is skipped and counted", async () => {
  const gate = deferred<PollSummary>();
  const calls: string[] = [];
  const runner = new JobRunner({
    schedules: { lmp_rtm: "*/5 * * * *", lmp_dam: "0 * * * *" },
    poll: (d) => {
      calls.push(d);
      return d === "lmp_rtm" ? gate.promise : Promise.resolve(summary(d));
    },
  });
  const first = runner.run("lmp_rtm");
  assert.equal(await runner.run("lmp_rtm"), null);
  assert.ok(await runner.run("lmp_dam"), "another dataset runs meanwhile");
  assert.equal(runner.status().jobs.find((j) => j.dataset === "lmp_rtm")!.running, true);
  gate.resolve(summary("lmp_rtm"));
  await first;
  assert.deepEqual(calls, ["lmp_rtm", "lmp_dam"]);
  const rtm = runner.status().jobs.find((j) => j.dataset === "lmp_rtm")!;
  assert.equal(rtm.overlapsSkipped, 1);
  assert.equal(rtm.running, false);
  assert.equal(await runner.run("lmp_sth" as DatasetName), null, "an unscheduled dataset does nothing");
});

Deno.test("JobRunner.status() and report() show the last run, the last success, the newest interval and the breaker", async () => {
  const clock = testClock("2025-07-01T20:05:10Z");
  let next: PollSummary | Error = summary("lmp_rtm");
  const runner = new JobRunner({
    schedules: { lmp_rtm: "*/5 * * * *" },
    clock: clock.fn,
    breaker: () => "open",
    poll: () => next instanceof Error ? Promise.reject(next) : Promise.resolve(next),
  });
  await runner.run("lmp_rtm");
  let s = runner.status();
  assert.equal(s.breaker, "open");
  assert.deepEqual(s.jobs[0], {
    dataset: "lmp_rtm",
    schedule: "*/5 * * * *",
    running: false,
    lastRunAt: "2025-07-01T20:05:10.000Z",
    lastSuccessAt: "2025-07-01T20:05:10.000Z",
    lastOutcome: "done",
    lastError: null,
    watermark: "2025-07-01T20:05:00.000Z",
    newestInterval: "2025-07-01T20:00:00.000Z",
    overlapsSkipped: 0,
    offPeakSkipped: 0,
  });
  assert.deepEqual(runner.report(), {
    breaker: "open",
    datasets: {
      lmp_rtm: {
        lastSuccess: "2025-07-01T20:05:10.000Z",
        lastRun: "2025-07-01T20:05:10.000Z",
        newestInterval: "2025-07-01T20:00:00.000Z",
        lastError: null,
      },
    },
  });
  clock.now = new Date("2025-07-01T20:10:10Z");
  next = summary("lmp_rtm", {
    outcome: "failed",
    failures: [{ url: "u", message: "OASIS request failed (HTTP 500)", start: "a", end: "b" }],
  });
  await runner.run("lmp_rtm");
  s = runner.status();
  assert.equal(s.jobs[0]!.lastRunAt, "2025-07-01T20:10:10.000Z");
  assert.equal(s.jobs[0]!.lastSuccessAt, "2025-07-01T20:05:10.000Z");
  assert.equal(s.jobs[0]!.lastError, "OASIS request failed (HTTP 500)");
  next = new Error("Redis is not connected");
  await runner.run("lmp_rtm");
  assert.equal(runner.status().jobs[0]!.lastOutcome, "error");
  assert.equal(runner.status().jobs[0]!.lastError, "Redis is not connected");
});

Deno.test("JobRunner.stop() aborts a running poll, waits for it, and later ticks do nothing", async () => {
  let aborted = false;
  const runner = new JobRunner({
    schedules: { lmp_rtm: "*/5 * * * *" },
    poll: (_d, _now, signal) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener("abort", () => {
          aborted = true;
          reject(signal.reason);
        });
      }),
  });
  const running = runner.run("lmp_rtm");
  await runner.stop();
  assert.equal(aborted, true);
  assert.equal(await running, null);
  assert.equal(await runner.run("lmp_rtm"), null);
  assert.equal(runner.status().jobs[0]!.lastOutcome, null, "an aborted run is not an error");
});
