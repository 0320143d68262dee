/**
 * One access-log line per request: method, route pattern, status and duration. Only closed sets are logged
 * (the matched route pattern, never the path or the query string, so no `?token=`; no header, so no
 * `Authorization`), so a client can neither flood the log with new values nor leak a secret into it.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { routePath } from "hono/route";

/** One request, as logged. */
export interface AccessEntry {
  /** A standard method, or `OTHER`. */
  readonly method: string;
  /** The matched route pattern (`/api/history/:hours`), or `unmatched`. */
  readonly route: string;
  readonly status: number;
  /** Milliseconds until the response head was ready (streamed bodies may go on). */
  readonly ms: number;
}

/** Where access entries go (the composition root's structured log). */
export type AccessLog = (entry: AccessEntry) => void;

const METHODS = new Set(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "TRACE"]);

/** The route pattern that answered `c`, or `unmatched` (404s, and middleware on `/api/*` answering alone). */
export function routeOf(c: Context): string {
  if (c.res.status === 404) return "unmatched";
  const route = routePath(c, -1);
  return route === "" || route.endsWith("*") ? "unmatched" : route;
}

/** The middleware writing one entry per request to `log`. */
export function accessLog(log: AccessLog): MiddlewareHandler {
  return async (c, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      const method = METHODS.has(c.req.method) ? c.req.method : "OTHER";
      const ms = Math.round((performance.now() - start) * 10) / 10;
      log({ method, route: routeOf(c), status: c.res.status, ms });
    }
  };
}
