/**
 * `GET /api/alerts/rules` lists the alert rules, `POST /api/alerts/rules` adds one and
 * `DELETE /api/alerts/rules/{id}` removes one; the store keeps them, so they survive a restart and every
 * instance on the same backend alerts on them from its next poll. Who may write is `rule_writes.ts`'s.
 *
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { RULE_LIMITS } from "../src/analytics/alert_rules.ts";
import type { ZoneCatalog } from "../src/live/zone_catalog.ts";
import { AlertRulesError } from "../src/store/alert_rule_book.ts";
import type { PriceStore } from "../src/store/store.ts";
import { ErrorBody, json } from "./api_schemas.ts";
import { RuleBody, RuleIdParam, RuleInputBody } from "./alert_rules_schemas.ts";
import { ParameterError } from "./errors.ts";
import { type ApiApp, createOpenApiApp } from "./openapi_app.ts";
import { ruleWriteGuard, type RuleWriteOptions } from "./rule_writes.ts";

/** What the rule routes use. */
export interface AlertRulesDeps extends RuleWriteOptions {
  readonly store: Pick<PriceStore, "alertRules">;
  readonly zones: Pick<ZoneCatalog, "has" | "known">;
}

const error = (description: string) => json(ErrorBody, description);
const RulesBody = z.object({ max_rules: z.number(), rules: z.array(RuleBody) });

const listRoute = createRoute({
  method: "get",
  path: "/api/alerts/rules",
  summary: "The alert rules in force",
  responses: { 200: json(RulesBody, "Rules, oldest first"), 503: error("The store is unreachable") },
});

const addRoute = createRoute({
  method: "post",
  path: "/api/alerts/rules",
  summary: "Adds an alert rule (needs the bearer token when API_TOKEN is set; from loopback only otherwise)",
  request: { body: { content: { "application/json": { schema: RuleInputBody } }, required: true } },
  responses: {
    201: json(RuleBody, "The rule, with its id"),
    400: error("The rule does not validate; the body names the field"),
    403: error("Not allowed: another site's page, or no API_TOKEN and not from loopback"),
    409: error("There are already as many rules as allowed"),
    413: error("The body is larger than 4096 bytes"),
    415: error("The body is not JSON"),
    503: error("The store is unreachable"),
  },
});

const removeRoute = createRoute({
  method: "delete",
  path: "/api/alerts/rules/{id}",
  summary: "Removes an alert rule (same access as adding one)",
  request: { params: RuleIdParam },
  responses: {
    204: { description: "Removed" },
    400: error("The id is longer than 64 characters"),
    403: error("Not allowed: another site's page, or no API_TOKEN and not from loopback"),
    404: error("No rule has this id"),
    503: error("The store is unreachable"),
  },
});

async function mapped<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    if (e instanceof AlertRulesError) throw new HTTPException(e.status, { message: e.message, cause: e });
    throw e;
  }
}

/** The `/api/alerts/rules` sub-app. */
export function createAlertRulesRoutes(deps: AlertRulesDeps): ApiApp {
  const api = createOpenApiApp();
  api.use("/api/alerts/rules", ruleWriteGuard(deps));
  api.use("/api/alerts/rules/*", ruleWriteGuard(deps));
  const book = () => deps.store.alertRules();

  api.openapi(listRoute, async (c) => {
    const rules = await mapped(() => book().list());
    return c.json({ max_rules: RULE_LIMITS.maxRules, rules: [...rules] }, 200);
  });

  api.openapi(addRoute, async (c) => {
    const input = c.req.valid("json");
    if (input.zone !== "*" && !(await deps.zones.has(input.zone))) {
      const known = deps.zones.known().join(", ");
      throw new ParameterError("zone", `unknown zone ${JSON.stringify(input.zone)} (known: ${known}, or *)`);
    }
    const rule = await mapped(() => book().add(input as Parameters<ReturnType<typeof book>["add"]>[0]));
    return c.json(rule, 201);
  });

  api.openapi(removeRoute, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await mapped(() => book().remove(id)))) {
      throw new HTTPException(404, { message: `No alert rule ${JSON.stringify(id)}` });
    }
    return c.body(null, 204);
  });
  return api;
}
