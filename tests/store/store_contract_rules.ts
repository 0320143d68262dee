/**
 * The alert-rule part of the store contract: the default rules, a rule added, persisted for another store
 * on the same backend and used by the next poll, removal, and the bounds.
 *
 * @module
 */
import assert from "node:assert/strict";
import { AlertRulesError } from "../../src/store/alert_rule_book.ts";
import { NP15, priceRows, SP15 } from "./helpers.ts";
import { type StoreFactory, withStore } from "./store_contract.ts";

const T0 = "2025-06-10T18:00:00Z";
/** A rule: RT prices of np15 below -10 for three intervals in a row. */
export const NEGATIVE_FOR_3 = {
  market: "RT",
  zone: "np15",
  condition: "below",
  threshold: -10,
  min_intervals: 3,
  hysteresis: 5,
} as const;

/** Registers the alert-rule contract tests for the store built by `factory`. */
export function storeRuleContract(label: string, factory: StoreFactory): void {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test({ name: `[${label}] ${name}`, fn, sanitizeOps: false, sanitizeResources: false });

  test("the alert rules start as the ALERT_* thresholds on every zone and market", async () => {
    await withStore(factory, async (store) => {
      const rules = await store.alertRules().list();
      assert.deepEqual(rules.map((r) => `${r.id} ${r.condition} ${r.threshold} ${r.zone} ${r.market}`), [
        "default-high above 120 * any",
        "default-negative below 0 * any",
        "default-spread spread 50 * any",
      ]);
    }, { ALERT_HIGH_PRICE: "120" });
  });

  test("an added rule is persisted for another store on the backend and alerts on the next poll", async () => {
    await withStore(factory, async (store, _clock, twin) => {
      await store.alertRules().remove("default-negative");
      const rule = await store.alertRules().add(NEGATIVE_FOR_3);
      assert.match(rule.id, /^r-[0-9a-f]{8}$/);
      const other = await twin();
      try {
        assert.deepEqual((await other.alertRules().list()).map((r) => r.id), [
          "default-high",
          "default-spread",
          rule.id,
        ]);
        // Two intervals below -10 are not enough; the third raises, on np15 only.
        const r = await other.ingest([
          ...priceRows("lmp_rtm", NP15, T0, [-20, -20, 5, -20, -20, -20]),
          ...priceRows("lmp_rtm", SP15, T0, [-20, -20, -20]),
        ]);
        assert.deepEqual(r.alerts.map((a) => `${a.zone}:${a.rule}:${a.timestamp.slice(11, 16)}`), [
          `np15:${rule.id}:18:25`,
        ]);
      } finally {
        await other.close();
      }
      assert.equal(await store.alertRules().remove(rule.id), true);
      assert.equal(await store.alertRules().remove(rule.id), false);
    });
  });

  test("onOwnAlert hears the alerts of this store's polls only, not another instance's", async () => {
    await withStore(factory, async (store, _clock, twin) => {
      const own: string[] = [];
      const stop = store.onOwnAlert((a) => own.push(`${a.zone}:${a.kind}:${a.event}`));
      const other = await twin();
      try {
        await other.ingest(priceRows("lmp_rtm", SP15, T0, [150]));
        await store.ingest(priceRows("lmp_rtm", NP15, T0, [150, 50]));
        assert.deepEqual(own, ["np15:high:raised", "np15:high:cleared"]);
        stop();
        await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T18:10:00Z", [150]));
        assert.equal(own.length, 2);
      } finally {
        await other.close();
      }
    });
  });

  test("an empty rule list stays empty and raises nothing", async () => {
    await withStore(factory, async (store) => {
      for (const id of ["default-high", "default-negative", "default-spread"]) {
        await store.alertRules().remove(id);
      }
      assert.deepEqual(await store.alertRules().list(), []);
      assert.deepEqual((await store.ingest(priceRows("lmp_rtm", NP15, T0, [500, -500]))).alerts, []);
    });
  });

  test("a rule out of bounds is refused with 400 and the hundred-and-first with 409", async () => {
    await withStore(factory, async (store) => {
      await assert.rejects(
        store.alertRules().add({ ...NEGATIVE_FOR_3, threshold: 1e9 }),
        (e) => e instanceof AlertRulesError && e.status === 400,
      );
      for (let i = (await store.alertRules().list()).length; i < 100; i++) {
        await store.alertRules().add({ ...NEGATIVE_FOR_3, threshold: -i });
      }
      await assert.rejects(
        store.alertRules().add(NEGATIVE_FOR_3),
        (e) => e instanceof AlertRulesError && e.status === 409,
      );
    });
  });
}
