/**
 * Alerts from rules, purely: each rule that watches the series keeps its own state (up or not, and how many
 * consecutive intervals its condition has held), replayed from the stored series and stepped through the
 * poll's changes. A rule raises once its condition has held for `min_intervals` intervals in a row and
 * clears once the value is `hysteresis` back inside the limit, so a price hovering at a threshold, or
 * dipping for one interval, raises nothing.
 *
 * @module
 */
import type { AlertEvent, PricedInterval } from "./alerts.ts";
import { type AlertRule, KIND_OF, ruleApplies } from "./alert_rules.ts";

/** What `detectRuleAlerts` needs: one zone's real-time series before this poll, its changes and the rules. */
export interface RuleAlertInput {
  readonly zone: string;
  readonly node: string;
  readonly market: "RT" | "FMM";
  /** Stored intervals before this poll, oldest first. */
  readonly stored: readonly PricedInterval[];
  /** New or revised intervals of this poll, oldest first. */
  readonly changes: readonly PricedInterval[];
  readonly rules: readonly AlertRule[];
}

/** One rule's state: whether its alert is up, and for how many intervals in a row its condition held. */
export interface RuleState {
  readonly up: boolean;
  readonly run: number;
}

const DOWN: RuleState = { up: false, run: 0 };

/** The state of `rule` after interval `p`. */
export function stepRule(rule: AlertRule, s: RuleState, p: PricedInterval): RuleState {
  const t = rule.threshold;
  const h = rule.hysteresis;
  let value = p.price;
  if (rule.condition === "spread") {
    if (p.da_price === null) return s; // unknown, so unchanged
    value = Math.abs(p.price - p.da_price);
  }
  const beyond = (limit: number) => (rule.condition === "below" ? value < limit : value > limit);
  if (s.up) return beyond(rule.condition === "below" ? t + h : t - h) ? s : DOWN;
  const run = beyond(t) ? s.run + 1 : 0;
  return { up: run >= rule.min_intervals, run };
}

const fmt = (n: number) => n.toFixed(2);

function describe(rule: AlertRule, up: boolean, input: RuleAlertInput, p: PricedInterval): string {
  const where = `${input.market} price at ${input.zone} for ${p.timestamp}`;
  const held = up && rule.min_intervals > 1 ? ` for ${rule.min_intervals} intervals` : "";
  if (rule.condition !== "spread") {
    const side = rule.condition === "above" ? "above" : "below";
    return up
      ? `${where} is ${fmt(p.price)} $/MWh, ${side} ${rule.threshold}${held}`
      : `${where} is back to ${fmt(p.price)} $/MWh`;
  }
  const s = p.da_price === null ? "unknown" : fmt(p.price - p.da_price);
  return up
    ? `${where}: RT − DA spread is ${s} $/MWh, beyond ±${rule.threshold}${held}`
    : `${where}: RT − DA spread is back to ${s} $/MWh`;
}

function event(rule: AlertRule, up: boolean, input: RuleAlertInput, p: PricedInterval): AlertEvent {
  const name = up ? "raised" : "cleared";
  const kind = KIND_OF[rule.condition];
  // The default rules keep the ids alerts had before rules existed.
  const suffix = rule.id.startsWith("default-") ? "" : `:${rule.id}`;
  return {
    id: `${input.zone}:${input.market}:${kind}:${name}:${p.timestamp}${suffix}`,
    kind,
    event: name,
    rule: rule.id,
    zone: input.zone,
    node: input.node,
    market: input.market,
    timestamp: p.timestamp,
    price: p.price,
    da_price: p.da_price,
    spread: p.da_price === null ? null : p.price - p.da_price,
    threshold: rule.threshold,
    message: describe(rule, up, input, p),
  };
}

/**
 * Alerts raised or cleared by one poll. Only the latest stored interval and newer ones can move the live
 * state: a revision of the latest interval is compared with what its old price had decided, new intervals
 * are stepped in time order, and revisions of older intervals raise nothing (later prices already decided
 * the state). Unchanged prices are not `changes`, so a re-fetch gives no event.
 */
export function detectRuleAlerts(input: RuleAlertInput): AlertEvent[] {
  const rules = input.rules.filter((r) => ruleApplies(r, input.zone, input.market));
  if (rules.length === 0 || input.changes.length === 0) return [];
  const { stored, changes } = input;
  const last = stored.at(-1);
  const replay = (series: readonly PricedInterval[]) =>
    rules.map((r) => series.reduce((s, p) => stepRule(r, s, p), DOWN));
  const beforeLast = replay(stored.slice(0, -1));
  let state = last === undefined ? beforeLast : rules.map((r, i) => stepRule(r, beforeLast[i]!, last));
  const out: AlertEvent[] = [];
  for (const p of changes) {
    if (last !== undefined && p.ms < last.ms) continue;
    const from = last !== undefined && p.ms === last.ms ? beforeLast : state;
    const next = rules.map((r, i) => stepRule(r, from[i]!, p));
    rules.forEach((r, i) => {
      if (state[i]!.up !== next[i]!.up) out.push(event(r, next[i]!.up, input, p));
    });
    state = next;
  }
  return out;
}
