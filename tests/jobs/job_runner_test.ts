import assert from "node:assert/strict";
import { JobRunner } from "../../src/jobs/job_runner.ts";
import { retryDelayMs } from "../../src/jobs/run_retries.ts";
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

const failedSummary = (d: DatasetName) =>
  summary(d, {
    outcome: "failed",
    failures: [{ url: "u", message: "OASIS request failed (network)", start: "a", end: "b" }],
  });

async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

Deno.test("JobRunner retries a failed run on its own backoff, not at the next tick, until a run succeeds", async () => {
  const outcomes: (PollSummary | Error)[] = [failedSummary("lmp_dam"), new Error("boom"), summary("lmp_dam")];
  const calls: number[] = [];
  const runner = new JobRunner({
    schedules: { lmp_dam: "0 * * * *" },
    retryFirstMs: 20,
    poll: (d) => {
      calls.push(Date.now());
      const next = outcomes.shift() ?? summary(d);
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
  });
  try {
    await runner.run("lmp_dam");
    const retryAt = runner.report().datasets.lmp_dam!.nextRetryAt;
    assert.ok(retryAt, "a failed run has a retry due");
    await until("the two retries", () => calls.length === 3);
    await until("the success", () => runner.status().jobs[0]!.lastOutcome === "done");
    assert.ok(calls[1]! - calls[0]! >= 15, "the first retry waits about retryFirstMs");
    assert.ok(calls[2]! - calls[1]! >= 35, "the second waits twice as long");
    assert.equal(runner.status().jobs[0]!.nextRetryAt, undefined, "a success ends the retries");
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(calls.length, 3, "no retry after a success");
  } finally {
    await runner.stop();
  }
});

Deno.test("JobRunner: when a retry succeeds (OASIS is back), the other datasets' retries run at once", async () => {
  let oasisUp = false;
  const calls: { d: DatasetName; at: number }[] = [];
  const runner = new JobRunner({
    schedules: { lmp_rtm: "*/5 * * * *", lmp_dam: "0 * * * *" },
    retryFirstMs: 100,
    poll: (d) => {
      calls.push({ d, at: Date.now() });
      return Promise.resolve(oasisUp ? summary(d) : failedSummary(d));
    },
  });
  try {
    await runner.run("lmp_dam");
    // DA failed 5 times (retries after 100, 200, 400, 800 ms): its next retry is 1.6 s away.
    await until("DA backing off", () => calls.filter((c) => c.d === "lmp_dam").length === 5);
    await runner.run("lmp_rtm");
    oasisUp = true;
    await until("RT's retry", () => runner.status().jobs[0]!.lastOutcome === "done");
    const rtBack = calls.at(-1)!.at;
    await until("DA's run", () => runner.status().jobs[1]!.lastOutcome === "done");
    const daRun = calls.filter((c) => c.d === "lmp_dam").at(-1)!.at;
    assert.ok(daRun - rtBack < 800, `DA ran ${daRun - rtBack} ms after RT came back, not after its backoff`);
    assert.deepEqual(runner.status().jobs.map((j) => j.nextRetryAt), [undefined, undefined]);
  } finally {
    await runner.stop();
  }
});

Deno.test("JobRunner.stop() cancels pending retries", async () => {
  let calls = 0;
  const runner = new JobRunner({
    schedules: { lmp_rtm: "*/5 * * * *" },
    retryFirstMs: 20,
    poll: (d) => (calls++, Promise.resolve(failedSummary(d))),
  });
  await runner.run("lmp_rtm");
  await runner.stop();
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(calls, 1);
});

Deno.test("retryDelayMs() starts at the first delay and doubles, capped at the schedule period", () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, 30_000, 300_000)),
    [30_000, 60_000, 120_000, 240_000, 300_000, 300_000],
  );
  assert.equal(retryDelayMs(1, 30_000, 10_000), 30_000, "a period shorter than the first delay");
});

Deno.test("JobRunner.noteWatermark() gives the newest interval before the first run ends; a run's own wins", async () => {
  const runner = new JobRunner({
    schedules: { lmp_rtm: "*/5 * * * *" },
    poll: (d) => Promise.resolve(summary(d)),
  });
  runner.noteWatermark("lmp_rtm", new Date("2025-07-01T19:00:00Z"));
  assert.equal(runner.report().datasets.lmp_rtm!.newestInterval, "2025-07-01T18:55:00.000Z");
  await runner.run("lmp_rtm");
  runner.noteWatermark("lmp_rtm", new Date("2025-07-01T19:00:00Z"));
  assert.equal(runner.report().datasets.lmp_rtm!.newestInterval, "2025-07-01T20:00:00.000Z");
});
