/**
 * Time helpers for OASIS: the request datetime format, Pacific operating days (23, 24 or 25 hours long)
 * and the GMT timestamps OASIS writes in its `*_GMT` columns.
 *
 * @module
 */

const PACIFIC = "America/Los_Angeles";
const HOUR_MS = 3_600_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

const pacificParts = new Intl.DateTimeFormat("en-US", {
  timeZone: PACIFIC,
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
});

function partsOf(instant: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pacificParts.formatToParts(instant)) out[p.type] = p.value;
  return out;
}

/** The Pacific operating date (`YYYY-MM-DD`) that contains `instant`. */
export function operatingDate(instant: Date): string {
  const p = partsOf(instant);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Pacific wall-clock hour (0–23) of `instant`. */
export function pacificHour(instant: Date): number {
  return Number(partsOf(instant).hour);
}

/** Pacific wall-clock operating date (`YYYY-MM-DD`), hour (0–23) and minute of `instant`. */
export function pacificClock(instant: Date): { date: string; hour: number; minute: number } {
  const p = partsOf(instant);
  return { date: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour), minute: Number(p.minute) };
}

/**
 * The instants whose Pacific wall clock reads `hour:minute` on operating date `date`, earliest first: none
 * in the hour skipped when clocks spring forward (02:xx), two in the hour repeated when they fall back
 * (01:xx, first in PDT, then in PST), one otherwise.
 */
export function pacificInstants(date: string, hour: number, minute: number): Date[] {
  const { year, month, day } = parseDate(date);
  const out: Date[] = [];
  // Pacific time is UTC−7 (PDT) or UTC−8 (PST): wall clock + 7 h is the earlier instant, + 8 h the later.
  for (const offset of [7, 8]) {
    const candidate = new Date(Date.UTC(year, month - 1, day, hour + offset, minute));
    const c = pacificClock(candidate);
    if (c.date === date && c.hour === hour && c.minute === minute) out.push(candidate);
  }
  return out;
}

/** Whether `year`-`month`-`day` is a day of the calendar (month 1–12, day within the month). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Whether `text` is a real `YYYY-MM-DD` date. */
export function isDateText(text: string): boolean {
  const m = DATE_RE.exec(text);
  return m !== null && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Checks a `YYYY-MM-DD` string and returns its parts; throws `RangeError` naming the value otherwise. */
export function parseDate(date: string): { year: number; month: number; day: number } {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`Invalid date "${date}": expected YYYY-MM-DD`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isCalendarDate(year, month, day)) throw new RangeError(`Invalid date "${date}": no such day`);
  return { year, month, day };
}

/** The UTC instant of 00:00 Pacific on operating date `date` (07:00Z in PDT, 08:00Z in PST). */
export function pacificMidnight(date: string): Date {
  const { year, month, day } = parseDate(date);
  // Midnight is never inside a DST jump in the US rules (they switch at 02:00), so it is either 07:00Z
  // or 08:00Z on the same UTC date.
  for (const hourUtc of [8, 7]) {
    const candidate = new Date(Date.UTC(year, month - 1, day, hourUtc));
    const p = partsOf(candidate);
    if (p.hour === "00" && p.minute === "00" && `${p.year}-${p.month}-${p.day}` === date) return candidate;
  }
  throw new RangeError(`Cannot find Pacific midnight of "${date}"`);
}

/** The operating date after `date`. */
export function nextDate(date: string): string {
  const { year, month, day } = parseDate(date);
  return new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
}

/** The operating date before `date`. */
export function previousDate(date: string): string {
  const { year, month, day } = parseDate(date);
  return new Date(Date.UTC(year, month - 1, day - 1)).toISOString().slice(0, 10);
}

/** `[start, end)` of operating date `date` in UTC; 23, 24 or 25 hours long. */
export function operatingDay(date: string): { start: Date; end: Date } {
  return { start: pacificMidnight(date), end: pacificMidnight(nextDate(date)) };
}

/** Number of hours in operating date `date` (23 on the spring-forward day, 25 on the fall-back day). */
export function hoursInDay(date: string): number {
  const { start, end } = operatingDay(date);
  return (end.getTime() - start.getTime()) / HOUR_MS;
}

/** The Pacific midnight at or before `instant`. */
export function startOfOperatingDay(instant: Date): Date {
  return pacificMidnight(operatingDate(instant));
}

/** Formats an instant as OASIS wants it in `startdatetime`/`enddatetime`: `YYYYMMDDTHH:MM-0000`. */
export function formatOasisDateTime(instant: Date): string {
  const iso = instant.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 16)}-0000`;
}

/** Parses `YYYYMMDDTHH:MM-0000` (or another `±HHMM` offset) back to an instant; `undefined` if malformed. */
export function parseOasisDateTime(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2}):(\d{2})([+-])(\d{2}):?(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sign, oh, om] = m;
  const offset = (Number(oh) * 60 + Number(om)) * (sign === "-" ? -1 : 1);
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi)) - offset * 60_000;
  const date = new Date(ms);
  return Number.isNaN(ms) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59
    ? undefined
    : date;
}

/** `YYYY-MM-DDTHH:MM[:SS[.fff]]` then `Z` or a `±HH[:]MM` offset: the ISO-8601 forms a timestamp may take. */
const TIMESTAMP_RE =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Converts an OASIS GMT timestamp (`2020-01-02T16:00:00-00:00`, or another ISO-8601 date-time with `Z` or
 * an offset) to UTC ISO-8601 ending in `Z` without milliseconds. Returns `undefined` when the text is not
 * a real instant: an impossible date (`2024-13-45`) or time (`99:00`), or no offset.
 */
export function gmtToIso(text: string): string | undefined {
  const m = TIMESTAMP_RE.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute] = [+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!];
  const second = m[6] === undefined ? 0 : +m[6];
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  // The form every OASIS file uses needs no arithmetic.
  if (text.length === 25 && text.endsWith("-00:00")) return text.slice(0, 19) + "Z";
  let offset = 0;
  if (m[7] !== undefined) {
    const [offsetHours, offsetMinutes] = [+m[8]!, +m[9]!];
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    offset = (m[7] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - offset;
  return new Date(ms).toISOString().slice(0, 19) + "Z";
}

/** UTC ISO-8601 without milliseconds, the form used in every normalized row. */
export function toIso(instant: Date): string {
  return instant.toISOString().slice(0, 19) + "Z";
}
