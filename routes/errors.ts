/**
 * HTTP errors of the live edge: thrown where they happen, turned into a JSON body exactly once in
 * `app.onError` (no stack trace, ever). Bad input is a 4xx naming the parameter; only a fault of the
 * server itself is a 500.
 *
 * @module
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";

/** A request parameter that does not validate: answers 400 naming it. */
export class ParameterError extends HTTPException {
  /** The offending parameter. */
  readonly parameter: string;

  constructor(parameter: string, message: string) {
    const text = `Invalid parameter "${parameter}": ${message}`;
    // Its own JSON response too, so a sub-app answers the same body when mounted without `jsonErrorHandler`.
    super(400, { message: text, res: Response.json({ error: text, parameter }, { status: 400 }) });
    this.name = "ParameterError";
    this.parameter = parameter;
  }
}

/** Where unexpected errors are reported (the composition root's structured log). */
export type ErrorLog = (error: unknown, context: { method: string; path: string }) => void;

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: "Bad request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  413: "Payload too large",
  415: "Unsupported media type",
  503: "Service unavailable",
};

/** An `app.onError` handler answering JSON; `log` receives server faults only. */
export function jsonErrorHandler(log: ErrorLog = () => {}): (err: Error, c: Context) => Response {
  return (err, c) => {
    if (err instanceof ParameterError) {
      return c.json({ error: err.message, parameter: err.parameter }, 400);
    }
    if (err instanceof HTTPException) {
      const res = err.getResponse();
      const headers = new Headers(res.headers);
      // Middleware such as bearerAuth builds its own body: keep its JSON, wrap its plain text.
      if (headers.get("content-type")?.includes("application/json")) return res;
      headers.set("content-type", "application/json");
      const error = err.message || STATUS_TEXT[err.status] || "Request failed";
      return new Response(JSON.stringify({ error }), { status: err.status, headers });
    }
    log(err, { method: c.req.method, path: c.req.path });
    return c.json({ error: "Internal server error" }, 500);
  };
}

/** An `app.notFound` handler answering JSON. */
export function jsonNotFound(c: Context): Response {
  return c.json({ error: `Not found: ${c.req.method} ${c.req.path}` }, 404);
}
