/**
 * Publication → start of the first poll that has the interval, in fake time: the production `JobRunner`
 * (cron ticks, follow-ups, learned publication delay) on `@sinonjs/fake-timers`, against given publication
 * instants. The poll here is a stand-in that answers at once with what is published at its start (the
 * real poll is measured by `publication_path.ts`). Hours of intervals pass in milliseconds.
 *
 * @module
 */
import FakeTimers from "@sinonjs/fake-timers";
import { JobRunner } from "../src/jobs/job_runner.ts";
import type { PollSummary } from "../src/jobs/poll.ts";
import { type DatasetName, DATASETS } from "../src/oasis/datasets.ts";
import { nextDate, operatingDate, pacificMidnight } from "../src/oasis/time.ts";

/** Per awaited interval (keyed by its end, epoch ms): when it was published and when a poll first had it. */
export interface Timeline {
  readonly published: ReadonlyMap<number, number>;
  readonly seen: ReadonlyMap<number, number>;
  /** Poll starts per interval, on average. */
  readonly pollsPerInterval: number;
}

/** What is published at an instant: the end of the newest interval (or operating day) OASIS has. */
type Newest = (t: number) => number;

async function runTimeline(
  dataset: DatasetName,
  options: { start: number; ticks: number; tickMs: number; followUpMs: number; newest: Newest; step: number },
): Promise<{ seen: Map<number, number>; polls: number }> {
  const clock = FakeTimers.install({ now: options.start, toFake: ["Date", "setTimeout", "clearTimeout"] });
  const seen = new Map<number, number>();
  let polls = 0;
  const poll = (d: DatasetName, now: Date): Promise<PollSummary> => {
    const t = now.getTime();
    polls++;
    const watermark = options.newest(t);
    for (let end = watermark; end > watermark - 3 * options.step; end -= options.step) {
      if (!seen.has(end)) seen.set(end, t);
    }
    const due = DATASETS[d].intervalMinutes >= 60 ? watermark : Math.floor(t / options.step) * options.step;
    const base = { requests: 1, rows: 0, published: 0, revised: 0, noData: 0, failures: [], missing: 0 };
    return Promise.resolve({
      ...base,
      dataset: d,
      outcome: "done",
      range: { start: new Date(watermark).toISOString(), end: new Date(due).toISOString() },
      watermark: new Date(watermark).toISOString(),
    });
  };
  const { followUpMs } = options;
  const runner = new JobRunner({ schedules: { [dataset]: DATASETS[dataset].schedule }, poll, followUpMs });
  try {
    for (let i = 0; i <= options.ticks; i++) {
      await runner.run(dataset); // the cron tick (each interval's end; every hour for the day-ahead market)
      await clock.tickAsync(options.tickMs);
    }
  } finally {
    await runner.stop();
    clock.uninstall();
  }
  return { seen, polls };
}

/**
 * A real-time dataset over `intervals` intervals from `start` (the first two warm the runner up), each
 * published at `publishedAt(end)`.
 */
export async function realTimeTimeline(
  dataset: "lmp_rtm" | "lmp_fmm",
  options: { start: number; intervals: number; followUpMs: number; publishedAt: (end: number) => number },
): Promise<Timeline> {
  const step = DATASETS[dataset].intervalMinutes * 60_000;
  const newest: Newest = (t) => {
    let end = Math.floor(t / step) * step;
    while (options.publishedAt(end) > t) end -= step;
    return end;
  };
  const ticks = options.intervals + 3; // the cron tick after the last interval's end has it
  const { seen, polls } = await runTimeline(dataset, { ...options, ticks, tickMs: step, newest, step });
  const published = new Map<number, number>();
  const kept = new Map<number, number>();
  for (let i = 2; i <= options.intervals + 1; i++) {
    const end = options.start + i * step;
    published.set(end, options.publishedAt(end));
    if (seen.has(end)) kept.set(end, seen.get(end)!);
  }
  return { published, seen: kept, pollsPerInterval: polls / (ticks + 1) };
}

/** End of operating day `date` (the next Pacific midnight), epoch ms. */
export function dayEnd(date: string): number {
  return pacificMidnight(nextDate(date)).getTime();
}

/**
 * `lmp_dam` on its hourly schedule over the operating days after the one of `start`, each published at
 * `publishedAt(day)` (the afternoon before); `days` days are kept. With `followUpMs` above 0, the
 * production day-ahead follow-ups run too (`src/jobs/day_ahead_follow_ups.ts`).
 */
export async function dayAheadTimeline(
  options: { start: number; days: number; publishedAt: (date: string) => number; followUpMs?: number },
): Promise<Timeline> {
  const HOUR = 3_600_000;
  // The newest operating day published at t: tomorrow's once out, else today's.
  const newest: Newest = (t) => {
    const today = operatingDate(new Date(t));
    const tomorrow = nextDate(today);
    return options.publishedAt(tomorrow) <= t ? dayEnd(tomorrow) : dayEnd(today);
  };
  const ticks = (options.days + 2) * 24;
  const { seen, polls } = await runTimeline("lmp_dam", {
    start: options.start,
    ticks,
    tickMs: HOUR,
    followUpMs: options.followUpMs ?? 0,
    newest,
    step: 86_400_000,
  });
  const published = new Map<number, number>();
  const kept = new Map<number, number>();
  let date = nextDate(operatingDate(new Date(options.start)));
  for (let i = 0; i < options.days; i++, date = nextDate(date)) {
    const end = dayEnd(date);
    published.set(end, options.publishedAt(date));
    if (seen.has(end)) kept.set(end, seen.get(end)!);
  }
  return { published, seen: kept, pollsPerInterval: polls / (options.days + 2) };
}
