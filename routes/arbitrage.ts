/**
 * Battery arbitrage over HTTP, from the prices in the hot store:
 *
 * - `GET /api/arbitrage?zone=&date=&market=da|fmm|rt|two-settlement&power_mw=&energy_mwh=&rte=&cycles=
 *   &degradation=` (and the other battery parameters of `battery_params.ts`, `n` for TB-N, `soc` for the
 *   live value): the perfect-foresight value and schedule of one zone and Pacific operating day, the TB1–TB4
 *   spreads, the capture rate of simple strategies and, for today, the live remaining value.
 * - `GET /api/arbitrage/summary?date=&…battery…`: the same figures in brief for every zone (the dashboard
 *   panel reads it for yesterday and today).
 *
 * A bad parameter throws `ParameterError` (400 naming it); a day without prices answers 404 and impossible
 * limits 422, all mapped to JSON by the app's `onError`. Mount with `app.route("/", createArbitrageRoutes(…))`.
 *
 * @module
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import {
  type ArbitrageResult,
  InfeasibleScheduleError,
  optimizeArbitrage,
} from "../src/analytics/arbitrage.ts";
import {
  arbitrageDay,
  captureRates,
  type DayReport,
  type DaySeries,
  NoPricesError,
} from "../src/analytics/arbitrage_day.ts";
import type { Battery } from "../src/analytics/battery.ts";
import { liveValue } from "../src/analytics/live_value.ts";
import { knownCount, type PriceSeries } from "../src/analytics/price_series.ts";
import { seriesSpreads } from "../src/analytics/spreads.ts";
import type { GridBudget } from "../src/analytics/soc_grid.ts";
import { defaultStrategyHours } from "../src/analytics/strategies.ts";
import { hoursInDay, operatingDate, operatingDay } from "../src/oasis/time.ts";
import type { PriceStore } from "../src/store/store.ts";
import {
  batteryOf,
  dateOf,
  loadDay,
  marketOf,
  numberOf,
  type Query,
  rejectUnknown,
  zoneOf,
} from "./arbitrage_query.ts";

/** What the arbitrage routes read. */
export interface ArbitrageDeps {
  readonly store: Pick<PriceStore, "history" | "zones">;
  readonly clock?: () => Date;
}

/** The summary's grid: 650–900 points for a day of 5-minute prices, measured within 0.05 % of the optimum. */
const SUMMARY_GRID: GridBudget = { cells: 300_000, minSteps: 300, maxSteps: 5_000 };

/** Stored energy now (`?soc=`, MWh), default the battery's initial charge; within the usable band. */
function socOf(query: Query, battery: Battery): number {
  return numberOf(query, "soc", battery.socMinMwh, battery.socMaxMwh) ?? battery.initialSocMwh;
}

function batteryBody(b: Battery) {
  return {
    charge_mw: b.chargeMw,
    discharge_mw: b.dischargeMw,
    energy_mwh: b.energyMwh,
    soc_min_mwh: b.socMinMwh,
    soc_max_mwh: b.socMaxMwh,
    rte: b.rte,
    charge_efficiency: b.chargeEfficiency,
    discharge_efficiency: b.dischargeEfficiency,
    standing_loss: b.standingLoss,
    cycles: b.cycles,
    degradation: b.degradation,
    initial_soc_mwh: b.initialSocMwh,
    end: b.end,
  };
}

/** Runs `fn`, turning the analytics' errors into HTTP errors; `where` completes the 404 message. */
function answer<T>(fn: () => T, where: string): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof NoPricesError) {
      throw new HTTPException(404, { message: `${e.message} ${where}`, cause: e });
    }
    if (e instanceof InfeasibleScheduleError) throw new HTTPException(422, { message: e.message, cause: e });
    throw e;
  }
}

/** The Hono sub-app serving `GET /api/arbitrage` and `GET /api/arbitrage/summary`. */
export function createArbitrageRoutes(deps: ArbitrageDeps): Hono {
  const app = new Hono();
  const clock = deps.clock ?? (() => new Date());

  app.get("/api/arbitrage", async (c) => {
    const query = c.req.query();
    rejectUnknown(c.req.queries(), ["zone", "date", "market", "n", "soc"]);
    const now = clock();
    const battery = batteryOf(query);
    const zone = await zoneOf(query, deps.store);
    const date = dateOf(query, now);
    const market = marketOf(query);
    const n = numberOf(query, "n", 1, 12, true);
    const soc = socOf(query, battery);
    const { day, stale } = await loadDay(deps.store, zone, date, market === "fmm");
    const live = date === operatingDate(now) ? { nowMs: now.getTime(), socMwh: soc } : undefined;
    const report: DayReport = answer(
      () => arbitrageDay(day, battery, { market, strategyHours: n, live }),
      `for zone "${zone}" on ${date}`,
    );
    return c.json({
      zone,
      date,
      hours: hoursInDay(date),
      generated_at: now.toISOString(),
      stale,
      battery: batteryBody(battery),
      ...report,
    });
  });

  app.get("/api/arbitrage/summary", async (c) => {
    const query = c.req.query();
    rejectUnknown(c.req.queries(), ["date", "n", "soc"]);
    const now = clock();
    const battery = batteryOf(query);
    const date = dateOf(query, now);
    const n = numberOf(query, "n", 1, 12, true) ?? defaultStrategyHours(battery);
    const live = date === operatingDate(now) ? { nowMs: now.getTime(), socMwh: socOf(query, battery) } : null;
    let stale = false;
    const zones = [];
    for (const zone of (await deps.store.zones()).value) {
      const loaded = await loadDay(deps.store, zone, date, false);
      stale ||= loaded.stale;
      zones.push({ zone, ...zoneSummary(loaded.day, battery, n, live) });
    }
    const { start, end } = operatingDay(date);
    return c.json({
      date,
      hours: hoursInDay(date),
      from: start.toISOString(),
      to: end.toISOString(),
      generated_at: now.toISOString(),
      stale,
      battery: batteryBody(battery),
      strategy_hours: n,
      zones,
    });
  });

  return app;
}

/** Perfect foresight on `series`, or null without prices or without a feasible schedule. */
function perfect(series: PriceSeries, battery: Battery): ArbitrageResult | null {
  if (knownCount(series) === 0) return null;
  try {
    return optimizeArbitrage(series, battery, { grid: SUMMARY_GRID });
  } catch (e) {
    if (e instanceof InfeasibleScheduleError) return null;
    throw e;
  }
}

/** One zone's line of the summary. */
function zoneSummary(
  day: DaySeries,
  battery: Battery,
  n: number,
  live: { nowMs: number; socMwh: number } | null,
) {
  const da = perfect(day.da, battery);
  const rt = perfect(day.rt, battery);
  const brief = (r: ArbitrageResult | null) =>
    r === null ? null : { value_usd: r.value_usd, value_usd_per_mw_day: r.value_usd_per_mw_day };
  const remaining = live && da !== null
    ? liveValue({ da: day.da, rt: day.rt, battery, ...live, options: { grid: SUMMARY_GRID } })
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
