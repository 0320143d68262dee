/**
 * Zod schemas of the alert rules API: a rule as a client creates it (bounded, strict) and as the service
 * answers it. The bounds are `RULE_LIMITS`, so the document, the validation and the store agree.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { RULE_CONDITIONS, RULE_LIMITS } from "../src/analytics/alert_rules.ts";

const MAX = RULE_LIMITS.maxAbsThreshold;

const fields = {
  market: z.enum(["RT", "FMM", "any"]).openapi({
    description: "RT (5-minute), FMM (15-minute) or any (both)",
  }),
  zone: z.string().max(100).regex(/^(\*|[a-z0-9][a-z0-9_.-]{0,99})$/, "is not a zone or *").openapi({
    description: "A zone (np15, sp15, …) or * for every zone",
    example: "sp15",
  }),
  condition: z.enum(RULE_CONDITIONS as [string, ...string[]]).openapi({
    description: "above: price > threshold; below: price < threshold; spread: |RT − DA| > threshold",
  }),
  threshold: z.number().min(-MAX).max(MAX).openapi({ description: "$/MWh", example: -10 }),
  min_intervals: z.number().int().min(RULE_LIMITS.minIntervals).max(RULE_LIMITS.maxIntervals).openapi({
    description: "Intervals in a row the condition must hold before the alert is raised",
    example: 3,
  }),
  hysteresis: z.number().min(0).max(MAX).openapi({
    description: "The alert clears only once the value is this far back inside the limit, $/MWh",
    example: 5,
  }),
};

/** The body of `POST /api/alerts/rules`; omitted fields take the defaults shown. */
export const RuleInputBody = z.object({
  market: fields.market.default("any"),
  zone: fields.zone.default("*"),
  condition: fields.condition,
  threshold: fields.threshold,
  min_intervals: fields.min_intervals.default(1),
  hysteresis: fields.hysteresis.default(0),
}).strict().openapi("AlertRuleInput");

/** A stored rule. */
export const RuleBody = z.object({
  id: z.string().openapi({ description: "default-high, default-negative, default-spread or r-…" }),
  ...fields,
}).openapi("AlertRule");

/** `DELETE /api/alerts/rules/{id}`'s path. */
export const RuleIdParam = z.object({
  id: z.string().max(64).openapi({ param: { name: "id", in: "path" }, example: "default-negative" }),
});
