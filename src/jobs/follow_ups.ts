/**
 * Follow-ups of real-time runs whose newest due interval OASIS has not published yet: instead of waiting
 * for the next cron tick (up to a schedule period), the dataset is polled again at short spacing until the
 * interval arrives or a limit after its end passes, then the schedule takes over again. The first attempt
 * is timed from the learned publication delay of the dataset: the shortest (first seen − spacing − interval
 * end) of its recent intervals (a default until there are samples). The shortest, not the median: from a
 * median, the half of the intervals published earlier would wait for the first attempt, up to the spread
 * of the delays (with 60–120 s, the 99th percentile was 45 s instead of the spacing, 15 s). One timer per
 * dataset; `stop()` cancels every timer. This is not the retry of a failed run (`run_retries.ts`, with
 * its own backoff): a follow-up is an ordinary run after a run that succeeded but found nothing new yet.
 *
 * @module
 */
import { type DatasetName, DATASETS } from "../oasis/datasets.ts";
import type { PollSummary } from "./poll.ts";
import { dayAheadFollowUp } from "./day_ahead_follow_ups.ts";
import { isDayAhead, isDayGrained, stepMs } from "./watermark.ts";

/** Options of `FollowUps`. */
export interface FollowUpsOptions<K> {
  /** Starts a follow-up run of `key` (the job runner's `run`). */
  readonly run: (key: K) => void;
  /** Spacing of follow-ups, ms (0: none). */
  readonly spacingMs: number;
  /** No follow-up later than this after the interval's end, ms. */
  readonly limitMs: number;
  /** Publication delay assumed before any is learned, ms (default 60 000). */
  readonly defaultDelayMs?: number;
  /** Recent delays the shortest is taken from (default 24). */
  readonly samples?: number;
  readonly clock?: () => Date;
}

interface Pending {
  timer: ReturnType<typeof setTimeout>;
  /** End of the interval waited for, epoch ms. */
  end: number;
  at: Date;
}

/** The pending follow-ups and the learned publication delays. */
export class FollowUps<K> {
  readonly #options: FollowUpsOptions<K>;
  readonly #clock: () => Date;
  readonly #pending = new Map<K, Pending>();
  readonly #delays = new Map<K, number[]>();
  /** End of the newest interval seen per key, epoch ms: a delay is learned once per interval. */
  readonly #seen = new Map<K, number>();
  #stopped = false;

  constructor(options: FollowUpsOptions<K>) {
    this.#options = options;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Whether follow-ups run at all (spacing above 0). */
  get enabled(): boolean {
    return this.#options.spacingMs > 0;
  }

  /** The publication delay of `key` the first attempt is timed from: the shortest recent one, ms. */
  delayMs(key: K): number {
    const samples = this.#delays.get(key);
    return samples?.length ? Math.min(...samples) : this.#options.defaultDelayMs ?? 60_000;
  }

  /**
   * Records a run of `key` that found the interval ending at `end` missing: schedules the next attempt at
   * `end` + the learned delay, or `spacingMs` from now when that is later; none past `end` + `limitMs`.
   * Returns when it runs, or null.
   */
  missing(key: K, end: Date): Date | null {
    if (this.#stopped || !this.enabled) return null;
    const now = this.#clock().getTime();
    const at = Math.max(now + this.#options.spacingMs, end.getTime() + this.delayMs(key));
    if (at > end.getTime() + this.#options.limitMs) {
      this.cancel(key);
      return null;
    }
    this.cancel(key);
    const timer = setTimeout(() => {
      this.#pending.delete(key);
      this.#options.run(key);
    }, at - now);
    const pending = { timer, end: end.getTime(), at: new Date(at) };
    this.#pending.set(key, pending);
    return pending.at;
  }

  /**
   * Records a run of `key` that has the interval ending at `end`: cancels its follow-up and, the first
   * time this interval is seen, returns how long after its end it arrived (ms; learned as a publication
   * delay when within the limit), or null when it was seen before or is the first this process saw (it
   * may have been there long before).
   */
  arrived(key: K, end: Date): number | null {
    this.cancel(key);
    const t = end.getTime();
    const before = this.#seen.get(key);
    if (before === undefined) this.#seen.set(key, t);
    if ((before ?? Infinity) >= t) return null;
    this.#seen.set(key, t);
    const lateMs = Math.max(0, this.#clock().getTime() - t);
    if (lateMs <= this.#options.limitMs) {
      const samples = this.#delays.get(key) ?? [];
      // It may have been there up to one spacing before it was seen: learning the earlier bound keeps the
      // first attempt from creeping later than the publications it waits for.
      samples.push(Math.max(0, lateMs - this.#options.spacingMs));
      if (samples.length > (this.#options.samples ?? 24)) samples.shift();
      this.#delays.set(key, samples);
    }
    return lateMs;
  }

  /** Records that the interval ending at `end` was there before this process looked (no delay learned). */
  seen(key: K, end: Date): void {
    this.#seen.set(key, Math.max(this.#seen.get(key) ?? -Infinity, end.getTime()));
  }

  /** When the follow-up of `key` runs, or null without one. */
  nextAt(key: K): Date | null {
    return this.#pending.get(key)?.at ?? null;
  }

  /** Cancels the follow-up of `key`, if any. */
  cancel(key: K): void {
    const pending = this.#pending.get(key);
    if (pending) clearTimeout(pending.timer);
    this.#pending.delete(key);
  }

  /** Cancels every follow-up; later runs schedule none. */
  stop(): void {
    this.#stopped = true;
    for (const key of [...this.#pending.keys()]) this.cancel(key);
  }
}

/**
 * After a run of `summary.dataset` at `now`: a day-ahead dataset is followed up until tomorrow's results
 * arrive (`day_ahead_follow_ups.ts`); for a real-time dataset without failed windows, learns its newest
 * interval's arrival, then follows up when only the newest due interval is missing (older holes are not a
 * publication delay). Returns how late the newest interval arrived (ms, the first time it is seen) and when
 * the follow-up runs.
 */
export function followUpAfterRun(
  followUps: { readonly realTime: FollowUps<DatasetName>; readonly dayAhead: FollowUps<DatasetName> },
  summary: PollSummary,
  now: Date,
): { lateMs: number | null; at: Date | null } {
  const { dataset } = summary;
  const spec = DATASETS[dataset];
  if (isDayAhead(spec)) return dayAheadFollowUp(followUps.dayAhead, summary, now);
  return realTimeFollowUp(followUps.realTime, summary);
}

function realTimeFollowUp(
  followUps: FollowUps<DatasetName>,
  summary: PollSummary,
): { lateMs: number | null; at: Date | null } {
  const { dataset } = summary;
  const spec = DATASETS[dataset];
  if (isDayGrained(spec) || summary.failures.length > 0) {
    followUps.cancel(dataset);
    return { lateMs: null, at: null };
  }
  const watermark = summary.watermark === null ? null : new Date(summary.watermark);
  const lateMs = watermark === null ? null : followUps.arrived(dataset, watermark);
  const end = summary.range === null ? null : Date.parse(summary.range.end);
  const onlyNewest = watermark !== null && end !== null && watermark.getTime() === end - stepMs(spec);
  const at = onlyNewest ? followUps.missing(dataset, new Date(end)) : null;
  if (!onlyNewest) followUps.cancel(dataset);
  return { lateMs, at };
}
