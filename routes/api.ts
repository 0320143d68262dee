/**
 * The REST API (`/api/*`): current prices, history, alerts and battery signals, read from the hot store, and
 * the market-data routes (`market_data.ts`: LMP components, AS and CRR prices).
 * Routes are declared with `@hono/zod-openapi`, so one definition validates the request and documents it
 * in `GET /api/openapi.json` (served by `app.ts` for every mounted sub-app). A parameter that does not
 * validate throws `ParameterError` (400 naming it).
 *
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { currentView } from "../src/live/current_view.ts";
import type { EstimateSettings } from "../src/live/estimate.ts";
import type { FreshMarket } from "../src/live/freshness.ts";
import type { ZoneCatalog } from "../src/live/zone_catalog.ts";
import { operatingDate, operatingDay } from "../src/oasis/time.ts";
import type { PriceStore } from "../src/store/store.ts";
import {
  AlertBody,
  BAD_PARAMETER,
  CurrentBody,
  json,
  MARKET_OF_TYPE,
  SignalBody,
  wholeNumber,
  ZoneParam,
} from "./api_schemas.ts";
import { serveHistory } from "./api_history.ts";
import { ParameterError } from "./errors.ts";
import { zoneChecker } from "./known_zone.ts";
import { createMarketDataApp } from "./market_data.ts";
import { type ApiApp, createOpenApiApp } from "./openapi_app.ts";

/** What the API reads. */
export interface ApiDeps {
  readonly store: PriceStore;
  readonly zones: ZoneCatalog;
  readonly staleAfterMs: number;
  /** How a missing newest RT price is estimated. */
  readonly estimates: EstimateSettings;
  /** Markets whose freshness is judged (default all). */
  readonly markets?: readonly FreshMarket[];
  readonly now: () => Date;
}

/** Recent alerts the feed filters and orders. */
const ALERT_FEED_WINDOW = 1000;

/** Alerts newest interval first; for one interval, the later stream entry first. */
export function timeOrdered<T extends { readonly timestamp: string }>(alerts: readonly T[]): T[] {
  return alerts.map((a, i) => ({ a, i })).sort((x, y) =>
    x.a.timestamp < y.a.timestamp ? 1 : x.a.timestamp > y.a.timestamp ? -1 : x.i - y.i
  ).map(({ a }) => a);
}

const currentRoute = createRoute({
  method: "get",
  path: "/api/current",
  summary:
    "Current RT, FMM and DA prices, spread, age and staleness of every zone, or of one, with a labelled estimate when the newest RT price is missing",
  request: { query: z.object({ zone: ZoneParam.optional() }) },
  responses: {
    200: json(
      z.object({ generated_at: z.string(), stale_after_s: z.number(), zones: z.array(CurrentBody) }),
      "Current prices",
    ),
    400: BAD_PARAMETER,
  },
});

const alertsRoute = createRoute({
  method: "get",
  path: "/api/alerts",
  summary: "Recent price alerts of every zone in time order (newest interval first), optionally filtered",
  request: {
    query: z.object({
      limit: wholeNumber(1, 1000).default(50).openapi({
        param: { name: "limit", in: "query" },
        example: 50,
      }),
      zone: ZoneParam.optional(),
      market: z.enum(["rt", "fmm"]).optional().openapi({
        param: { name: "market", in: "query" },
        description: "Only alerts on rt (5-minute) or fmm (15-minute) prices",
      }),
      kind: z.enum(["high", "negative", "spread"]).optional().openapi({
        param: { name: "kind", in: "query" },
        description: "Only alerts of this kind",
      }),
    }),
  },
  responses: {
    200: json(z.object({ stale: z.boolean(), alerts: z.array(AlertBody) }), "Alerts"),
    400: BAD_PARAMETER,
  },
});

const signalsRoute = createRoute({
  method: "get",
  path: "/api/signals",
  summary: "Battery charge/discharge/hold signals of one zone for a Pacific operating day",
  request: {
    query: z.object({
      zone: ZoneParam,
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "is not YYYY-MM-DD").optional().openapi({
        param: { name: "date", in: "query" },
        example: "2026-07-01",
        description: "Pacific operating date; default today",
      }),
      type: z.enum(["rt", "da"]).default("rt").openapi({
        param: { name: "type", in: "query" },
        description: "rt: signals per real-time interval; da: the day's hourly plan",
      }),
    }),
  },
  responses: {
    200: json(
      z.object({
        zone: z.string(),
        date: z.string(),
        type: z.string(),
        stale: z.boolean(),
        signals: z.array(SignalBody),
      }),
      "Signals",
    ),
    400: BAD_PARAMETER,
  },
});

/** The `/api/*` sub-app of current prices, history, alerts and signals. */
export function createApiApp(deps: ApiDeps): ApiApp {
  const api = createOpenApiApp();
  const knownZone = zoneChecker(deps.zones);
  serveCurrent(api, deps, knownZone);
  serveHistory(api, { store: deps.store, now: deps.now, knownZone });
  serveAlerts(api, deps, knownZone);
  serveSignals(api, deps, knownZone);
  // LMP components, ancillary-service and CRR clearing prices (routes/market_data.ts).
  api.route("/", createMarketDataApp(deps));
  return api;
}

type KnownZone = (given: string) => Promise<string>;

function serveCurrent(api: ApiApp, deps: ApiDeps, knownZone: KnownZone): void {
  api.openapi(currentRoute, async (c) => {
    const { zone } = c.req.valid("query");
    const zones = zone === undefined ? await deps.zones.list() : [await knownZone(zone)];
    const now = deps.now();
    const views = await Promise.all(zones.map((z) => currentView(deps.store, z, now, deps)));
    return c.json(
      { generated_at: now.toISOString(), stale_after_s: deps.staleAfterMs / 1000, zones: views },
      200,
    );
  });
}

function serveAlerts(api: ApiApp, deps: ApiDeps, knownZone: KnownZone): void {
  api.openapi(alertsRoute, async (c) => {
    const { limit, market, kind } = c.req.valid("query");
    const given = c.req.valid("query").zone;
    const zone = given === undefined ? undefined : await knownZone(given);
    // The stream is in the order polls were ingested: read its whole recent window, filter, order by time.
    const read = await deps.store.alerts(ALERT_FEED_WINDOW);
    const alerts = read.value.filter((a) =>
      deps.zones.offers(a.zone) && // not a backfilled node's
      (zone === undefined || a.zone === zone) &&
      (market === undefined || a.market === MARKET_OF_TYPE[market]) &&
      (kind === undefined || a.kind === kind)
    );
    return c.json({ stale: read.stale, alerts: timeOrdered(alerts).slice(0, limit) }, 200);
  });
}

function serveSignals(api: ApiApp, deps: ApiDeps, knownZone: KnownZone): void {
  api.openapi(signalsRoute, async (c) => {
    const { date, type } = c.req.valid("query");
    const zone = await knownZone(c.req.valid("query").zone);
    const day = date ?? operatingDate(deps.now());
    try {
      operatingDay(day);
    } catch (error) {
      throw new ParameterError("date", (error as Error).message);
    }
    const read = await deps.store.signals(zone, { date: day, market: MARKET_OF_TYPE[type] });
    return c.json({ zone, date: day, type, stale: read.stale, signals: read.value }, 200);
  });
}
