/**
 * Publication → start of the OASIS request that brings the interval, in fake time, with every default dataset
 * polling through one production `RequestGate` (5 s + 100 ms guard): the cron table of the default
 * schedules, one `JobRunner` with today's follow-ups, and per run the windows `runRange` and `planWindows`
 * plan for the default hubs, each taking its turn in the gate. What a request brings is what the simulator
 * has published at its start; requests, parsing and delivery take no time here (`publication_path.ts`
 * measures them). Unlike `publication_timeline.ts`, a poll here waits for the other datasets' requests: a
 * cron minute several datasets share, and follow-ups of datasets whose intervals are published together
 * (`lmp_fmm`, `as_fmm` and `as_rtm` have the same 15-minute intervals, hence the same publication instants).
 * Crons of one minute start in the order of `DATASET_NAMES`.
 *
 * @module
 */
import FakeTimers from "@sinonjs/fake-timers";
import { loadConfig } from "../src/config.ts";
import { JobRunner } from "../src/jobs/job_runner.ts";
import type { PollSummary } from "../src/jobs/poll.ts";
import { scheduleMatches } from "../src/jobs/schedule.ts";
import { isDayAhead, isDayGrained, runRange } from "../src/jobs/watermark.ts";
import { DATASET_NAMES, type DatasetName, DATASETS } from "../src/oasis/datasets.ts";
import { RequestGate } from "../src/oasis/gate.ts";
import { nextDate, operatingDate } from "../src/oasis/time.ts";
import { planWindows } from "../src/oasis/windows.ts";
import { dayAheadPublishedAt } from "../simulator/availability.ts";
import type { Simulator } from "../simulator/simulator.ts";
import { dayEnd, type Timeline } from "./publication_timeline.ts";

/** End of the newest interval (or operating day) of `dataset` published at `t`, epoch ms. */
function newestPublished(sim: Simulator, dataset: DatasetName, t: number): number {
  const spec = DATASETS[dataset];
  const today = operatingDate(new Date(t));
  if (isDayAhead(spec)) {
    const tomorrow = nextDate(today);
    return dayAheadPublishedAt(tomorrow) <= t ? dayEnd(tomorrow) : dayEnd(today);
  }
  if (isDayGrained(spec)) return dayEnd(today);
  const minutes = spec.intervalMinutes, step = minutes * 60_000;
  let end = Math.floor(t / step) * step;
  while (sim.publishedAt(new Date(end - step), minutes).getTime() > t) end -= step;
  return end;
}

type Config = ReturnType<typeof loadConfig>;

/** The stand-in poll: the production range and windows, each window a turn in `gate`; records arrivals. */
function gatedPoll(sim: Simulator, config: Config, gate: RequestGate, start: number) {
  const watermarks = new Map<DatasetName, number>(
    DATASET_NAMES.map((d) => [d, newestPublished(sim, d, start)]),
  );
  const seen = new Map<DatasetName, Map<number, number>>(DATASET_NAMES.map((d) => [d, new Map()]));
  const requests = new Map<DatasetName, number>(DATASET_NAMES.map((d) => [d, 0]));
  const poll = async (d: DatasetName, now: Date): Promise<PollSummary> => {
    const spec = DATASETS[d];
    const settings = { lookbackMs: config.jobs.lookbackMs, revisionMs: config.jobs.revisionMs[d] };
    const range = runRange(spec, now, new Date(watermarks.get(d)!), settings);
    const base = { dataset: d, rows: 0, published: 0, revised: 0, noData: 0, failures: [], missing: 0 };
    if (range === null) return { ...base, requests: 0, outcome: "up-to-date", range: null, watermark: null };
    const windows = planWindows(spec, range, config.nodes);
    for (const _ of windows) {
      await gate.acquire();
      const t = Date.now();
      requests.set(d, requests.get(d)! + 1);
      const newest = Math.min(newestPublished(sim, d, t), range.end.getTime());
      const step = isDayGrained(spec) ? newest : spec.intervalMinutes * 60_000;
      for (let end = newest; end > watermarks.get(d)!; end -= step) seen.get(d)!.set(end, t);
      watermarks.set(d, Math.max(newest, watermarks.get(d)!));
    }
    const shown = { start: range.start.toISOString(), end: range.end.toISOString() };
    const watermark = new Date(watermarks.get(d)!).toISOString();
    return { ...base, requests: windows.length, outcome: "done", range: shown, watermark };
  };
  return { poll, seen, requests };
}

/**
 * Runs every default dataset from `start` for `intervals` 5-minute intervals; returns, for `datasets`, when
 * each interval was published and when the request that brought it started (`pollsPerInterval`: requests).
 */
export async function sharedGateTimelines(
  sim: Simulator,
  options: { start: number; intervals: number; datasets: readonly ("lmp_rtm" | "lmp_fmm")[] },
): Promise<Map<DatasetName, Timeline>> {
  const config = loadConfig({});
  const { schedules, followUpMs, followUpLimitMs } = config.jobs;
  const clock = FakeTimers.install({ now: options.start, toFake: ["Date", "setTimeout", "clearTimeout"] });
  const { minIntervalMs, guardMs, ratePerMinute } = config.oasis;
  const gate = new RequestGate({ minIntervalMs, guardMs, ratePerMinute });
  const { poll, seen, requests } = gatedPoll(sim, config, gate, options.start);
  const runner = new JobRunner({ schedules, poll, followUpMs, followUpLimitMs });
  const lastEnd = options.start + options.intervals * 5 * 60_000;
  try {
    for (let t = options.start; t < lastEnd + 15 * 60_000; t += 60_000) {
      for (const d of DATASET_NAMES) if (scheduleMatches(schedules[d], new Date(t))) void runner.run(d);
      await clock.tickAsync(60_000);
    }
  } finally {
    await runner.stop();
    clock.uninstall();
  }
  const out = new Map<DatasetName, Timeline>();
  for (const d of options.datasets) {
    const minutes = DATASETS[d].intervalMinutes, step = minutes * 60_000;
    const published = new Map<number, number>(), kept = new Map<number, number>();
    for (let end = options.start + 2 * step; end <= lastEnd; end += step) {
      published.set(end, sim.publishedAt(new Date(end - step), minutes).getTime());
      if (seen.get(d)!.has(end)) kept.set(end, seen.get(d)!.get(end)!);
    }
    out.set(d, {
      published,
      seen: kept,
      pollsPerInterval: requests.get(d)! / ((lastEnd - options.start) / step),
    });
  }
  return out;
}
