/**
 * The service mostly only reads: any method but GET, HEAD and OPTIONS answers 405 with `Allow`, on every
 * path, so a client learns that the method, not the path, is wrong. The one exception is the alert rules:
 * `POST /api/alerts/rules` creates one and `DELETE /api/alerts/rules/{id}` removes one.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";

/** The methods the service answers on every path. */
export const ALLOWED_METHODS: readonly string[] = ["GET", "HEAD", "OPTIONS"];

/** The writes the service answers, each a method and the paths it is allowed on. */
export const WRITABLE: readonly { readonly method: string; readonly path: RegExp }[] = [
  { method: "POST", path: /^\/api\/alerts\/rules\/?$/ },
  { method: "DELETE", path: /^\/api\/alerts\/rules\/[^/]+$/ },
];

/** The middleware answering 405 JSON to other methods. */
export function readOnlyMethods(): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    if (ALLOWED_METHODS.includes(method)) return await next();
    const writes = WRITABLE.filter((w) => w.path.test(c.req.path));
    if (writes.some((w) => w.method === method)) return await next();
    const allow = [...ALLOWED_METHODS, ...writes.map((w) => w.method)].join(", ");
    c.header("Allow", allow);
    return c.json({ error: `Method not allowed: this path answers ${allow} only` }, 405);
  };
}
