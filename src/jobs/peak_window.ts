/**
 * Peak and off-peak polling, purely: the real-time jobs (`lmp_rtm`, `lmp_fmm`, `as_rtm`, `as_fmm`: every
 * dataset that is not polled by operating day) keep their own schedule inside a peak window of Pacific wall
 * time and poll on an off-peak schedule outside it; day-ahead and CRR jobs are never affected. Each such job
 * gets two crons: its schedule, acted on only inside the window, and the off-peak schedule, acted on only
 * outside it, so a minute is never polled twice. A tick is judged by its own minute, not by when the handler
 * ran, and the window is Pacific wall time, so it follows daylight saving time. This module alone decides
 * peak against off-peak: the cron table (`main.ts`), the job runner's ticks, retries and health report, and
 * the poll's "done" marker all ask it.
 *
 * @module
 */
import { DATASET_NAMES, type DatasetName, DATASETS } from "../oasis/datasets.ts";
import { pacificHour } from "../oasis/time.ts";
import { scheduleMatches, schedulePeriodMs } from "./schedule.ts";
import { isDayGrained } from "./watermark.ts";

/** The resolved peak-polling settings. */
export interface PeakPolling {
  /** Off: every job keeps its schedule around the clock. */
  readonly enabled: boolean;
  /** Start of the peak window, `HH:MM` Pacific wall time (inclusive). */
  readonly start: string;
  /** End of the peak window, `HH:MM` Pacific wall time (exclusive); before `start`: crosses midnight. */
  readonly end: string;
  /** Cron schedule (UTC) of the real-time jobs outside the window. */
  readonly offPeakSchedule: string;
}

/** Peak polling as it is by default: off, with the documented window and off-peak schedule. */
export const PEAK_POLLING_OFF: PeakPolling = {
  enabled: false,
  start: "06:00",
  end: "22:00",
  offPeakSchedule: "*/15 * * * *",
};

/** The datasets peak polling applies to: the real-time ones (not polled by operating day). */
export const PEAK_DATASETS: readonly DatasetName[] = DATASET_NAMES.filter((d) => !isDayGrained(DATASETS[d]));

/** When a cron of a job acts: at every tick, only inside the peak window, or only outside it. */
export type PollMode = "always" | "peak" | "off-peak";

/** One `Deno.cron` of a job. */
export interface PollCron {
  /** Unique cron name. */
  readonly name: string;
  readonly dataset: DatasetName;
  /** Cron schedule (UTC). */
  readonly schedule: string;
  readonly mode: PollMode;
}

const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of an `H:MM`/`HH:MM` time of day, or null when `text` is not one. */
export function minutesOfDay(text: string): number | null {
  const m = TIME.exec(text.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** Whether peak polling changes the schedule of `dataset`. */
export function peakApplies(dataset: DatasetName, peak: PeakPolling): boolean {
  return peak.enabled && PEAK_DATASETS.includes(dataset);
}

/** Whether `instant` falls inside the peak window (Pacific wall time; a window may cross midnight). */
export function inPeakWindow(instant: Date, peak: PeakPolling): boolean {
  // Pacific offsets are whole hours, so the UTC minute is the Pacific minute.
  const minute = pacificHour(instant) * 60 + instant.getUTCMinutes();
  const start = minutesOfDay(peak.start) ?? 0;
  const end = minutesOfDay(peak.end) ?? 0;
  return start <= end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** The minute a cron tick stands for, from when its handler ran: `Deno.cron` fires a little late. */
export function tickOf(firedAt: Date): Date {
  // A second of slack below the minute: a timer woken a few ms early still counts for the coming minute.
  return new Date(Math.floor((firedAt.getTime() + 1000) / 60_000) * 60_000);
}

/**
 * The crons of `dataset` with its own `schedule`: one, or with peak polling (when the off-peak schedule is
 * another) a peak and an off-peak cron.
 */
export function pollCrons(dataset: DatasetName, schedule: string, peak: PeakPolling): PollCron[] {
  if (!peakApplies(dataset, peak) || schedule === peak.offPeakSchedule) {
    return [{ name: `poll ${dataset}`, dataset, schedule, mode: "always" }];
  }
  return [
    { name: `poll ${dataset}`, dataset, schedule, mode: "peak" },
    { name: `poll ${dataset} off-peak`, dataset, schedule: peak.offPeakSchedule, mode: "off-peak" },
  ];
}

/** Whether a cron of `mode` acts at `tick`. */
export function cronActs(mode: PollMode, tick: Date, peak: PeakPolling): boolean {
  if (mode === "always") return true;
  return inPeakWindow(tick, peak) === (mode === "peak");
}

/** Whether `dataset`, with its own `schedule`, polls at minute `tick`. */
export function pollingDue(dataset: DatasetName, tick: Date, schedule: string, peak: PeakPolling): boolean {
  return pollCrons(dataset, schedule, peak).some((c) =>
    scheduleMatches(c.schedule, tick) && cronActs(c.mode, tick, peak)
  );
}

/** The schedule `dataset` follows at `at`: its own, or the off-peak one outside the peak window. */
export function activeSchedule(dataset: DatasetName, at: Date, schedule: string, peak: PeakPolling): string {
  return peakApplies(dataset, peak) && !inPeakWindow(at, peak) ? peak.offPeakSchedule : schedule;
}

/** What one cron tick does: whether it polls, and whether it is a peak tick passed over off-peak. */
export interface TickDecision {
  /** The minute the tick stands for (`tickOf`). */
  readonly tick: Date;
  /** Whether the cron acts at that minute. */
  readonly polls: boolean;
  /** A peak tick outside the window that the off-peak cron does not poll either: counted as skipped. */
  readonly skippedOffPeak: boolean;
}

/** What a tick of `cron` whose handler ran at `firedAt` does. */
export function decideTick(cron: PollCron, firedAt: Date, peak: PeakPolling): TickDecision {
  const tick = tickOf(firedAt);
  const polls = cronActs(cron.mode, tick, peak);
  const skippedOffPeak = !polls && cron.mode === "peak" && !scheduleMatches(peak.offPeakSchedule, tick);
  return { tick, polls, skippedOffPeak };
}

/** Time between two ticks of the schedule `dataset` follows at `at` (off-peak ones are sparser), ms. */
export function activePeriodMs(dataset: DatasetName, at: Date, schedule: string, peak: PeakPolling): number {
  return schedulePeriodMs(activeSchedule(dataset, at, schedule, peak), at);
}

/** The polling mode in force for `dataset` at `at` and its schedule then; null where peak polling does not apply. */
export function pollingMode(
  dataset: DatasetName,
  at: Date,
  schedule: string,
  peak: PeakPolling,
): { readonly mode: "peak" | "off-peak"; readonly schedule: string } | null {
  if (!peakApplies(dataset, peak)) return null;
  return {
    mode: inPeakWindow(at, peak) ? "peak" : "off-peak",
    schedule: activeSchedule(dataset, at, schedule, peak),
  };
}

/** The schedule of `dataset` in words for logs: its cron, and with peak polling the window and off-peak cron. */
export function describeSchedule(dataset: DatasetName, schedule: string, peak: PeakPolling): string {
  if (!peakApplies(dataset, peak) || schedule === peak.offPeakSchedule) return schedule;
  return `${schedule} from ${peak.start} to ${peak.end} Pacific, ${peak.offPeakSchedule} otherwise`;
}
