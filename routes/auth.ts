/**
 * Who may call the live edge: the optional bearer token (`API_TOKEN`) on `/api/*` and `/ws`, and the origins
 * allowed across sites (`CORS_ORIGINS`; same origin only by default). Browsers cannot set headers on a
 * WebSocket, so `/ws` also takes the token as `?token=`, and it checks `Origin` itself (CORS does not
 * apply to WebSockets, so a page on another site could otherwise open one with the user's network access).
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { cors } from "hono/cors";
import { timingSafeEqual } from "hono/utils/buffer";

/** `bearerAuth` answering JSON errors, for `/api/*`. */
export function apiAuth(token: string): MiddlewareHandler {
  return bearerAuth({
    token,
    noAuthenticationHeader: {
      message: { error: "Missing bearer token: send Authorization: Bearer <token>" },
    },
    invalidAuthenticationHeader: {
      message: { error: "Malformed Authorization header: expected Bearer <token>" },
    },
    invalidToken: { message: { error: "Invalid bearer token" } },
  });
}

/** CORS for `/api/*` from the configured origins (`["*"]` for any); null when same origin only. */
export function apiCors(origins: readonly string[]): MiddlewareHandler | null {
  if (origins.length === 0) return null;
  return cors({
    origin: origins.includes("*") ? "*" : [...origins],
    allowMethods: ["GET", "HEAD", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type"],
    maxAge: 600,
  });
}

/** Whether the request carries `token` as a bearer header or a `?token=` parameter. */
export async function hasToken(c: Context, token: string): Promise<boolean> {
  const header = c.req.header("authorization") ?? "";
  const given = /^bearer /i.test(header) ? header.slice(7).trim() : c.req.query("token") ?? "";
  return given !== "" && await timingSafeEqual(token, given);
}

/** Whether a WebSocket from the request's `Origin` may connect: none (not a browser), same host, or listed. */
export function originAllowed(c: Context, origins: readonly string[]): boolean {
  const origin = c.req.header("origin");
  if (origin === undefined) return true;
  if (origins.includes("*") || origins.includes(origin)) return true;
  try {
    return new URL(origin).host === (c.req.header("host") ?? new URL(c.req.url).host);
  } catch {
    return false;
  }
}
