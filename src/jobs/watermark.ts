/**
 * Watermarks, purely: the newest interval OASIS can have at a given time, the range one scheduled run asks
 * for (from the watermark, bounded by the lookback, widened by the revision horizon) and where the
 * watermark may move after the run: to the end of the unbroken run of intervals that reached Bronze and
 * the store, never past a failed window or a hole, so a restart after an outage fills what it missed.
 *
 * @module
 */
import type { DatasetSpec } from "../oasis/datasets.ts";
import { nextDate, operatingDate, pacificMidnight, startOfOperatingDay } from "../oasis/time.ts";
import type { RequestWindow } from "../oasis/windows.ts";

/** Whether `spec` is a day-ahead market (published a day at a time, the afternoon before). */
export function isDayAhead(spec: DatasetSpec): boolean {
  return spec.queries.some((q) => q.marketRunId === "DAM");
}

/** Whether `spec` is polled by operating day (day-ahead markets and CRR). */
export function isDayGrained(spec: DatasetSpec): boolean {
  return isDayAhead(spec) || spec.intervalMinutes >= 1440;
}

/** Interval length of `spec` in ms. */
export function stepMs(spec: DatasetSpec): number {
  return spec.intervalMinutes * 60_000;
}

/**
 * End of the newest interval OASIS can have at `now`: for real-time markets the last interval that has
 * ended; for day-ahead markets the end of tomorrow's operating day (published the afternoon before, so it
 * answers "no data" until then); for CRR the end of today.
 */
export function newestEnd(spec: DatasetSpec, now: Date): Date {
  const today = operatingDate(now);
  if (isDayAhead(spec)) return pacificMidnight(nextDate(nextDate(today)));
  if (spec.intervalMinutes >= 1440) return pacificMidnight(nextDate(today));
  const step = stepMs(spec);
  return new Date(Math.floor(now.getTime() / step) * step);
}

/** The start of the request grid at or before `t`: the Pacific midnight for day-grained data. */
export function alignDown(spec: DatasetSpec, t: Date): Date {
  if (isDayGrained(spec)) return startOfOperatingDay(t);
  const step = stepMs(spec);
  return new Date(Math.floor(t.getTime() / step) * step);
}

/** How far a run reaches back. */
export interface RangeSettings {
  /** Furthest back for intervals not yet received (older holes are left to backfill). */
  readonly lookbackMs: number;
  /** Re-polled on every run for revisions (0: none). */
  readonly revisionMs: number;
}

/** What one run asks for: `[start, end)`, where new data starts at `forwardStart`. */
export interface RunRange {
  readonly start: Date;
  readonly end: Date;
  /** The watermark, or the lookback floor when the watermark is older or absent. */
  readonly forwardStart: Date;
}

/** The range of one run at `now`, or null when there is nothing to ask for. */
export function runRange(
  spec: DatasetSpec,
  now: Date,
  watermark: Date | null,
  settings: RangeSettings,
): RunRange | null {
  const end = newestEnd(spec, now);
  const floor = alignDown(spec, new Date(now.getTime() - settings.lookbackMs));
  const forwardStart = watermark !== null && watermark > floor ? watermark : floor;
  const revisionStart = settings.revisionMs > 0
    ? alignDown(spec, new Date(now.getTime() - settings.revisionMs))
    : forwardStart;
  const start = revisionStart < forwardStart ? revisionStart : forwardStart;
  return start < end ? { start, end, forwardStart } : null;
}

/** How one planned window went: failed, or answered with the interval starts it returned. */
export type WindowOutcome =
  | { readonly window: RequestWindow; readonly ok: false }
  | { readonly window: RequestWindow; readonly ok: true; readonly starts: ReadonlySet<number> };

/**
 * Where the watermark may move after a run over `range`: walking the interval grid from the watermark (or
 * `range.forwardStart` when there is none), through windows in time order, while every window covering the
 * interval succeeded and returned it. Returns null when it does not move.
 */
export function nextWatermark(
  spec: DatasetSpec,
  range: RunRange,
  watermark: Date | null,
  outcomes: readonly WindowOutcome[],
): Date | null {
  const slices = new Map<string, WindowOutcome[]>();
  for (const o of outcomes) {
    const id = `${o.window.start.getTime()}|${o.window.end.getTime()}`;
    slices.set(id, [...(slices.get(id) ?? []), o]);
  }
  const ordered = [...slices.values()].sort((a, b) =>
    a[0]!.window.start.getTime() - b[0]!.window.start.getTime()
  );
  const step = stepMs(spec);
  let cursor = (watermark ?? range.forwardStart).getTime();
  const before = cursor;
  for (const slice of ordered) {
    const start = slice[0]!.window.start.getTime();
    const end = slice[0]!.window.end.getTime();
    if (end <= cursor) continue;
    const done = slice.filter((o): o is Extract<WindowOutcome, { ok: true }> => o.ok);
    if (done.length < slice.length) break;
    if (spec.intervalMinutes >= 1440) {
      // CRR rows are per auction period, not per interval: a day counts once any of its queries has rows.
      if (done.every((o) => o.starts.size === 0)) break;
      cursor = end;
      continue;
    }
    let t = Math.max(cursor, start);
    while (t < end && done.every((o) => o.starts.has(t))) t += step;
    cursor = Math.min(t, end);
    if (cursor < end) break;
  }
  return cursor > before ? new Date(cursor) : null;
}
