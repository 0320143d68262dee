/**
 * Market intervals of a window with the Pacific labels OASIS writes: operating date, hour ending
 * (1–24; 25 for the repeated fall-back hour, which sits between HE2 and HE3 in time; HE3 is skipped on
 * the spring-forward day), interval within the hour and the sequential interval of the day.
 *
 * @module
 */
import { operatingDate, pacificHour } from "../src/oasis/time.ts";
import { formatGmt } from "./format.ts";

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/** One market interval and its labels. */
export interface Interval {
  /** Start, epoch milliseconds. */
  readonly start: number;
  /** End, epoch milliseconds. */
  readonly end: number;
  /** Start as written by OASIS (`…-00:00`). */
  readonly startGmt: string;
  /** End as written by OASIS. */
  readonly endGmt: string;
  /** Pacific operating date `YYYY-MM-DD`. */
  readonly oprDate: string;
  /** Hour ending label, 1–25. */
  readonly oprHour: number;
  /** Interval within the hour: 0 for hourly markets, else 1–4 or 1–12. */
  readonly oprInterval: number;
  /** Sequential interval of the operating day (XML `INTERVAL_NUM`): `(HE - 1) · perHour + interval`. */
  readonly intervalNum: number;
  /** Pacific clock time of the interval midpoint in hours (0–24), for the price shape. */
  readonly clockHours: number;
}

interface HourLabel {
  oprDate: string;
  oprHour: number;
  clockHour: number;
}

function hourLabel(hourStart: number): HourLabel {
  const instant = new Date(hourStart);
  const clockHour = pacificHour(instant);
  // The second 01:00 hour on the fall-back day is labelled 25.
  const repeated = clockHour === 1 && pacificHour(new Date(hourStart - HOUR_MS)) === 1;
  return { oprDate: operatingDate(instant), oprHour: repeated ? 25 : clockHour + 1, clockHour };
}

/**
 * The intervals of length `minutes` (60, 15 or 5) whose start lies in `[startMs, endMs)`, on the
 * interval grid (Pacific offsets are whole hours, so a UTC grid is also the Pacific grid).
 */
export function intervalsIn(startMs: number, endMs: number, minutes: number): Interval[] {
  const step = minutes * MINUTE_MS;
  const perHour = 60 / minutes;
  const out: Interval[] = [];
  const labels = new Map<number, HourLabel>();
  for (let t = Math.ceil(startMs / step) * step; t < endMs; t += step) {
    const hourStart = Math.floor(t / HOUR_MS) * HOUR_MS;
    let label = labels.get(hourStart);
    if (!label) {
      label = hourLabel(hourStart);
      labels.set(hourStart, label);
    }
    const index = Math.round((t - hourStart) / step) + 1;
    const oprInterval = minutes === 60 ? 0 : index;
    out.push({
      start: t,
      end: t + step,
      startGmt: formatGmt(t),
      endGmt: formatGmt(t + step),
      oprDate: label.oprDate,
      oprHour: label.oprHour,
      oprInterval,
      intervalNum: (label.oprHour - 1) * perHour + index,
      clockHours: label.clockHour + (t - hourStart + step / 2) / HOUR_MS,
    });
  }
  return out;
}
