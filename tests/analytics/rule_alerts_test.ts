import assert from "node:assert/strict";
import { type AlertRule, checkAlertRule, defaultAlertRules } from "../../src/analytics/alert_rules.ts";
import { DEFAULT_ALERT_THRESHOLDS, type PricedInterval } from "../../src/analytics/alerts.ts";
import { detectRuleAlerts } from "../../src/analytics/rule_alerts.ts";

const T0 = Date.parse("2025-06-10T18:00:00Z");
const at = (i: number, price: number): PricedInterval => ({
  timestamp: new Date(T0 + i * 300_000).toISOString().slice(0, 19) + "Z",
  ms: T0 + i * 300_000,
  price,
  da_price: null,
});
const series = (prices: number[], from = 0) => prices.map((p, i) => at(from + i, p));
const below: AlertRule = {
  id: "r-neg",
  market: "RT",
  zone: "np15",
  condition: "below",
  threshold: 0,
  min_intervals: 3,
  hysteresis: 2,
};
const run = (rules: AlertRule[], stored: PricedInterval[], changes: PricedInterval[], zone = "np15") =>
  detectRuleAlerts({ zone, node: "N", market: "RT", stored, changes, rules })
    .map((a) => `${a.rule}:${a.kind}:${a.event}:${a.timestamp.slice(11, 16)}`);

Deno.test("detectRuleAlerts() raises only once the condition held for min_intervals in a row", () => {
  // Three one-interval dips (the simulator's noise) raise nothing; three in a row raise on the third.
  assert.deepEqual(run([below], [], series([-1, 5, -1, 5, -1, 5, -1, -2, -3, 1, 3])), [
    "r-neg:negative:raised:18:40",
    "r-neg:negative:cleared:18:50",
  ]);
});

Deno.test("detectRuleAlerts() counts the run across polls from the stored series", () => {
  assert.deepEqual(run([below], series([-1, -2]), series([-3], 2)), ["r-neg:negative:raised:18:10"]);
  assert.deepEqual(run([below], series([-1, -2, -3]), series([-4], 3)), []);
});

Deno.test("detectRuleAlerts() ignores rules of other zones and markets", () => {
  assert.deepEqual(run([below], [], series([-1, -1, -1]), "sp15"), []);
  assert.deepEqual(run([{ ...below, market: "FMM" }], [], series([-1, -1, -1])), []);
  assert.deepEqual(run([{ ...below, zone: "*", market: "any" }], [], series([-1, -1, -1]), "sp15").length, 1);
});

Deno.test("detectRuleAlerts() ids of a custom rule name the rule; default ids stay as before", () => {
  const [custom] = detectRuleAlerts({
    zone: "np15",
    node: "N",
    market: "RT",
    stored: [],
    changes: series([-1, -1, -1]),
    rules: [below],
  });
  assert.equal(custom!.id, "np15:RT:negative:raised:2025-06-10T18:10:00Z:r-neg");
  assert.match(custom!.message, /below 0 for 3 intervals/);
  const rules = defaultAlertRules(DEFAULT_ALERT_THRESHOLDS);
  const [high] = detectRuleAlerts({
    zone: "np15",
    node: "N",
    market: "RT",
    stored: [],
    changes: series([150]),
    rules,
  });
  assert.equal(high!.id, "np15:RT:high:raised:2025-06-10T18:00:00Z");
  assert.equal(high!.rule, "default-high");
});

Deno.test("checkAlertRule() bounds thresholds, hysteresis and min_intervals", () => {
  const ok = { ...below };
  assert.equal(checkAlertRule(ok), null);
  assert.match(checkAlertRule({ ...ok, threshold: 1e6 })!, /threshold/);
  assert.match(checkAlertRule({ ...ok, threshold: NaN })!, /threshold/);
  assert.match(checkAlertRule({ ...ok, hysteresis: -1 })!, /hysteresis/);
  assert.match(checkAlertRule({ ...ok, min_intervals: 0 })!, /min_intervals/);
  assert.match(checkAlertRule({ ...ok, min_intervals: 289 })!, /min_intervals/);
  assert.match(checkAlertRule({ ...ok, min_intervals: 1.5 })!, /min_intervals/);
  assert.match(checkAlertRule({ ...ok, condition: "spread", threshold: -5 })!, /spread/);
});
