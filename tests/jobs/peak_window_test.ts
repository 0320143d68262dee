/** Peak and off-peak polling: which minutes poll, on ordinary and DST days, and the cron handler on fake time. */
import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { JobRunner } from "../../src/jobs/job_runner.ts";
import {
  activeSchedule,
  describeSchedule,
  inPeakWindow,
  PEAK_DATASETS,
  type PeakPolling,
  pollCrons,
  pollingDue,
  tickOf,
} from "../../src/jobs/peak_window.ts";
import { pollDataset, type PollSummary } from "../../src/jobs/poll.ts";
import { scheduleMatches } from "../../src/jobs/schedule.ts";
import { loadJobsConfig } from "../../src/jobs/settings.ts";
import type { LogLevel } from "../../src/log.ts";
import type { DatasetName } from "../../src/oasis/datasets.ts";
import { frozenSimulator, keyCounts, memoryBackends, memoryBronze, pollDeps, testClock } from "./helpers.ts";

type Clock = ReturnType<typeof FakeTimers.install>;

const ON: PeakPolling = { enabled: true, start: "06:00", end: "22:00", offPeakSchedule: "*/15 * * * *" };
const at = (iso: string) => new Date(iso);

Deno.test("peak polling applies to the real-time datasets only: lmp_fmm, lmp_rtm, as_fmm, as_rtm", () => {
  assert.deepEqual(PEAK_DATASETS, ["lmp_fmm", "lmp_rtm", "as_fmm", "as_rtm"]);
  assert.deepEqual(pollCrons("lmp_rtm", "*/5 * * * *", ON), [
    { name: "poll lmp_rtm", dataset: "lmp_rtm", schedule: "*/5 * * * *", mode: "peak" },
    { name: "poll lmp_rtm off-peak", dataset: "lmp_rtm", schedule: "*/15 * * * *", mode: "off-peak" },
  ]);
  assert.deepEqual(pollCrons("lmp_fmm", "*/15 * * * *", ON).map((c) => c.mode), ["always"], "same schedule");
  assert.equal(describeSchedule("lmp_fmm", "*/15 * * * *", ON), "*/15 * * * *");
  for (const d of ["lmp_dam", "as_dam", "crr"] as const) {
    assert.deepEqual(pollCrons(d, "0 * * * *", ON).map((c) => c.mode), ["always"], d);
    assert.equal(describeSchedule(d, "0 * * * *", ON), "0 * * * *");
  }
  assert.equal(
    describeSchedule("lmp_rtm", "*/5 * * * *", ON),
    "*/5 * * * * from 06:00 to 22:00 Pacific, */15 * * * * otherwise",
  );
});

Deno.test("the peak window is 06:00 inclusive to 22:00 exclusive Pacific time on a summer day (PDT)", () => {
  assert.equal(inPeakWindow(at("2025-07-01T12:59:00Z"), ON), false, "05:59 PDT");
  assert.equal(inPeakWindow(at("2025-07-01T13:00:00Z"), ON), true, "06:00 PDT");
  assert.equal(inPeakWindow(at("2025-07-02T04:59:00Z"), ON), true, "21:59 PDT");
  assert.equal(inPeakWindow(at("2025-07-02T05:00:00Z"), ON), false, "22:00 PDT");
  assert.equal(inPeakWindow(at("2025-01-15T14:00:00Z"), ON), true, "06:00 PST");
  assert.equal(inPeakWindow(at("2025-01-15T13:59:00Z"), ON), false, "05:59 PST");
});

Deno.test("the peak window follows DST: 06:00–22:00 local on 2025-03-09 (23 h) and 2025-11-02 (25 h)", () => {
  // 2025-03-09: PST until 02:00, then PDT, so 06:00 is 13:00Z and 22:00 is 05:00Z the next day.
  assert.equal(inPeakWindow(at("2025-03-09T12:59:00Z"), ON), false, "05:59 PDT");
  assert.equal(inPeakWindow(at("2025-03-09T13:00:00Z"), ON), true, "06:00 PDT");
  assert.equal(inPeakWindow(at("2025-03-09T14:00:00Z"), ON), true, "07:00 PDT, 06:00 in PST terms");
  assert.equal(inPeakWindow(at("2025-03-10T04:59:00Z"), ON), true, "21:59 PDT");
  assert.equal(inPeakWindow(at("2025-03-10T05:00:00Z"), ON), false, "22:00 PDT");
  // 2025-11-02: PDT until 02:00, then PST, so 06:00 is 14:00Z and 22:00 is 06:00Z the next day.
  assert.equal(inPeakWindow(at("2025-11-02T13:00:00Z"), ON), false, "05:00 PST (06:00 in PDT terms)");
  assert.equal(inPeakWindow(at("2025-11-02T13:59:00Z"), ON), false, "05:59 PST");
  assert.equal(inPeakWindow(at("2025-11-02T14:00:00Z"), ON), true, "06:00 PST");
  assert.equal(inPeakWindow(at("2025-11-03T05:59:00Z"), ON), true, "21:59 PST");
  assert.equal(inPeakWindow(at("2025-11-03T06:00:00Z"), ON), false, "22:00 PST");
  // The repeated hour 01:00–02:00 is off-peak both times.
  assert.equal(inPeakWindow(at("2025-11-02T08:30:00Z"), ON), false, "01:30 PDT");
  assert.equal(inPeakWindow(at("2025-11-02T09:30:00Z"), ON), false, "01:30 PST");
});

Deno.test("a peak window may cross midnight: 22:00–06:00 is the night", () => {
  const night = { ...ON, start: "22:00", end: "06:00" };
  assert.equal(inPeakWindow(at("2025-07-02T05:00:00Z"), night), true, "22:00 PDT");
  assert.equal(inPeakWindow(at("2025-07-02T07:00:00Z"), night), true, "00:00 PDT");
  assert.equal(inPeakWindow(at("2025-07-02T12:59:00Z"), night), true, "05:59 PDT");
  assert.equal(inPeakWindow(at("2025-07-02T13:00:00Z"), night), false, "06:00 PDT");
  assert.equal(inPeakWindow(at("2025-07-02T04:59:00Z"), night), false, "21:59 PDT");
});

Deno.test("pollingDue(): inside the window the dataset's schedule, outside it the off-peak schedule", () => {
  const due = (d: DatasetName, iso: string, schedule = "*/5 * * * *") => pollingDue(d, at(iso), schedule, ON);
  assert.equal(due("lmp_rtm", "2025-03-09T12:45:00Z"), true, "05:45 PDT: off-peak tick");
  assert.equal(due("lmp_rtm", "2025-03-09T12:55:00Z"), false, "05:55 PDT: not an off-peak tick");
  assert.equal(due("lmp_rtm", "2025-03-09T13:00:00Z"), true, "06:00 PDT");
  assert.equal(due("lmp_rtm", "2025-03-09T13:05:00Z"), true, "06:05 PDT");
  assert.equal(due("as_rtm", "2025-03-10T04:55:00Z"), true, "21:55 PDT");
  assert.equal(due("as_rtm", "2025-03-10T05:00:00Z"), true, "22:00 PDT: off-peak tick");
  assert.equal(due("as_rtm", "2025-03-10T05:05:00Z"), false, "22:05 PDT");
  assert.equal(due("lmp_fmm", "2025-03-10T05:15:00Z", "*/15 * * * *"), true, "*/15 is the same at night");
  // Day-ahead and CRR keep their schedules around the clock.
  assert.equal(due("lmp_dam", "2025-07-01T10:00:00Z", "0 * * * *"), true, "03:00 PDT");
  assert.equal(due("as_dam", "2025-07-01T10:00:00Z", "0 * * * *"), true, "03:00 PDT");
  assert.equal(due("crr", "2025-07-01T11:00:00Z", "0 11 * * *"), true, "04:00 PDT");
  assert.equal(activeSchedule("lmp_rtm", at("2025-07-01T10:00:00Z"), "*/5 * * * *", ON), "*/15 * * * *");
  assert.equal(activeSchedule("lmp_rtm", at("2025-07-01T20:00:00Z"), "*/5 * * * *", ON), "*/5 * * * *");
});

Deno.test("peak polling is off by default: every dataset polls on its own schedule around the clock", () => {
  const { peak, schedules } = loadJobsConfig({});
  assert.equal(peak.enabled, false);
  for (const d of PEAK_DATASETS) {
    assert.equal(pollCrons(d, schedules[d], peak).length, 1);
    assert.equal(pollingDue(d, at("2025-07-01T10:15:00Z"), schedules[d], peak), true, `${d} at 03:15 PDT`);
    assert.equal(pollingDue(d, at("2025-07-01T20:15:00Z"), schedules[d], peak), true, `${d} at 13:15 PDT`);
  }
  assert.equal(pollingDue("lmp_rtm", at("2025-07-01T10:05:00Z"), "*/5 * * * *", peak), true);
});

Deno.test("tickOf() gives the minute a late (or a few ms early) cron tick stands for", () => {
  assert.equal(tickOf(at("2025-07-01T13:00:00.000Z")).toISOString(), "2025-07-01T13:00:00.000Z");
  assert.equal(tickOf(at("2025-07-01T13:00:37.250Z")).toISOString(), "2025-07-01T13:00:00.000Z");
  assert.equal(tickOf(at("2025-07-01T12:59:59.900Z")).toISOString(), "2025-07-01T13:00:00.000Z");
  assert.equal(tickOf(at("2025-07-01T12:59:58.000Z")).toISOString(), "2025-07-01T12:59:00.000Z");
});

function done(dataset: DatasetName): PollSummary {
  const base = { requests: 1, rows: 0, published: 0, revised: 0, noData: 0, failures: [], range: null };
  return { dataset, outcome: "done", watermark: null, missing: 0, ...base };
}

/** Calls `runner.tick` for each cron of `dataset` due in every minute of `[from, to)`, 250 ms late, on fake time. */
async function driveCrons(
  clock: Clock,
  runner: JobRunner,
  dataset: DatasetName,
  schedule: string,
  peak: PeakPolling,
  from: string,
  to: string,
): Promise<void> {
  for (let t = Date.parse(from); t < Date.parse(to); t += 60_000) {
    for (const cron of pollCrons(dataset, schedule, peak)) {
      if (!scheduleMatches(cron.schedule, new Date(t))) continue;
      clock.setSystemTime(t + 250);
      await runner.tick(cron);
    }
  }
}

Deno.test("the cron handler (JobRunner.tick) on fake time polls at the right minutes and counts skipped ticks", async () => {
  const clock = FakeTimers.install({ now: Date.parse("2025-03-09T12:30:00Z"), toFake: ["Date"] });
  try {
    const polled: string[] = [];
    const logs: Array<[LogLevel, string, Record<string, unknown> | undefined]> = [];
    const runner = new JobRunner({
      schedules: { lmp_rtm: "*/5 * * * *", lmp_dam: "0 * * * *" },
      peak: ON,
      log: (level, msg, fields) => logs.push([level, msg, fields]),
      poll: (d, now) => {
        polled.push(`${d} ${now.toISOString().slice(11, 16)}`);
        return Promise.resolve(done(d));
      },
    });
    // 05:30 to 06:15 PDT on the spring-forward day (12:30Z to 13:15Z).
    await driveCrons(
      clock,
      runner,
      "lmp_rtm",
      "*/5 * * * *",
      ON,
      "2025-03-09T12:30:00Z",
      "2025-03-09T13:15:00Z",
    );
    await driveCrons(
      clock,
      runner,
      "lmp_dam",
      "0 * * * *",
      ON,
      "2025-03-09T12:30:00Z",
      "2025-03-09T13:15:00Z",
    );
    assert.deepEqual(polled, [
      "lmp_rtm 12:30",
      "lmp_rtm 12:45",
      "lmp_rtm 13:00",
      "lmp_rtm 13:05",
      "lmp_rtm 13:10",
      "lmp_dam 13:00",
    ]);
    const rtm = runner.status().jobs.find((j) => j.dataset === "lmp_rtm")!;
    assert.equal(rtm.offPeakSkipped, 4, "05:35, 05:40, 05:50, 05:55 PDT");
    assert.equal(runner.status().jobs.find((j) => j.dataset === "lmp_dam")!.offPeakSkipped, 0);
    const skipped = logs.filter(([, msg]) => msg === "poll skipped: off-peak");
    assert.equal(skipped.length, 4);
    assert.deepEqual(skipped[0], ["debug", "poll skipped: off-peak", {
      dataset: "lmp_rtm",
      tick: "2025-03-09T12:35:00.000Z",
      offPeakSchedule: "*/15 * * * *",
    }]);
    const report = runner.report().datasets;
    assert.deepEqual(report.lmp_rtm!.polling, { mode: "peak", schedule: "*/5 * * * *", offPeakSkipped: 4 });
    assert.equal(report.lmp_dam!.polling, undefined, "day-ahead jobs have no peak mode");
    clock.setSystemTime(Date.parse("2025-03-10T05:00:10Z"));
    assert.deepEqual(runner.report().datasets.lmp_rtm!.polling, {
      mode: "off-peak",
      schedule: "*/15 * * * *",
      offPeakSkipped: 4,
    });
  } finally {
    clock.uninstall();
  }
});

Deno.test("the cron handler without peak polling runs every tick of the schedule", async () => {
  const clock = FakeTimers.install({ now: Date.parse("2025-07-01T10:00:00Z"), toFake: ["Date"] });
  try {
    const peak = loadJobsConfig({}).peak;
    let runs = 0;
    const runner = new JobRunner({
      schedules: { lmp_rtm: "*/5 * * * *" },
      peak,
      poll: (d) => Promise.resolve(void runs++).then(() => done(d)),
    });
    await driveCrons(
      clock,
      runner,
      "lmp_rtm",
      "*/5 * * * *",
      peak,
      "2025-07-01T10:00:00Z",
      "2025-07-01T11:00:00Z",
    );
    assert.equal(runs, 12);
    assert.equal(runner.status().jobs[0]!.offPeakSkipped, 0);
    assert.equal(runner.report().datasets.lmp_rtm!.polling, undefined);
  } finally {
    clock.uninstall();
  }
});

Deno.test("an off-peak run fetches everything since the previous run: the watermark leaves no hole", async () => {
  // 21:30 to 23:00 PDT: */5 until 22:00, then */15; each interval reaches Bronze exactly once.
  const from = "2025-07-02T04:30:00Z", to = "2025-07-02T06:00:00Z";
  const sim = frozenSimulator(from);
  const store = testClock(from);
  const backends = await memoryBackends(store);
  const { publisher, messages } = memoryBronze();
  const deps = pollDeps(sim, backends, publisher);
  const clock = FakeTimers.install({ now: Date.parse(from), toFake: ["Date"] });
  try {
    await backends.coordination.advanceWatermark("lmp_rtm", new Date(from));
    const summaries: PollSummary[] = [];
    const runner = new JobRunner({
      schedules: { lmp_rtm: "*/5 * * * *" },
      peak: ON,
      poll: async (d, now) => {
        const tick = tickOf(now);
        sim.at(tick);
        store.now = tick;
        const s = await pollDataset(d, deps, tick);
        summaries.push(s);
        return s;
      },
    });
    await driveCrons(clock, runner, "lmp_rtm", "*/5 * * * *", ON, from, to);
    const hhmm = (iso: string) => iso.slice(11, 16);
    assert.deepEqual(
      summaries.map((s) => s.range ? `${hhmm(s.range.start)}–${hhmm(s.range.end)}` : s.outcome),
      [
        "up-to-date", // 21:30 PDT: nothing has ended since the watermark
        "04:30–04:35",
        "04:35–04:40",
        "04:40–04:45",
        "04:45–04:50",
        "04:50–04:55",
        "04:55–05:00", // 22:00 PDT: the off-peak cron's first tick
        "05:00–05:15", // 22:15 PDT: the three intervals since the last run, in one request
        "05:15–05:30",
        "05:30–05:45",
      ],
    );
    assert.ok(summaries.every((s) => s.failures.length === 0 && s.requests <= 1));
    const counts = keyCounts(messages);
    assert.equal(counts.size, 15 * 3 * 5, "15 five-minute intervals × 3 hubs × 5 components");
    assert.ok([...counts.values()].every((n) => n === 1), "each once");
    assert.equal(
      (await backends.coordination.watermark("lmp_rtm"))?.toISOString(),
      "2025-07-02T05:45:00.000Z",
    );
  } finally {
    clock.uninstall();
    backends.close();
  }
});
