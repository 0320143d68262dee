/**
 * The whole HTTP surface as one Hono app: an access log, security headers, 405 for methods other than GET,
 * HEAD and OPTIONS (but the alert rule writes), request metrics, CORS and the bearer token on `/api/*`, the API,
 * `/ws`, `/health`, `/metrics` and the dashboard, with ONE `onError` that turns every thrown error into a
 * JSON body without a stack (4xx for bad input, 500 only for a fault of the server). The root is an
 * `OpenAPIHono`, so mounting an API sub-app built with `createOpenApiApp()` adds its routes to
 * `GET /api/openapi.json`.
 *
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Hono } from "hono";
import type { BlankEnv } from "hono/types";
import type { FanOut } from "../src/live/fan_out.ts";
import type { FreshMarket } from "../src/live/freshness.ts";
import type { HealthReport } from "../src/live/health_report.ts";
import type { LiveConfig } from "../src/live/settings.ts";
import type { ZoneCatalog } from "../src/live/zone_catalog.ts";
import type { Metrics } from "../src/metrics/metrics.ts";
import type { PriceStore } from "../src/store/store.ts";
import { type AccessLog, accessLog } from "./access_log.ts";
import { createAlertRulesRoutes } from "./alert_rules.ts";
import { createApiApp } from "./api.ts";
import { apiAuth, apiCors } from "./auth.ts";
import { type ErrorLog, jsonErrorHandler, jsonNotFound } from "./errors.ts";
import { createHealthApp } from "./health.ts";
import { serveOpenApiDocument } from "./openapi_app.ts";
import { countRequests, createMetricsApp } from "./metrics.ts";
import { readOnlyMethods } from "./read_only.ts";
import { securityHeaders } from "./security_headers.ts";
import { createStaticApp, STATIC_DIR } from "./static.ts";
import { createWsApp } from "./ws.ts";

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
  /**
   * More sub-apps, mounted at `/` behind the same CORS and token rules (e.g. `/api/gaps`); an `/api/*` one
   * built with `createOpenApiApp()` is documented in `/api/openapi.json`.
   */
  readonly extraRoutes?: readonly Hono[];
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
  for (const routes of deps.extraRoutes ?? []) app.route("/", routes);
  serveOpenApiDocument(app, { bearer: deps.live.apiToken !== null });
  app.route("/", createWsApp(deps));
  app.route("/", createHealthApp({ ...deps, maxClients: deps.live.ws.maxConnections }));
  app.route("/", createMetricsApp(deps.metrics));
  app.route("/", createStaticApp(deps.staticDir ?? STATIC_DIR));
  return app;
}
