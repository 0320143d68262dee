/**
 * How every `/api/*` sub-app is built and documented: an `OpenAPIHono` whose routes are declared with
 * `createRoute`, so the same zod schemas validate a request and generate `GET /api/openapi.json`. A request
 * that does not validate throws `ParameterError` (400 naming the parameter), mapped once by the app's
 * `onError`.
 *
 * @module
 */
import { type Hook, OpenAPIHono } from "@hono/zod-openapi";
import type { BlankEnv } from "hono/types";
import { ParameterError } from "./errors.ts";

/** Where the OpenAPI document is served. */
export const OPENAPI_PATH = "/api/openapi.json";

/** The validation hook of every API route: the first failing parameter, named, with a readable reason. */
// deno-lint-ignore no-explicit-any
const parameterHook: Hook<any, BlankEnv, any, any> = (result) => {
  if (result.success) return;
  const issue = result.error.issues[0];
  const name = String(issue?.path[0] ?? result.target);
  // The validator passes the raw input as `data` on failure too (the type leaves it out).
  const input = (result as { data?: Record<string, unknown> }).data;
  const raw = input?.[name];
  if (Array.isArray(raw)) throw new ParameterError(name, "is given more than once");
  if (raw === undefined && issue?.code === "invalid_type") throw new ParameterError(name, "is required");
  throw new ParameterError(name, issue?.message ?? "does not validate");
};

/** The sub-apps' type: mountable wherever a plain `Hono` is (`routes/app.ts` mounts every one). */
export type ApiApp = OpenAPIHono<BlankEnv>;

/** A sub-app for `createRoute` definitions, failing validation with `ParameterError`. */
export function createOpenApiApp(): ApiApp {
  return new OpenAPIHono<BlankEnv>({ defaultHook: parameterHook });
}

/** Options of `serveOpenApiDocument`. */
export interface OpenApiDocumentOptions {
  /** Whether `/api/*` needs a bearer token (`API_TOKEN` set): every operation then documents its 401. */
  readonly bearer: boolean;
}

const UNAUTHORIZED = {
  description: "Missing, malformed or invalid bearer token (Authorization: Bearer <API_TOKEN>)",
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
};

/** Serves the OpenAPI document of every route mounted on `app` (call it once, on the root). */
export function serveOpenApiDocument(app: ApiApp, options: OpenApiDocumentOptions): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer" });
  const config = {
    openapi: "3.0.3",
    info: {
      title: "oasis-stream API",
      version: "1.0.0",
      description: "Live CAISO OASIS prices. When API_TOKEN is set, every /api route needs a bearer token.",
    },
    security: options.bearer ? [{ bearerAuth: [] }] : [],
  };
  app.get(OPENAPI_PATH, (c) => {
    const doc = app.getOpenAPIDocument(config);
    if (options.bearer) {
      for (const operations of Object.values(doc.paths ?? {})) {
        for (const op of Object.values(operations as Record<string, { responses?: object }>)) {
          if (op.responses) op.responses = { ...op.responses, 401: UNAUTHORIZED };
        }
      }
    }
    return c.json(doc);
  });
}
