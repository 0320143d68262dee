import assert from "node:assert/strict";
import { type AlertRule, defaultAlertRules } from "../../src/analytics/alert_rules.ts";
import { DEFAULT_ALERT_THRESHOLDS } from "../../src/analytics/alerts.ts";
import { type AlertRuleBackend, AlertRuleBook } from "../../src/store/alert_rule_book.ts";

/** A backend in memory that can lose its data (a Redis restarted without persistence) or be down. */
function memoryBackend() {
  const b = {
    stored: null as readonly AlertRule[] | null,
    down: false,
    load: () => (b.down ? Promise.reject(new Error("down")) : Promise.resolve(b.stored)),
    save: (rules: readonly AlertRule[]) =>
      b.down ? Promise.reject(new Error("down")) : Promise.resolve(void (b.stored = rules)),
  };
  return b satisfies AlertRuleBackend;
}

const RULE = {
  market: "RT",
  zone: "sp15",
  condition: "above",
  threshold: 500,
  min_intervals: 2,
  hysteresis: 0,
} as const;

Deno.test("AlertRuleBook writes its rules back to a backend that came back empty, not the defaults", async () => {
  const backend = memoryBackend();
  const book = new AlertRuleBook(backend, defaultAlertRules(DEFAULT_ALERT_THRESHOLDS));
  const rule = await book.add(RULE);
  backend.stored = null; // the server restarted empty
  assert.ok((await book.refresh()).some((r) => r.id === rule.id));
  assert.ok(backend.stored!.some((r) => r.id === rule.id), "written back");
});

Deno.test("AlertRuleBook keeps alerting on the last rules while the backend is down, and refuses changes with 503", async () => {
  const backend = memoryBackend();
  const book = new AlertRuleBook(backend, defaultAlertRules(DEFAULT_ALERT_THRESHOLDS));
  const rule = await book.add(RULE);
  backend.down = true;
  assert.ok((await book.refresh()).some((r) => r.id === rule.id));
  await assert.rejects(book.list(), { status: 503 });
  await assert.rejects(book.add(RULE), { status: 503 });
  assert.deepEqual(book.current().map((r) => r.id).at(-1), rule.id);
});

Deno.test("AlertRuleBook answers the defaults from a backend that never held rules, without writing them", async () => {
  const backend = memoryBackend();
  const book = new AlertRuleBook(backend, defaultAlertRules(DEFAULT_ALERT_THRESHOLDS));
  assert.equal((await book.list()).length, 3);
  assert.equal(backend.stored, null);
});
