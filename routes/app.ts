/**
 * The whole HTTP surface as one Hono app: an access log, security headers, 405 for methods other than GET,
 * HEAD and OPTIONS (but the alert rule writes), request metrics, CORS and the bearer token on `/api/*`, the API,
 * `/ws`, `/health`, `/metrics` and the dashboard, with ONE `onError` that turns every thrown error into a
 * JSON body without a stack (4xx for bad input, 500 only for a fault of the server). The root is an
 * `OpenAPIHono`, so mounting an API sub-app built with `createOpenApiApp()` adds its routes to
 * `GET /api/openapi.json`. Every sub-app is mounted here, the service's gaps and battery arbitrage routes
 * included (`AppDeps.service`).
 *
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Hono } from "hono";
import type { BlankEnv } from "hono/types";
import type { FanOut } from "../src/live/fan_out.ts";
import { configuredZones, withConfiguredZones } from "../src/live/zone_catalog.ts";
import type { FreshMarket } from "../src/live/freshness.ts";
import type { HealthReport } from "../src/live/health_report.ts";
import type { LiveConfig } from "../src/live/settings.ts";
import type { ZoneCatalog } from "../src/live/zone_catalog.ts";
import type { Metrics } from "../src/metrics/metrics.ts";
import type { PriceStore } from "../src/store/store.ts";
import { type AccessLog, accessLog } from "./access_log.ts";
import { createAlertRulesRoutes } from "./alert_rules.ts";
import type { Analytics } from "../src/analytics/analytics_jobs.ts";
import { createApiApp } from "./api.ts";
import { createArbitrageRoutes } from "./arbitrage.ts";
import type { SummarizerOptions } from "../src/analytics/arbitrage_summary.ts";
import { apiAuth, apiCors } from "./auth.ts";
import { type ErrorLog, jsonErrorHandler, jsonNotFound } from "./errors.ts";
import { createGapsRoutes, type GapsDeps } from "./gaps.ts";
import { createHealthApp } from "./health.ts";
import { serveOpenApiDocument } from "./openapi_app.ts";
import { countRequests, createMetricsApp } from "./metrics.ts";
import { readOnlyMethods } from "./read_only.ts";
import { securityHeaders } from "./security_headers.ts";
import { createStaticApp, STATIC_DIR } from "./static.ts";
import { createWsApp } from "./ws.ts";

/** What the gaps and arbitrage sub-apps read besides the store and the clock. */
export interface ServiceRoutesDeps extends Omit<GapsDeps, "store" | "now"> {
  /** The arbitrage summary's cache options. */
  readonly summary?: SummarizerOptions;
  /** What computes the arbitrage figures (the service: an `AnalyticsPool`, never this thread). */
  readonly analytics?: Analytics;
}

/** Everything the routes read. */
export interface AppDeps {
  readonly store: PriceStore;
  readonly zones: ZoneCatalog;
  readonly fanOut: FanOut;
  readonly metrics: Metrics;
  readonly live: LiveConfig;
  readonly health: () => HealthReport | Promise<HealthReport>;
  /** Markets whose freshness `/api/current` judges (default all). */
  readonly markets?: readonly FreshMarket[];
  readonly now: () => Date;
  readonly startedAt: Date;
  /** Receives server faults (never client errors). */
  readonly log?: ErrorLog;
  /** Receives one entry per request. */
  readonly accessLog?: AccessLog;
  /** Dashboard files (default `static/`). */
  readonly staticDir?: URL;
  /** The gaps and arbitrage routes' inputs; without them those routes are not mounted (tests of other parts). */
  readonly service?: ServiceRoutesDeps;
}

/** Builds the app; it serves nothing until passed to `Deno.serve` (or called with `app.request()`). */
export function createApp(deps: AppDeps): Hono {
  const app = new OpenAPIHono<BlankEnv>();
  app.onError(jsonErrorHandler(deps.log));
  app.notFound(jsonNotFound);
  if (deps.accessLog) app.use("*", accessLog(deps.accessLog));
  app.use("*", securityHeaders());
  app.use("*", countRequests(deps.metrics));
  app.use("*", readOnlyMethods());
  const cors = apiCors(deps.live.corsOrigins);
  if (cors !== null) app.use("/api/*", cors);
  if (deps.live.apiToken !== null) app.use("/api/*", apiAuth(deps.live.apiToken));
  app.route(
    "/",
    createApiApp({ ...deps, staleAfterMs: deps.live.staleAfterMs, estimates: deps.live.estimates }),
  );
  app.route("/", createAlertRulesRoutes({ ...deps, ...deps.live }));
  if (deps.service) mountServiceRoutes(app, deps, deps.service);
  serveOpenApiDocument(app, { bearer: deps.live.apiToken !== null });
  app.route("/", createWsApp(deps));
  app.route("/", createHealthApp({ ...deps, maxClients: deps.live.ws.maxConnections }));
  app.route("/", createMetricsApp(deps.metrics));
  app.route("/", createStaticApp(deps.staticDir ?? STATIC_DIR));
  return app;
}

/** The gaps and battery arbitrage sub-apps, behind the same CORS and token rules as the API. */
function mountServiceRoutes(app: OpenAPIHono<BlankEnv>, deps: AppDeps, service: ServiceRoutesDeps): void {
  // Zones of nodes outside the configured list (rows of a one-off backfill) are never offered.
  const store = withConfiguredZones(deps.store, configuredZones(service.nodes));
  const { summary, analytics } = service;
  app.route("/", createArbitrageRoutes({ store, clock: deps.now, summary, analytics }));
  app.route("/", createGapsRoutes({ ...service, store, now: deps.now }));
}
