/**
 * Alert rules end to end in Chromium, at desktop (1440×900) and phone (390×844) sizes: a rule created in
 * the dashboard's form is stored, the next poll raises its alert, the feed and a browser notification show
 * it, and a loopback webhook receiver gets it as a POST whose HMAC-SHA256 signature checks out.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { startAlertWebhooks } from "../../src/alerts/alert_webhooks.ts";
import { loadWebhookConfig } from "../../src/alerts/webhook_settings.ts";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from "../../src/alerts/webhook_signature.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import type { AlertEvent } from "../../src/store/store.ts";
import { priceRows, SP15 } from "../store/helpers.ts";
import { ARTIFACTS, pageProblems, startDashboard } from "./helpers.ts";

const SECRET = "browser-test-webhook-secret";

/** A loopback webhook receiver keeping each POST with whether its signature verified. */
function receiver() {
  const got: { alert: AlertEvent; verified: boolean }[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    const body = await req.text();
    const headers = {
      signature: req.headers.get(SIGNATURE_HEADER),
      timestamp: req.headers.get(TIMESTAMP_HEADER),
    };
    got.push({ alert: JSON.parse(body), verified: await verifyWebhook(SECRET, headers, body) });
    return new Response(null, { status: 204 });
  });
  return { got, url: `http://127.0.0.1:${server.addr.port}/alerts`, close: () => server.shutdown() };
}

async function waitUntil(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  assert.ok(ok(), what);
}

async function addRule(page: Page): Promise<void> {
  await page.click(".alert-rules summary");
  await page.waitForSelector('.rule-list li[data-rule="default-high"]');
  const form = page.locator(".rule-form");
  await form.locator("select[name=market]").selectOption("RT");
  await form.locator("select[name=zone]").selectOption("sp15");
  await form.locator("select[name=condition]").selectOption("above");
  await form.locator("input[name=threshold]").fill("500");
  await form.locator("input[name=min_intervals]").fill("2");
  await form.locator("input[name=hysteresis]").fill("10");
  await form.locator("button[type=submit]").click();
  await page.waitForFunction(() =>
    /Rule added/.test(document.querySelector(".rule-status")?.textContent ?? "")
  );
}

Deno.test("[browser] a rule created in the dashboard raises an alert that a webhook receives, signed", async () => {
  const dashboard = await startDashboard("2026-07-01T20:03:00Z", {
    WS_HEARTBEAT_S: "30",
    ALERT_SPREAD: "100000",
  });
  const hook = receiver();
  const metrics = createMetrics();
  const webhooks = startAlertWebhooks({
    config: loadWebhookConfig({ ALERT_WEBHOOK_URLS: hook.url, ALERT_WEBHOOK_SECRET: SECRET }),
    store: dashboard.store,
    metrics,
  })!;
  const { server, browser, ingest, store } = dashboard;
  try {
    await ingest("lmp_dam", new Date("2026-07-01T07:00:00Z"), new Date("2026-07-02T07:00:00Z"));
    await ingest("lmp_rtm", new Date("2026-07-01T18:00:00Z"), new Date("2026-07-01T20:00:00Z"));
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(() => {
      // Records the notifications the page shows (headless Chromium displays none).
      const shown: string[] = [];
      (globalThis as unknown as { shownNotifications: string[] }).shownNotifications = shown;
      class FakeNotification {
        static permission = "granted";
        static requestPermission = () => Promise.resolve("granted");
        constructor(title: string) {
          shown.push(title);
        }
      }
      (globalThis as unknown as { Notification: unknown }).Notification = FakeNotification;
    });
    const page = await context.newPage();
    const problems = pageProblems(page);
    await page.goto(`${server.url}/?zone=sp15`);
    await page.waitForFunction(
      () => document.querySelector("#status")?.textContent?.startsWith("Live"),
      null,
      {
        timeout: 15_000,
      },
    ).catch((e) => {
      throw new Error(`${e.message}: ${problems.join("; ")}`);
    });
    await page.check(".alert-filters input[name=notify]");
    await addRule(page);
    const rules = (await store.alertRules().list()).filter((r) => !r.id.startsWith("default-"));
    assert.equal(rules.length, 1);
    const rule = rules[0]!;
    assert.deepEqual({ ...rule, id: "" }, {
      id: "",
      market: "RT",
      zone: "sp15",
      condition: "above",
      threshold: 500,
      min_intervals: 2,
      hysteresis: 10,
    });
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL("alert_rules.png", ARTIFACTS).pathname, fullPage: true });

    // The next poll: two intervals above 500 at SP15; the rule raises on the second.
    const result = await store.ingest(priceRows("lmp_rtm", SP15, "2026-07-01T20:00:00Z", [600, 650]));
    const mine = result.alerts.filter((a) => a.rule === rule.id);
    assert.deepEqual(mine.map((a) => `${a.event} ${a.timestamp}`), ["raised 2026-07-01T20:05:00Z"]);

    await waitUntil("the webhook got the rule's alert", () => hook.got.some((g) => g.alert.rule === rule.id));
    const delivered = hook.got.find((g) => g.alert.rule === rule.id)!;
    assert.equal(delivered.verified, true, "the signature checks out with ALERT_WEBHOOK_SECRET");
    assert.equal(delivered.alert.id, mine[0]!.id);
    assert.equal(delivered.alert.price, 650);
    assert.match(await metrics.text(), /alert_webhook_deliveries_total\{outcome="delivered"\} [1-9]/);

    const item = page.locator("#alerts li", { hasText: "SP15 RT $650.00" });
    await item.first().waitFor({ timeout: 5000 });
    await page.selectOption(".alert-filters select[name=zone]", "np15");
    assert.equal(
      await page.locator("#alerts li", { hasText: "SP15" }).count(),
      0,
      "the zone filter hides SP15",
    );
    await page.selectOption(".alert-filters select[name=zone]", "sp15");
    await page.selectOption(".alert-filters select[name=kind]", "high");
    assert.ok(await item.count() >= 1);
    const shown = await page.evaluate(() =>
      (globalThis as unknown as { shownNotifications: string[] }).shownNotifications
    );
    assert.ok(shown.includes("SP15 RT high alert"), JSON.stringify(shown));

    await page.screenshot({ path: new URL("alert_rules_feed.png", ARTIFACTS).pathname, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: new URL("alert_rules_phone.png", ARTIFACTS).pathname, fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
    assert.ok(overflow <= 0, `the phone layout scrolls sideways by ${overflow}px`);

    // Deleted from the dashboard: gone from the store.
    await page.click(`.rule-list li[data-rule="${rule.id}"] .rule-delete`);
    await page.waitForSelector(`.rule-list li[data-rule="${rule.id}"]`, { state: "detached" });
    assert.equal((await store.alertRules().list()).some((r) => r.id === rule.id), false);
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await webhooks.close();
    await hook.close();
    await dashboard.close();
  }
});
