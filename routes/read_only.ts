/**
 * The service only reads: any method but GET, HEAD and OPTIONS answers 405 with `Allow`, on every path, so
 * a client learns that the method, not the path, is wrong.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";

/** The methods the service answers. */
export const ALLOWED_METHODS: readonly string[] = ["GET", "HEAD", "OPTIONS"];

/** The middleware answering 405 JSON to other methods. */
export function readOnlyMethods(): MiddlewareHandler {
  const allow = ALLOWED_METHODS.join(", ");
  return async (c, next) => {
    if (ALLOWED_METHODS.includes(c.req.method)) return await next();
    c.header("Allow", allow);
    return c.json({ error: `Method not allowed: this service answers ${allow} only` }, 405);
  };
}
