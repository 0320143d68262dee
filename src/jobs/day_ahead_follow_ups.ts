/**
 * Follow-ups of the day-ahead datasets (`lmp_dam`, `as_dam`). CAISO publishes tomorrow's day-ahead results
 * once a day, around 13:00 Pacific and sometimes hours later; on an hourly schedule a publication just after
 * the 13:00 tick was found at 14:00 (measured by `bench/publication_bench.ts`: about an hour late). From
 * 13:00 Pacific until tomorrow's market day is complete, a run that still lacks it is followed by another
 * `DAY_AHEAD_SPACING_MS` later (the first timed from the learned delay past 13:00), up to
 * `DAY_AHEAD_LIMIT_MS` after 13:00; then the schedule takes over again. The delay past 13:00 at which it
 * arrived is what `onArrival` reports (the publication latency metric).
 *
 * @module
 */
import { DATASETS } from "../oasis/datasets.ts";
import { nextDate, operatingDate, pacificMidnight } from "../oasis/time.ts";
import type { FollowUps } from "./follow_ups.ts";
import type { PollSummary } from "./poll.ts";
import { newestEnd } from "./watermark.ts";

/** Spacing of day-ahead follow-ups: one request a minute while tomorrow's results are late. */
export const DAY_AHEAD_SPACING_MS = 60_000;
/** No day-ahead follow-up later than this after 13:00 Pacific (the hourly schedule goes on after it). */
export const DAY_AHEAD_LIMIT_MS = 3 * 3_600_000;

/** 13:00 Pacific on the operating day of `now`: when tomorrow's day-ahead results are due. */
export function dayAheadDue(now: Date): Date {
  // 11 hours before the next Pacific midnight: no DST change falls between 13:00 and midnight.
  return new Date(pacificMidnight(nextDate(operatingDate(now))).getTime() - 11 * 3_600_000);
}

/**
 * After a run of a day-ahead dataset at `now`: when tomorrow's market day is complete, learns how late past
 * 13:00 it arrived (ms, the first time it is seen); when it is due and still missing, schedules the next
 * attempt. Returns that lateness and when the follow-up runs.
 */
export function dayAheadFollowUp(
  followUps: FollowUps<PollSummary["dataset"]>,
  summary: PollSummary,
  now: Date,
): { lateMs: number | null; at: Date | null } {
  const { dataset } = summary;
  const due = dayAheadDue(now);
  const tomorrowEnd = newestEnd(DATASETS[dataset], now).getTime();
  const complete = summary.watermark !== null && Date.parse(summary.watermark) >= tomorrowEnd;
  if (complete) return { lateMs: now >= due ? followUps.arrived(dataset, due) : null, at: null };
  if (summary.failures.length > 0 || now < due) {
    followUps.cancel(dataset);
    return { lateMs: null, at: null };
  }
  // Seen missing after it was due: its arrival is a publication delay to learn (the day before was there).
  followUps.seen(dataset, new Date(due.getTime() - 86_400_000));
  return { lateMs: null, at: followUps.missing(dataset, due) };
}
