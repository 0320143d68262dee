/**
 * The arbitrage computations the routes ask for, as plain data that crosses to a worker (`AnalyticsJob`),
 * and `Analytics`, what computes them: `AnalyticsPool` in a worker with a deadline (the service), or
 * `inProcessAnalytics` on the calling thread (tests and tools that serve no one else).
 *
 * @module
 */
import { arbitrageDay, type DayOptions, type DayReport, type DaySeries } from "./arbitrage_day.ts";
import type { Battery } from "./battery.ts";
import { type LiveInput, type ZoneFigures, zoneSummary } from "./arbitrage_summary.ts";

/** `GET /api/arbitrage`'s report of one zone and day. */
export interface DayJob {
  readonly day: DaySeries;
  readonly battery: Battery;
  readonly options: DayOptions;
}

/** One zone's line of `GET /api/arbitrage/summary`. */
export interface ZoneJob {
  readonly day: DaySeries;
  readonly battery: Battery;
  readonly strategyHours: number;
  readonly live: LiveInput | null;
}

/** A computation, tagged for the worker. */
export type AnalyticsJob = ({ readonly kind: "day" } & DayJob) | ({ readonly kind: "zone" } & ZoneJob);

/** What computes the routes' figures. */
export interface Analytics {
  day(job: DayJob): Promise<DayReport>;
  zone(job: ZoneJob): Promise<ZoneFigures>;
}

/** Runs `job` on this thread (the worker's body). */
export function runJob(job: AnalyticsJob): Promise<DayReport | ZoneFigures> {
  return job.kind === "day"
    ? arbitrageDay(job.day, job.battery, job.options)
    : zoneSummary(job.day, job.battery, job.strategyHours, job.live);
}

/** Computes on the calling thread, with no deadline: for tests and one-shot tools, never for the service. */
export const inProcessAnalytics: Analytics = {
  day: (job) => arbitrageDay(job.day, job.battery, job.options),
  zone: (job) => zoneSummary(job.day, job.battery, job.strategyHours, job.live),
};
