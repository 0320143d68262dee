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
 * Both are `createRoute` definitions (documented in `/api/openapi.json`). A bad parameter throws
 * `ParameterError` (400 naming it; `date` must lie within what OASIS keeps, about 39 months back to
 * tomorrow); a day without prices answers 404 and impossible limits 422, all mapped to JSON by the app's
 * `onError`. The summary is cached per date, battery and prices (`arbitrage_summary.ts`). Both compute
 * through `deps.analytics` (the service's `AnalyticsPool`: a worker with a deadline, past which they answer
 * 503). Mount with `app.route("/", createArbitrageRoutes(…))`.
 *
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { InfeasibleScheduleError } from "../src/analytics/arbitrage.ts";
import { NoPricesError } from "../src/analytics/arbitrage_day.ts";
import type { Battery } from "../src/analytics/battery.ts";
import { defaultStrategyHours } from "../src/analytics/strategies.ts";
import { hoursInDay, operatingDate, operatingDay } from "../src/oasis/time.ts";
import type { PriceStore } from "../src/store/store.ts";
import { type Analytics, inProcessAnalytics } from "../src/analytics/analytics_jobs.ts";
import { AnalyticsUnavailableError } from "../src/analytics/analytics_pool.ts";
import { json } from "./api_schemas.ts";
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
import {
  ARBITRAGE_ERRORS,
  ArbitrageBody,
  ArbitrageQuery,
  SummaryBody,
  SummaryQuery,
} from "./arbitrage_schemas.ts";
import { createSummarizer, type SummarizerOptions } from "../src/analytics/arbitrage_summary.ts";
import { type ApiApp, createOpenApiApp } from "./openapi_app.ts";

/** What the arbitrage routes read. */
export interface ArbitrageDeps {
  readonly store: Pick<PriceStore, "history" | "zones">;
  readonly clock?: () => Date;
  /** The summary's cache (size, and a hook called on each computation). */
  readonly summary?: SummarizerOptions;
  /** What computes the figures: the service passes an `AnalyticsPool`; default this thread (tests only). */
  readonly analytics?: Analytics;
}

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

/** Awaits `work`, turning the analytics' errors into HTTP errors; `where` completes the 404 message. */
async function answer<T>(work: Promise<T>, where = ""): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof AnalyticsUnavailableError) {
      throw new HTTPException(503, { message: e.message, cause: e });
    }
    if (e instanceof NoPricesError) {
      throw new HTTPException(404, { message: `${e.message} ${where}`, cause: e });
    }
    if (e instanceof InfeasibleScheduleError) throw new HTTPException(422, { message: e.message, cause: e });
    throw e;
  }
}

const arbitrageRoute = createRoute({
  method: "get",
  path: "/api/arbitrage",
  summary:
    "Perfect-foresight value and schedule of a battery for one zone and Pacific operating day, TB1-TB4 spreads, capture rates of simple strategies and, for today, the live remaining value",
  description: "Any other query parameter, or one given twice, answers 400.",
  request: { query: ArbitrageQuery },
  responses: { 200: json(ArbitrageBody, "The day's value"), ...ARBITRAGE_ERRORS },
});

const summaryRoute = createRoute({
  method: "get",
  path: "/api/arbitrage/summary",
  summary: "The day's arbitrage figures in brief for every zone (cached until a price of the day changes)",
  description: "Any other query parameter, or one given twice, answers 400.",
  request: { query: SummaryQuery },
  responses: {
    200: json(SummaryBody, "Every zone's figures"),
    400: ARBITRAGE_ERRORS[400],
    503: ARBITRAGE_ERRORS[503],
  },
});

/** The sub-app serving `GET /api/arbitrage` and `GET /api/arbitrage/summary`. */
export function createArbitrageRoutes(deps: ArbitrageDeps): ApiApp {
  const app = createOpenApiApp();
  const clock = deps.clock ?? (() => new Date());
  const analytics = deps.analytics ?? inProcessAnalytics;
  const summarize = createSummarizer(analytics, deps.summary);

  app.openapi(arbitrageRoute, async (c) => {
    const query = c.req.valid("query");
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
    const report = await answer(
      analytics.day({ day, battery, options: { market, strategyHours: n, live } }),
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
    }, 200);
  });

  app.openapi(summaryRoute, async (c) => {
    const query = c.req.valid("query");
    rejectUnknown(c.req.queries(), ["date", "n", "soc"]);
    const now = clock();
    const battery = batteryOf(query);
    const date = dateOf(query, now);
    const n = numberOf(query, "n", 1, 12, true) ?? defaultStrategyHours(battery);
    const live = date === operatingDate(now) ? { nowMs: now.getTime(), socMwh: socOf(query, battery) } : null;
    const loaded = await Promise.all(
      (await deps.store.zones()).value.map(async (zone) => ({
        zone,
        ...await loadDay(deps.store, zone, date, false),
      })),
    );
    const zones = await answer(summarize({ date, days: loaded, battery, strategyHours: n, live }));
    const { start, end } = operatingDay(date);
    return c.json({
      date,
      hours: hoursInDay(date),
      from: start.toISOString(),
      to: end.toISOString(),
      generated_at: now.toISOString(),
      stale: loaded.some((l) => l.stale),
      battery: batteryBody(battery),
      strategy_hours: n,
      zones,
    }, 200);
  });

  return app;
}
