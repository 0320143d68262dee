/**
 * The window a scheduled poll asks for when nothing else is known: recent real-time intervals, today's
 * and (once published) tomorrow's day-ahead day, today's CRR snapshot. Issue #6 replaces this with
 * per-dataset watermarks; the shape (a pure function of the dataset and `now`) stays.
 *
 * @module
 */
import type { DatasetSpec } from "../oasis/datasets.ts";
import { nextDate, operatingDate, pacificMidnight } from "../oasis/time.ts";

const HOUR_MS = 3_600_000;

/** `[start, end)` to poll for `spec` at `now`. */
export function recentWindow(spec: DatasetSpec, now: Date): { start: Date; end: Date } {
  const today = operatingDate(now);
  if (spec.intervalMinutes >= 60) {
    // Hourly day-ahead data for today and tomorrow (tomorrow answers "no data" until it is published).
    const start = pacificMidnight(today);
    const end = spec.intervalMinutes >= 1440
      ? pacificMidnight(nextDate(today))
      : pacificMidnight(nextDate(nextDate(today)));
    return { start, end };
  }
  // Real-time data: the last hour, aligned to the interval grid, up to the current interval's end.
  const step = spec.intervalMinutes * 60_000;
  const end = new Date(Math.ceil(now.getTime() / step) * step);
  return { start: new Date(end.getTime() - HOUR_MS), end };
}
