/**
 * The figures of `GET /api/arbitrage/summary`: per zone, the day-ahead and real-time perfect-foresight
 * values, TB4, capture rates and, for today, the live remaining value. Computing them takes a few HiGHS
 * solves per zone (tenths of a second for a day of 5-minute prices), and every dashboard asks for today and
 * yesterday on load and every few minutes, so the figures are cached: keyed by date, zones, battery,
 * strategy hours and (for today) the next interval and the stored energy, and fingerprinted by the prices
 * they were computed from, so a new or revised price recomputes them and nothing else does. Identical
 * requests in flight share one computation.
 *
 * @module
 */
import { type ArbitrageResult, InfeasibleScheduleError, optimizeArbitrage } from "./arbitrage.ts";
import { captureRates, type DaySeries } from "./arbitrage_day.ts";
import type { Battery } from "./battery.ts";
import { liveValue } from "./live_value.ts";
import { knownCount, type PriceSeries } from "./price_series.ts";
import { seriesSpreads } from "./spreads.ts";
import type { Analytics } from "./analytics_jobs.ts";
import { SummaryCache } from "./summary_cache.ts";

const FIVE_MIN = 300_000;

/** Today's live inputs: now and the stored energy now. */
export interface LiveInput {
  readonly nowMs: number;
  readonly socMwh: number;
}

/** What one summary is computed from. */
export interface SummaryInput {
  readonly date: string;
  /** Each zone's day of prices (FMM unused). */
  readonly days: ReadonlyArray<{ readonly zone: string; readonly day: DaySeries }>;
  readonly battery: Battery;
  readonly strategyHours: number;
  /** For today; null otherwise. */
  readonly live: LiveInput | null;
}

/** One zone's figures in the summary. */
export type ZoneFigures = Awaited<ReturnType<typeof zoneSummary>>;

/** One zone's line of the summary. */
export type ZoneSummary = { zone: string } & ZoneFigures;

/** Options of `createSummarizer`. */
export interface SummarizerOptions {
  /** Summaries kept (default 32; a dashboard asks for 2 per battery). */
  readonly maxEntries?: number;
  /** Called each time the figures are computed rather than shared (tests count the computations). */
  readonly onCompute?: (date: string) => void;
  /** Computes the figures; default each zone by `analytics` (the service's worker). */
  readonly compute?: (input: SummaryInput) => ZoneSummary[] | Promise<ZoneSummary[]>;
}

/** A cached, coalescing `summarize` whose zones are computed by `analytics` (unless `options.compute`). */
export function createSummarizer(
  analytics: Pick<Analytics, "zone">,
  options: SummarizerOptions = {},
): (input: SummaryInput) => Promise<ZoneSummary[]> {
  const compute = options.compute ?? summarizeWith(analytics);
  const cache = new SummaryCache<ZoneSummary[]>(options.maxEntries);
  return (input) => {
    const key = JSON.stringify({
      date: input.date,
      zones: input.days.map((d) => d.zone),
      battery: input.battery,
      n: input.strategyHours,
      // The live value depends on now only through the next 5-minute interval.
      live: input.live && {
        from: Math.ceil(input.live.nowMs / FIVE_MIN) * FIVE_MIN,
        soc: input.live.socMwh,
      },
    });
    const fingerprint = JSON.stringify(input.days.map(({ day }) => [day.da, day.rt]));
    return cache.get(key, fingerprint, () => {
      options.onCompute?.(input.date);
      return compute(input);
    });
  };
}

/** The summary's figures of every zone (uncached), each zone computed by `analytics`. */
export function summarizeWith(
  analytics: Pick<Analytics, "zone">,
): (input: SummaryInput) => Promise<ZoneSummary[]> {
  return (input) =>
    Promise.all(input.days.map(async ({ zone, day }) => {
      const { battery, strategyHours, live } = input;
      return { zone, ...await analytics.zone({ day, battery, strategyHours, live }) };
    }));
}

/** The summary's figures of every zone (uncached), on this thread. */
export function summarize(input: SummaryInput): Promise<ZoneSummary[]> {
  return Promise.all(input.days.map(async ({ zone, day }) => ({
    zone,
    ...await zoneSummary(day, input.battery, input.strategyHours, input.live),
  })));
}

/** Perfect foresight on `series`, or null without prices or without a feasible schedule. */
async function perfect(series: PriceSeries, battery: Battery): Promise<ArbitrageResult | null> {
  if (knownCount(series) === 0) return null;
  try {
    return await optimizeArbitrage(series, battery);
  } catch (e) {
    if (e instanceof InfeasibleScheduleError) return null;
    throw e;
  }
}

/** One zone's figures (uncached). */
export async function zoneSummary(day: DaySeries, battery: Battery, n: number, live: LiveInput | null) {
  const da = await perfect(day.da, battery);
  const rt = await perfect(day.rt, battery);
  const brief = (r: ArbitrageResult | null) =>
    r === null ? null : { value_usd: r.value_usd, value_usd_per_mw_day: r.value_usd_per_mw_day };
  const remaining = live && da !== null
    ? await liveValue({ da: day.da, rt: day.rt, battery, ...live })
    : null;
  return {
    da: brief(da),
    rt: brief(rt),
    rt_intervals: { known: knownCount(day.rt), expected: day.rt.prices.length },
    tb4: {
      da: seriesSpreads(day.da, battery.rte)[3] ?? null,
      rt: seriesSpreads(day.rt, battery.rte)[3] ?? null,
    },
    capture: captureRates(day, battery, n, da, rt),
    live: remaining === null ? null : {
      from: remaining.from,
      soc_mwh: remaining.soc_mwh,
      remaining_value_usd: remaining.remaining_value_usd,
      day_value_usd: remaining.day_value_usd,
      ...(remaining.note ? { note: remaining.note } : {}),
    },
  };
}
