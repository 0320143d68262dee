/**
 * `GET /metrics`: the service's Prometheus registry in the text format, and a middleware that counts every
 * HTTP response by method, route pattern and status.
 *
 * @module
 */
import { Hono, type MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { Metrics } from "../src/metrics/metrics.ts";

/** The `/metrics` sub-app. */
export function createMetricsApp(metrics: Metrics): Hono {
  const app = new Hono();
  app.get("/metrics", async (c) => {
    const text = await metrics.text();
    return c.body(text, 200, { "Content-Type": metrics.contentType, "Cache-Control": "no-store" });
  });
  return app;
}

/** Counts each response in `http_requests_total` (route patterns, so unknown paths add no series). */
export function countRequests(metrics: Metrics): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const route = c.res.status === 404 ? "unmatched" : routePath(c, -1) || "unmatched";
    metrics.httpRequest(c.req.method, route, c.res.status);
  };
}
