/**
 * Response headers every answer carries (hono's `secureHeaders`): `X-Content-Type-Options: nosniff`,
 * `Referrer-Policy: no-referrer`, framing refused, and one Content-Security-Policy whose `connect-src` is the
 * same origin only (`'self'` covers the dashboard's `ws:`/`wss:` socket to its own host in CSP Level 3).
 * Strict-Transport-Security is left to the TLS terminator in front, which knows whether HTTPS is served.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/** The Content-Security-Policy of every answer (the dashboard's included). */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  connectSrc: ["'self'"],
  imgSrc: ["'self'", "data:"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
};

/** The middleware setting the headers on every response. */
export function securityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    referrerPolicy: "no-referrer",
    xContentTypeOptions: "nosniff",
    xFrameOptions: "DENY",
    strictTransportSecurity: false,
  });
}
