/**
 * Price alerts as pure functions over a price series. Alerts are edge-triggered on real-time prices: an
 * alert is raised on the interval where a condition starts and cleared on the interval where it ends, so a
 * re-fetch of the same prices raises nothing, and each interval gives at most one event per kind.
 *
 * Conditions: `high` (price above the high threshold), `negative` (price below the negative threshold) and
 * `spread` (|RT − DA| above the spread threshold; unknown, so unchanged, while the hour has no DA price).
 * A hysteresis band (0 by default) keeps an alert up until the price is that far back inside the limit,
 * which stops a price hovering at the threshold from flapping.
 *
 * @module
 */
import { defaultAlertRules } from "./alert_rules.ts";
import { detectRuleAlerts, type RuleAlertInput } from "./rule_alerts.ts";

/** What an alert is about. */
export type AlertKind = "high" | "negative" | "spread";

/** The alert kinds, in evaluation order. */
export const ALERT_KINDS: readonly AlertKind[] = ["high", "negative", "spread"];

/** Alert thresholds in $/MWh. */
export interface AlertThresholds {
  /** Raise `high` when the price is above this. */
  readonly high: number;
  /** Raise `negative` when the price is below this. */
  readonly negative: number;
  /** Raise `spread` when |RT − DA| is above this. */
  readonly spread: number;
  /** Clear only once the value is this far back inside the limit (0: as soon as the condition ends). */
  readonly hysteresis: number;
}

/** The defaults: high above 100 $/MWh, negative below 0, spread beyond 50, no hysteresis. */
export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = {
  high: 100,
  negative: 0,
  spread: 50,
  hysteresis: 0,
};

/** One real-time interval with the day-ahead price of its hour. */
export interface PricedInterval {
  /** Interval start, UTC ISO-8601. */
  readonly timestamp: string;
  /** Interval start in epoch ms. */
  readonly ms: number;
  /** Total LMP, $/MWh. */
  readonly price: number;
  /** Day-ahead LMP of the hour containing the interval, or null when unknown. */
  readonly da_price: number | null;
}

/** Which alerts are up. */
export type AlertState = Readonly<Record<AlertKind, boolean>>;

/** No alert up. */
export const NO_ALERTS: AlertState = { high: false, negative: false, spread: false };

/** An alert raised or cleared on one interval. */
export interface AlertEvent {
  /** `{zone}:{market}:{kind}:{event}:{timestamp}`: unique per interval, kind and event. */
  readonly id: string;
  readonly kind: AlertKind;
  readonly event: "raised" | "cleared";
  /** Id of the rule that raised or cleared it. */
  readonly rule: string;
  readonly zone: string;
  readonly node: string;
  /** Real-time market the price comes from. */
  readonly market: "RT" | "FMM";
  /** Interval start, UTC ISO-8601. */
  readonly timestamp: string;
  readonly price: number;
  readonly da_price: number | null;
  /** `price − da_price`, or null without a DA price. */
  readonly spread: number | null;
  /** The threshold the condition compares with. */
  readonly threshold: number;
  /** One sentence for people. */
  readonly message: string;
}

function stepKind(kind: AlertKind, up: boolean, p: PricedInterval, t: AlertThresholds): boolean {
  const h = t.hysteresis;
  switch (kind) {
    case "high":
      return up ? p.price > t.high - h : p.price > t.high;
    case "negative":
      return up ? p.price < t.negative + h : p.price < t.negative;
    case "spread": {
      if (p.da_price === null) return up;
      const s = Math.abs(p.price - p.da_price);
      return up ? s > t.spread - h : s > t.spread;
    }
  }
}

/** The alert state after interval `p`, given the state before it. */
export function nextAlertState(state: AlertState, p: PricedInterval, t: AlertThresholds): AlertState {
  return {
    high: stepKind("high", state.high, p, t),
    negative: stepKind("negative", state.negative, p, t),
    spread: stepKind("spread", state.spread, p, t),
  };
}

/** The alert state after replaying `series` (oldest first) from `initial`. */
export function replayAlertState(
  series: readonly PricedInterval[],
  t: AlertThresholds,
  initial: AlertState = NO_ALERTS,
): AlertState {
  let state = initial;
  for (const p of series) state = nextAlertState(state, p, t);
  return state;
}

/** What `detectAlerts` needs: one zone's real-time series before this poll and the poll's changes. */
export interface AlertInput extends Omit<RuleAlertInput, "rules"> {
  readonly thresholds: AlertThresholds;
}

/** Alerts raised or cleared by one poll under the default rules of `thresholds` (see `detectRuleAlerts`). */
export function detectAlerts(input: AlertInput): AlertEvent[] {
  return detectRuleAlerts({ ...input, rules: defaultAlertRules(input.thresholds) });
}
