// The chart's time axis: ticks on whole Pacific hours (or Pacific midnights on a week), labelled with the
// time and, on the first tick and each new Pacific day, the date.
import { dateTime, day, time } from "./format.js";

const HOUR = 3_600_000;

/** Hours between ticks for a span of `spanMs` (wider steps on a narrow chart). */
function stepHours(spanMs, narrow) {
  const hours = spanMs / HOUR;
  if (hours <= 10) return narrow ? 2 : 1;
  if (hours <= 36) return narrow ? 6 : 3;
  if (hours <= 80) return narrow ? 12 : 6;
  return 24;
}

/** Ticks on whole Pacific hours divisible by the step (Pacific midnights for 24). */
export function axisTicks(min, max, narrow) {
  const step = stepHours(max - min, narrow);
  const ticks = [];
  for (let ms = Math.ceil(min / HOUR) * HOUR; ms <= max; ms += HOUR) {
    if (Number(time(ms).slice(0, 2)) % step === 0) ticks.push({ value: ms });
  }
  return ticks;
}

/** A tick's label: the Pacific time, with the date below it on a new day; only the date on a week. */
export function axisLabel(ms, previousMs, spanMs) {
  if (spanMs > 80 * HOUR) return day(ms);
  if (previousMs === undefined || day(previousMs) !== day(ms)) return [time(ms), day(ms)];
  return time(ms);
}

/** `Jul 1 13:05 PDT` (Pacific, with the zone in force). */
export function when(ms) {
  return dateTime(ms);
}
