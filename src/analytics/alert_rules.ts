/**
 * Alert rules: which price condition raises an alert, where, and for how long it must hold. The rules
 * replace the fixed thresholds: `defaultAlertRules()` turns the `ALERT_*` settings into the initial rules,
 * so a service nobody configured alerts exactly as before. `checkAlertRule()` bounds what a client sends.
 *
 * @module
 */
import type { AlertKind, AlertThresholds } from "./alerts.ts";

/** What a rule compares: the price above or below the threshold, or |RT − DA| beyond it. */
export type RuleCondition = "above" | "below" | "spread";

/** The conditions, in evaluation order. */
export const RULE_CONDITIONS: readonly RuleCondition[] = ["above", "below", "spread"];

/** The alert kind each condition raises. */
export const KIND_OF: Readonly<Record<RuleCondition, AlertKind>> = {
  above: "high",
  below: "negative",
  spread: "spread",
};

/** Real-time markets a rule watches; `any` is RT and FMM. */
export type RuleMarket = "RT" | "FMM" | "any";

/** One alert rule. */
export interface AlertRule {
  /** `default-high`, `default-negative`, `default-spread` or a generated `r-…` id. */
  readonly id: string;
  readonly market: RuleMarket;
  /** A zone, or `*` for every zone. */
  readonly zone: string;
  readonly condition: RuleCondition;
  /** $/MWh. */
  readonly threshold: number;
  /** Consecutive intervals the condition must hold before the alert is raised (1–288). */
  readonly min_intervals: number;
  /** Clear only once the value is this far back inside the limit, $/MWh. */
  readonly hysteresis: number;
}

/** A rule as a client creates it (the id is the store's). */
export type AlertRuleInput = Omit<AlertRule, "id">;

/** Bounds of a rule. */
export const RULE_LIMITS = {
  /** Most rules stored. */
  maxRules: 100,
  /** |threshold| and hysteresis at most this, $/MWh. */
  maxAbsThreshold: 100_000,
  minIntervals: 1,
  maxIntervals: 288,
} as const;

/** The initial rules: the `ALERT_*` thresholds on every zone and both real-time markets. */
export function defaultAlertRules(t: AlertThresholds): AlertRule[] {
  const rule = (condition: RuleCondition, threshold: number): AlertRule => ({
    id: `default-${KIND_OF[condition]}`,
    market: "any",
    zone: "*",
    condition,
    threshold,
    min_intervals: 1,
    hysteresis: t.hysteresis,
  });
  return [rule("above", t.high), rule("below", t.negative), rule("spread", t.spread)];
}

/** Whether `rule` watches `market` of `zone`. */
export function ruleApplies(rule: AlertRule, zone: string, market: "RT" | "FMM"): boolean {
  return (rule.zone === "*" || rule.zone === zone) && (rule.market === "any" || rule.market === market);
}

/** Why `input` is not an acceptable rule, or null when it is. */
export function checkAlertRule(input: AlertRuleInput): string | null {
  const max = RULE_LIMITS.maxAbsThreshold;
  if (!Number.isFinite(input.threshold) || Math.abs(input.threshold) > max) {
    return `threshold must be a finite number within ±${max}`;
  }
  if (!Number.isFinite(input.hysteresis) || input.hysteresis < 0 || input.hysteresis > max) {
    return `hysteresis must be a number from 0 to ${max}`;
  }
  if (input.condition === "spread" && input.threshold < 0) return "a spread threshold must not be negative";
  const n = input.min_intervals;
  if (!Number.isInteger(n) || n < RULE_LIMITS.minIntervals || n > RULE_LIMITS.maxIntervals) {
    return `min_intervals must be a whole number from ${RULE_LIMITS.minIntervals} to ${RULE_LIMITS.maxIntervals}`;
  }
  return null;
}
