/**
 * What OASIS has published at a given simulated instant: a real-time (FMM or RTM) interval a publication
 * delay after it ends (a fixed part plus a per-interval jitter, both 0 unless configured; real OASIS takes
 * about one to three minutes), a day-ahead operating day at 13:00 Pacific the day before, a monthly CRR
 * auction on the 20th of the month before, a CRR inventory day at its start; nothing older than the
 * retention window (39 months by default).
 *
 * @module
 */
import { pacificMidnight } from "../src/oasis/time.ts";
import { unit } from "./hash.ts";
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

/** How long after its end a real-time interval appears: `fixedMs` plus a jitter in `[0, jitterMs)`. */
export interface PublishDelay {
  /** Fixed part, in ms. */
  readonly fixedMs: number;
  /** Upper bound of the random part, in ms; each interval draws its own, the same on every request. */
  readonly jitterMs: number;
  /** Seed of the jitter. */
  readonly seed: number;
}

/** No publication delay: an interval appears the instant it ends. */
export const NO_PUBLISH_DELAY: PublishDelay = { fixedMs: 0, jitterMs: 0, seed: 1 };

const JITTER_SALT = 0x7075626c; // "publ"

/** When `interval` of a day-ahead (`dayAhead` = true) or real-time market is published, in epoch ms. */
export function intervalPublishedAt(
  interval: Pick<Interval, "start" | "end" | "oprDate">,
  dayAhead: boolean,
  delay: PublishDelay,
): number {
  if (dayAhead) return dayAheadPublishedAt(interval.oprDate);
  const jitter = Math.floor(unit(delay.seed, JITTER_SALT, interval.start, interval.end) * delay.jitterMs);
  return interval.end + delay.fixedMs + jitter;
}

/** Whether `interval` of a day-ahead or real-time market is published at `nowMs`. */
export function isIntervalPublished(
  interval: Interval,
  dayAhead: boolean,
  nowMs: number,
  delay: PublishDelay = NO_PUBLISH_DELAY,
): boolean {
  return intervalPublishedAt(interval, dayAhead, delay) <= nowMs;
}

/** When the monthly CRR auction results for `month` are published: the 20th of the month before. */
export function crrMonthPublishedAt(month: CrrMonth): number {
  const first = new Date(
    Date.UTC(Number(month.startDate.slice(0, 4)), Number(month.startDate.slice(5, 7)) - 2, 20),
  );
  return pacificMidnight(first.toISOString().slice(0, 10)).getTime();
}
