/**
 * How many scheduled runs, and OASIS requests, each dataset makes in one Pacific operating day (23, 24 or
 * 25 hours) for given schedules and peak-polling settings: what peak polling saves, as numbers. Pure: the
 * ticks come from the cron expressions, the requests from the same range and window planning as a run.
 *
 * @module
 */
import { DATASET_NAMES, type DatasetName, DATASETS } from "../oasis/datasets.ts";
import { operatingDay } from "../oasis/time.ts";
import { type NodeSelection, planWindows } from "../oasis/windows.ts";
import { cronActs, type PeakPolling, pollCrons } from "./peak_window.ts";
import { scheduleMatcher } from "./schedule.ts";
import { alignDown, newestEnd, runRange } from "./watermark.ts";

/** What `dailyPolls` needs besides the day. */
export interface DailyPollsOptions {
  /** Cron schedule (UTC) of each dataset. */
  readonly schedules: Readonly<Record<DatasetName, string>>;
  readonly peak: PeakPolling;
  /** Nodes asked for (LMP datasets). */
  readonly nodes: NodeSelection;
  readonly lookbackMs: number;
  /** Revision horizon of each dataset, ms. */
  readonly revisionMs: Readonly<Record<DatasetName, number>>;
  /** Datasets to count (default: all). */
  readonly datasets?: readonly DatasetName[];
}

/** Runs and OASIS requests of one dataset in one operating day. */
export interface DailyPolls {
  readonly runs: number;
  readonly requests: number;
}

const DAY_MS = 86_400_000;

/** The minutes in `[start, end)` at which `dataset` polls, in order. */
export function pollTicks(
  dataset: DatasetName,
  range: { readonly start: Date; readonly end: Date },
  schedule: string,
  peak: PeakPolling,
): Date[] {
  const crons = pollCrons(dataset, schedule, peak).map((c) => ({
    ...c,
    matches: scheduleMatcher(c.schedule),
  }));
  const out: Date[] = [];
  const first = Math.ceil(range.start.getTime() / 60_000) * 60_000;
  for (let t = first; t < range.end.getTime(); t += 60_000) {
    const tick = new Date(t);
    if (crons.some((c) => c.matches(tick) && cronActs(c.mode, tick, peak))) out.push(tick);
  }
  return out;
}

/**
 * Runs and requests of each dataset in operating day `date` (`YYYY-MM-DD`). Requests assume the steady
 * state in which every window succeeds but OASIS has not yet published the newest interval a run could ask
 * for (it appears minutes after the interval ends), so each run asks again from there; retries, failures
 * and the run at start are not counted.
 */
export function dailyPolls(date: string, options: DailyPollsOptions): Record<DatasetName, DailyPolls> {
  const day = operatingDay(date);
  // A day of ticks before the counted day sets each watermark as it would be at its start.
  const warmUp = { start: new Date(day.start.getTime() - DAY_MS), end: day.end };
  const out = {} as Record<DatasetName, DailyPolls>;
  for (const dataset of options.datasets ?? DATASET_NAMES) {
    const spec = DATASETS[dataset];
    const settings = { lookbackMs: options.lookbackMs, revisionMs: options.revisionMs[dataset] };
    let watermark: Date | null = null;
    let runs = 0, requests = 0;
    for (const tick of pollTicks(dataset, warmUp, options.schedules[dataset], options.peak)) {
      const range = runRange(spec, tick, watermark, settings);
      const asked = range === null ? 0 : planWindows(spec, range, options.nodes).length;
      const newest = alignDown(spec, new Date(newestEnd(spec, tick).getTime() - 1));
      if (watermark === null || newest > watermark) watermark = newest;
      if (tick < day.start) continue;
      runs++;
      requests += asked;
    }
    out[dataset] = { runs, requests };
  }
  return out;
}
