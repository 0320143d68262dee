/**
 * Text forms OASIS writes: values with at most five decimals and no trailing zeros, GMT timestamps
 * ending in `-00:00`, and the Pacific wall-clock stamp used in file names and ZIP entry times.
 *
 * @module
 */

/** Prices are held as integers of 1/100000 so that components add up exactly after rounding. */
export const PRICE_SCALE = 100_000;

/** Rounds a number of dollars to integer price units (1/100000). */
export function toUnits(value: number): number {
  const units = Math.round(value * PRICE_SCALE);
  return units === 0 ? 0 : units; // no -0
}

/** Formats integer price units as OASIS does: `36.83179`, `38.1942`, `0`, `-0.08354`. */
export function formatUnits(units: number): string {
  if (units === 0) return "0";
  const negative = units < 0;
  const abs = negative ? -units : units;
  const whole = Math.floor(abs / PRICE_SCALE);
  const frac = abs - whole * PRICE_SCALE;
  let text = String(whole);
  if (frac !== 0) {
    let digits = String(frac).padStart(5, "0");
    let end = digits.length;
    while (digits.charCodeAt(end - 1) === 48) end--;
    digits = digits.slice(0, end);
    text += "." + digits;
  }
  return negative ? "-" + text : text;
}

/** GMT timestamp as in OASIS CSV and XML: `2020-01-02T16:00:00-00:00`. */
export function formatGmt(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + "-00:00";
}

/** `YYYYMMDD` form of a `YYYY-MM-DD` date. */
export function compactDate(date: string): string {
  return date.slice(0, 4) + date.slice(5, 7) + date.slice(8, 10);
}

const pacificClock = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/Los_Angeles",
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** Pacific wall-clock parts of `instant` (OASIS stamps its files in local time). */
export interface WallClock {
  /** Calendar year. */
  year: number;
  /** Month 1–12. */
  month: number;
  /** Day of month. */
  day: number;
  /** Hour 0–23. */
  hour: number;
  /** Minute. */
  minute: number;
  /** Second. */
  second: number;
}

/** The Pacific wall clock at `instant`. */
export function pacificWallClock(instant: Date): WallClock {
  const p: Record<string, string> = {};
  for (const part of pacificClock.formatToParts(instant)) p[part.type] = part.value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour),
    minute: Number(p.minute),
    second: Number(p.second),
  };
}

const two = (n: number) => String(n).padStart(2, "0");

/** The generation stamp in OASIS file names: Pacific `YYYYMMDD_HH_MM_SS`. */
export function fileStamp(instant: Date): string {
  const c = pacificWallClock(instant);
  return `${c.year}${two(c.month)}${two(c.day)}_${two(c.hour)}_${two(c.minute)}_${two(c.second)}`;
}

/** Pacific wall-clock time `YYYY-MM-DD HH:MM:SS`, as OASIS writes local times in its reports. */
export function pacificDateTime(instant: Date): string {
  const c = pacificWallClock(instant);
  return `${c.year}-${two(c.month)}-${two(c.day)} ${two(c.hour)}:${two(c.minute)}:${two(c.second)}`;
}

/** `TimeDate` of a data document: `2014-05-09T17:50:06-00:00`. */
export function dataTimeDate(instant: Date): string {
  return formatGmt(instant.getTime());
}

/** `TimeDate` of an error document: `2026-10-06T09:34:35.839Z`. */
export function errorTimeDate(instant: Date): string {
  return instant.toISOString();
}
