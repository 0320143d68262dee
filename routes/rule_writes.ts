/**
 * Who may change the alert rules. With `API_TOKEN` set, `/api/*` already needs the token, writes included.
 * Without it the service has no way to tell its users apart, so writes are accepted from loopback clients
 * only (the machine the service runs on; behind a reverse proxy on the same host, set `API_TOKEN`). In
 * both cases a browser page from another site is refused (`Origin` not this host nor a `CORS_ORIGINS`
 * entry), and a body must be JSON, so a cross-site form cannot post one.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getConnInfo } from "hono/deno";
import { originAllowed } from "./auth.ts";

/** Largest rule body accepted, bytes. */
export const RULE_BODY_LIMIT = 4096;

/** Settings of `ruleWriteGuard`. */
export interface RuleWriteOptions {
  readonly apiToken: string | null;
  readonly corsOrigins: readonly string[];
}

/** Whether `address` is a loopback address (127.0.0.0/8, ::1, IPv4-mapped 127.x). */
export function isLoopback(address: string): boolean {
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return address === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

function remoteAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // not served by Deno.serve (app.request() without connection info)
  }
}

const refuse = (c: Context, error: string) => c.json({ error }, 403);

/** The middleware in front of the rule writes (reads pass). */
export function ruleWriteGuard(options: RuleWriteOptions): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: RULE_BODY_LIMIT,
    onError: (c) => c.json({ error: `Request body too large: at most ${RULE_BODY_LIMIT} bytes` }, 413),
  });
  return async (c, next) => {
    if (c.req.method !== "POST" && c.req.method !== "DELETE") return await next();
    if (!originAllowed(c, options.corsOrigins)) {
      return refuse(c, "Changing alert rules from another site's page is refused");
    }
    if (options.apiToken === null && !isLoopback(remoteAddress(c) ?? "")) {
      return refuse(
        c,
        "Changing alert rules without API_TOKEN is allowed from this machine only: set API_TOKEN",
      );
    }
    if (c.req.method === "POST" && !/^application\/json\b/i.test(c.req.header("content-type") ?? "")) {
      return c.json({ error: "Send the rule as JSON: Content-Type: application/json" }, 415);
    }
    return await limit(c, next);
  };
}
