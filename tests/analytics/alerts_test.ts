import assert from "node:assert/strict";
import {
  type AlertInput,
  DEFAULT_ALERT_THRESHOLDS,
  detectAlerts,
  type PricedInterval,
  replayAlertState,
} from "../../src/analytics/alerts.ts";

const T0 = Date.parse("2025-06-10T18:00:00Z");
const at = (i: number, price: number, da: number | null = null): PricedInterval => ({
  timestamp: new Date(T0 + i * 300_000).toISOString().slice(0, 19) + "Z",
  ms: T0 + i * 300_000,
  price,
  da_price: da,
});
const series = (prices: number[], from = 0) => prices.map((p, i) => at(from + i, p));
const input = (stored: PricedInterval[], changes: PricedInterval[], hysteresis = 0): AlertInput => ({
  zone: "np15",
  node: "TH_NP15_GEN-APND",
  market: "RT",
  stored,
  changes,
  thresholds: { ...DEFAULT_ALERT_THRESHOLDS, hysteresis },
});
const summary = (input: AlertInput) =>
  detectAlerts(input).map((a) => `${a.kind}:${a.event}:${a.timestamp.slice(11, 16)}`);

Deno.test("detectAlerts() raises on the first interval above the threshold and clears on the first back under", () => {
  assert.deepEqual(summary(input([], series([90, 120, 130, 100]))), [
    "high:raised:18:05",
    "high:cleared:18:15",
  ]);
});

Deno.test("detectAlerts() continues from the stored series, so a price still high raises nothing", () => {
  assert.deepEqual(summary(input(series([120]), series([125], 1))), []);
  assert.deepEqual(summary(input(series([120]), series([95], 1))), ["high:cleared:18:05"]);
});

Deno.test("detectAlerts() gives nothing for no changes, whatever the stored prices", () => {
  assert.deepEqual(detectAlerts(input(series([120, -5, 300]), [])), []);
});

Deno.test("detectAlerts() flaps once per crossing without hysteresis and holds with it", () => {
  const flapping = series([99, 101, 99, 101, 99]);
  assert.equal(detectAlerts(input([], flapping)).length, 4);
  assert.deepEqual(summary(input([], flapping, 3)), ["high:raised:18:05"]);
  assert.deepEqual(summary(input([], series([99, 101, 99, 97]), 3)), [
    "high:raised:18:05",
    "high:cleared:18:15",
  ]);
});

Deno.test("detectAlerts() re-decides a revised latest interval and ignores revisions of older ones", () => {
  const stored = series([90, 120]);
  assert.deepEqual(summary(input(stored, [at(1, 95)])), ["high:cleared:18:05"]);
  assert.deepEqual(summary(input(stored, [at(1, 130)])), []);
  assert.deepEqual(summary(input(series([90, 95]), [at(0, 150)])), []);
});

Deno.test("detectAlerts() raises negative below the threshold and spread only where the hour has a DA price", () => {
  const changes = [at(0, -1), at(1, 5, null), at(2, 120, 40), at(3, 120, null), at(4, 60, 40)];
  assert.deepEqual(summary(input([], changes)), [
    "negative:raised:18:00",
    "negative:cleared:18:05",
    "high:raised:18:10",
    "spread:raised:18:10",
    "high:cleared:18:20",
    "spread:cleared:18:20",
  ]);
});

Deno.test("detectAlerts() builds ids that are unique per zone, market, kind, event and interval", () => {
  const [raised] = detectAlerts(input([], [at(0, 150)]));
  assert.equal(raised?.id, "np15:RT:high:raised:2025-06-10T18:00:00Z");
  assert.equal(raised?.threshold, 100);
  assert.equal(raised?.node, "TH_NP15_GEN-APND");
  assert.match(raised?.message ?? "", /150\.00 \$\/MWh, above 100/);
});

Deno.test("replayAlertState() with hysteresis keeps the last decisive state", () => {
  const t = { ...DEFAULT_ALERT_THRESHOLDS, hysteresis: 5 };
  assert.equal(replayAlertState(series([120, 98, 97]), t).high, true);
  assert.equal(replayAlertState(series([120, 94, 97]), t).high, false);
});
