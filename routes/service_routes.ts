/**
 * The `/api` sub-apps the service mounts beside the REST API (gaps and battery arbitrage), built in one
 * place so that `main.ts` and the tests (OpenAPI coverage, fuzzing) mount exactly the same routes.
 *
 * @module
 */
import { configuredZones, withConfiguredZones } from "../src/live/zone_catalog.ts";
import type { Analytics } from "../src/analytics/analytics_jobs.ts";
import type { SummarizerOptions } from "../src/analytics/arbitrage_summary.ts";
import { createArbitrageRoutes } from "./arbitrage.ts";
import { createGapsRoutes, type GapsDeps } from "./gaps.ts";
import type { ApiApp } from "./openapi_app.ts";

/** What the service's extra routes read. */
export interface ServiceRoutesDeps extends Omit<GapsDeps, "now"> {
  /** Clock (default `new Date()`). */
  readonly clock?: () => Date;
  /** The arbitrage summary's cache options. */
  readonly summary?: SummarizerOptions;
  /** What computes the arbitrage figures (the service: an `AnalyticsPool`, never this thread). */
  readonly analytics: Analytics;
}

/** The gaps and arbitrage sub-apps, as the service mounts them (`AppDeps.extraRoutes`). */
export function createServiceRoutes(deps: ServiceRoutesDeps): ApiApp[] {
  // Zones of nodes outside the configured list (rows of a one-off backfill) are never offered.
  const store = withConfiguredZones(deps.store, configuredZones(deps.nodes));
  return [
    createArbitrageRoutes({
      store,
      clock: deps.clock,
      summary: deps.summary,
      analytics: deps.analytics,
    }),
    createGapsRoutes({
      store,
      nodes: deps.nodes,
      datasets: deps.datasets,
      retentionDays: deps.retentionDays,
      coordination: deps.coordination,
      now: deps.clock,
    }),
  ];
}
