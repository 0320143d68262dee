/**
 * The Pacific operating dates a price can exist for, and the checks of date parameters against them: OASIS
 * keeps about 39 months of reports and the newest day-ahead market is tomorrow's. Outside that window a
 * date answers 400 naming the parameter, so the date arithmetic never meets a date it cannot handle (the
 * day after 9999-12-31 has no `YYYY-MM-DD`; a year below 100 is read as 19xx by `Date.UTC`).
 *
 * @module
 */
import { nextDate, operatingDate, pacificMidnight, parseDate } from "../src/oasis/time.ts";
import { ParameterError } from "./errors.ts";

/** How far back OASIS keeps reports, in months. */
export const OASIS_RETENTION_MONTHS = 39;

/** First and last operating date (inclusive) a price can exist for at `now`. */
export interface DateWindow {
  readonly first: string;
  readonly last: string;
}

/** The window at `now`: `OASIS_RETENTION_MONTHS` before today's operating date, to tomorrow's. */
export function dateWindow(now: Date): DateWindow {
  const today = operatingDate(now);
  const { year, month, day } = parseDate(today);
  const first = new Date(Date.UTC(year, month - 1 - OASIS_RETENTION_MONTHS, day)).toISOString().slice(0, 10);
  return { first, last: nextDate(today) };
}

function outside(window: DateWindow, what: string): string {
  return `${what} is not from ${window.first} to ${window.last} (OASIS keeps about ${OASIS_RETENTION_MONTHS} ` +
    "months of prices; the newest day-ahead market is tomorrow's)";
}

/** Checks operating date `date` (`YYYY-MM-DD`, a real day, within the window); throws `ParameterError`. */
export function checkDate(name: string, date: string, now: Date): string {
  try {
    parseDate(date);
  } catch (e) {
    throw new ParameterError(name, (e as Error).message);
  }
  const window = dateWindow(now);
  if (date < window.first || date > window.last) throw new ParameterError(name, outside(window, date));
  return date;
}

/** Checks an instant against the window (from its first midnight to the end of its last day). */
export function checkInstant(name: string, instant: Date, now: Date): Date {
  const window = dateWindow(now);
  const start = pacificMidnight(window.first);
  const end = pacificMidnight(nextDate(window.last));
  if (instant < start || instant > end) {
    throw new ParameterError(name, outside(window, JSON.stringify(instant.toISOString())));
  }
  return instant;
}
