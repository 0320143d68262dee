/**
 * Everything the arbitrage API answers for one zone and operating day, from the day's three price series:
 * the perfect-foresight result on the chosen market (or the two-settlement value), the TB-N spreads of the
 * day-ahead and real-time prices, the capture rate of the simple strategies and, for today, the live
 * remaining value. Pure: the caller reads the prices.
 *
 * @module
 */
import type { Battery } from "./battery.ts";
import { type ArbitrageOptions, type ArbitrageResult, optimizeArbitrage } from "./arbitrage.ts";
import { type LiveValue, liveValue } from "./live_value.ts";
import { knownCount, type PriceSeries } from "./price_series.ts";
import { seriesSpreads, type TbSpread } from "./spreads.ts";
import {
  capture,
  defaultStrategyHours,
  followWish,
  hourMap,
  scheduleByHour,
  simulateStrategy,
  type StrategyResult,
  tbWish,
} from "./strategies.ts";
import { twoSettlement, type TwoSettlementResult } from "./two_settlement.ts";

/** The markets a perfect-foresight value is computed on. */
export type ArbitrageMarket = "da" | "fmm" | "rt" | "two-settlement";

/** One operating day's prices: day-ahead hourly, FMM 15-minute and real-time 5-minute, over the whole day. */
export interface DaySeries {
  readonly da: PriceSeries;
  readonly fmm: PriceSeries;
  readonly rt: PriceSeries;
}

/** What to compute. */
export interface DayOptions {
  readonly market: ArbitrageMarket;
  /** N of the TB-N strategy; default the battery's duration in whole hours. */
  readonly strategyHours?: number;
  /** For today: now and the stored energy now, for the live remaining value. */
  readonly live?: { readonly nowMs: number; readonly socMwh: number };
  readonly arbitrage?: ArbitrageOptions;
}

/** The day's answer. */
export interface DayReport extends ArbitrageResult {
  readonly market: ArbitrageMarket;
  /** Intervals with a price, and how many the day has, in the market valued. */
  readonly intervals: { readonly known: number; readonly expected: number };
  readonly spreads: { readonly da: TbSpread[]; readonly rt: TbSpread[] };
  /** Simple strategies against perfect foresight (`tbN_da` at DA, `tbN_rt` and `follow_da` at RT). */
  readonly capture: StrategyResult[];
  readonly two_settlement?: Omit<TwoSettlementResult, "physical">;
  readonly live?: LiveValue;
}

/** The market has no price at all that day. */
export class NoPricesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NoPricesError";
  }
}

/** The day's report for `battery`. */
export async function arbitrageDay(
  day: DaySeries,
  battery: Battery,
  options: DayOptions,
): Promise<DayReport> {
  const valued = options.market === "fmm" ? day.fmm : options.market === "da" ? day.da : day.rt;
  const needed = options.market === "two-settlement" ? day.da : valued;
  if (knownCount(needed) === 0) {
    throw new NoPricesError(
      `No ${options.market === "two-settlement" ? "DA" : options.market.toUpperCase()} prices`,
    );
  }
  const opts = options.arbitrage ?? {};
  const daPlan = knownCount(day.da) > 0 ? await optimizeArbitrage(day.da, battery, opts) : null;
  const rtPlan = knownCount(day.rt) > 0 ? await optimizeArbitrage(day.rt, battery, opts) : null;
  let result: ArbitrageResult;
  let two: TwoSettlementResult | undefined;
  if (options.market === "two-settlement") {
    two = await twoSettlement(day.da, day.rt, battery, daPlan!, opts);
    result = {
      ...two.physical,
      value_usd: two.value_usd,
      value_usd_per_mw_day: two.value_usd / battery.dischargeMw,
    };
  } else {
    result = options.market === "da"
      ? daPlan!
      : options.market === "rt"
      ? rtPlan!
      : await optimizeArbitrage(day.fmm, battery, opts);
  }
  const report: DayReport = {
    market: options.market,
    intervals: { known: knownCount(valued), expected: valued.prices.length },
    ...result,
    spreads: { da: seriesSpreads(day.da, battery.rte), rt: seriesSpreads(day.rt, battery.rte) },
    capture: captureRates(
      day,
      battery,
      options.strategyHours ?? defaultStrategyHours(battery),
      daPlan,
      rtPlan,
    ),
  };
  return {
    ...report,
    ...(two ? { two_settlement: withoutPhysical(two) } : {}),
    ...(options.live
      ? { live: await liveValue({ da: day.da, rt: day.rt, battery, ...options.live, options: opts }) }
      : {}),
  };
}

/** Capture rates of TB-N (at DA and in RT) and of following the DA schedule in RT. */
export function captureRates(
  day: DaySeries,
  battery: Battery,
  n: number,
  daPlan: ArbitrageResult | null,
  rtPlan: ArbitrageResult | null,
): StrategyResult[] {
  if (daPlan === null) return [];
  const daHours = hourMap(day.da);
  const out = [
    capture(
      `tb${n}_da`,
      simulateStrategy(day.da, battery, tbWish(day.da, battery, daHours, n)),
      daPlan.value_usd,
    ),
  ];
  if (rtPlan !== null) {
    out.push(
      capture(
        `tb${n}_rt`,
        simulateStrategy(day.rt, battery, tbWish(day.rt, battery, daHours, n)),
        rtPlan.value_usd,
      ),
      capture(
        "follow_da",
        simulateStrategy(day.rt, battery, followWish(day.rt, scheduleByHour(daPlan))),
        rtPlan.value_usd,
      ),
    );
  }
  return out;
}

function withoutPhysical(two: TwoSettlementResult): Omit<TwoSettlementResult, "physical"> {
  const { physical: _physical, ...rest } = two;
  return rest;
}
