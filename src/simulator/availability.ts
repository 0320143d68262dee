/**
 * What OASIS has published at a given simulated instant, kept simple: a real-time interval once it has
 * ended, a day-ahead operating day at 13:00 Pacific the day before, a monthly CRR auction on the 20th of
 * the month before, a CRR inventory day at its start; nothing older than the retention window
 * (39 months by default).
 *
 * @module
 */
import { pacificMidnight } from "../oasis/time.ts";
import type { Interval } from "./intervals.ts";
import type { CrrMonth } from "./crr_report.ts";

const HOUR_MS = 3_600_000;

/** The oldest instant still served `months` calendar months before `now`, in epoch milliseconds. */
export function retentionFloor(now: Date, months: number): number {
  return Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth() - months,
    now.getUTCDate(),
    now.getUTCHours(),
    now.getUTCMinutes(),
    now.getUTCSeconds(),
    now.getUTCMilliseconds(),
  );
}

/** When day-ahead results for operating date `date` are published: 13:00 Pacific the day before. */
export function dayAheadPublishedAt(date: string): number {
  // 13:00 the day before is 11 hours before midnight; any DST switch happens at 02:00, earlier that day.
  return pacificMidnight(date).getTime() - 11 * HOUR_MS;
}

/** Whether `interval` of a day-ahead (`hourly` = true) or real-time market is published at `nowMs`. */
export function isIntervalPublished(interval: Interval, dayAhead: boolean, nowMs: number): boolean {
  return dayAhead ? dayAheadPublishedAt(interval.oprDate) <= nowMs : interval.end <= nowMs;
}

/** When the monthly CRR auction results for `month` are published: the 20th of the month before. */
export function crrMonthPublishedAt(month: CrrMonth): number {
  const first = new Date(
    Date.UTC(Number(month.startDate.slice(0, 4)), Number(month.startDate.slice(5, 7)) - 2, 20),
  );
  return pacificMidnight(first.toISOString().slice(0, 10)).getTime();
}
