/**
 * How long delivery digests are kept: the one rule every job that delivers uses (the scheduled poll, the
 * backfill, the price-correction run and the library's `load()`), so that a digest written by one is not
 * cut short by another. A digest must outlive every re-fetch of its interval that should find it: the
 * poll's lookback plus the longest revision horizon, and the price-correction horizon, plus two days.
 *
 * @module
 */
import type { JobsConfig } from "./settings.ts";

const DAY_MS = 86_400_000;

/** Days a digest is kept beyond the longest horizon that re-fetches its interval. */
const MARGIN_MS = 2 * DAY_MS;

/** How long delivery digests are kept under `jobs`, ms. */
export function digestRetentionMs(
  jobs: Pick<JobsConfig, "lookbackMs" | "correctionDays"> & {
    readonly revisionMs: Readonly<Partial<JobsConfig["revisionMs"]>>;
  },
): number {
  const revisionMs = Math.max(0, ...Object.values(jobs.revisionMs).map((ms) => ms ?? 0));
  return Math.max(jobs.lookbackMs + revisionMs, jobs.correctionDays * DAY_MS) + MARGIN_MS;
}
