import assert from "node:assert/strict";
import type { AlertEvent } from "../../src/analytics/alerts.ts";
import { AlertWebhooks, type WebhookOutcome } from "../../src/alerts/alert_webhooks.ts";
import { loadWebhookConfig } from "../../src/alerts/webhook_settings.ts";
import {
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  verifyWebhook,
} from "../../src/alerts/webhook_signature.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { ConfigError } from "../../src/settings.ts";

const SECRET = "a-secret-of-some-length";
const alert = (i: number): AlertEvent => ({
  id: `np15:RT:negative:raised:2026-07-01T20:${String(i).padStart(2, "0")}:00Z`,
  kind: "negative",
  event: "raised",
  rule: "default-negative",
  zone: "np15",
  node: "TH_NP15_GEN-APND",
  market: "RT",
  timestamp: `2026-07-01T20:${String(i).padStart(2, "0")}:00Z`,
  price: -5,
  da_price: null,
  spread: null,
  threshold: 0,
  message: "m",
});

/** A loopback receiver answering `statuses` in turn (then 200), recording what it got. */
function receiver(statuses: number[] = [], hold?: Promise<void>) {
  const got: { body: string; signature: string | null; timestamp: string | null }[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    const body = await req.text();
    got.push({
      body,
      signature: req.headers.get(SIGNATURE_HEADER),
      timestamp: req.headers.get(TIMESTAMP_HEADER),
    });
    if (hold) await hold;
    return new Response(null, { status: statuses.shift() ?? 200 });
  });
  return { got, url: `http://127.0.0.1:${server.addr.port}/hook`, close: () => server.shutdown() };
}

function counter() {
  const counts: Record<WebhookOutcome, number> = { delivered: 0, retried: 0, failed: 0, dropped: 0 };
  return { counts, count: (o: WebhookOutcome) => void counts[o]++ };
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(ok(), what);
}

const config = (url: string, env: Record<string, string> = {}) =>
  loadWebhookConfig({ ALERT_WEBHOOK_URLS: url, ALERT_WEBHOOK_SECRET: SECRET, ...env });
const FAST = { initialMs: 5, maxMs: 20 };

Deno.test("AlertWebhooks POSTs each alert as JSON with a valid HMAC-SHA256 signature and timestamp", async () => {
  const r = receiver();
  const { counts, count } = counter();
  const hooks = new AlertWebhooks({ config: config(r.url), count, backoff: FAST });
  try {
    hooks.send(alert(0));
    hooks.send(alert(5));
    await until("2 delivered", () => counts.delivered === 2);
    assert.deepEqual(r.got.map((g) => JSON.parse(g.body).id), [alert(0).id, alert(5).id]);
    for (const g of r.got) {
      assert.match(g.signature ?? "", /^sha256=[0-9a-f]{64}$/);
      assert.ok(await verifyWebhook(SECRET, g, g.body));
      assert.equal(await verifyWebhook("another-secret-value", g, g.body), false);
      assert.equal(await verifyWebhook(SECRET, g, g.body.replace("-5", "-6")), false, "a tampered body");
    }
  } finally {
    await hooks.close();
    await r.close();
  }
});

Deno.test("AlertWebhooks retries a 5xx with backoff and gives up after the attempts; a 400 is not retried", async () => {
  const r = receiver([503, 500, 400, 500, 500, 500]);
  const { counts, count } = counter();
  const logged: Record<string, unknown>[] = [];
  const hooks = new AlertWebhooks({
    config: config(r.url, { ALERT_WEBHOOK_MAX_ATTEMPTS: "3" }),
    count,
    backoff: FAST,
    log: (_message, fields) => logged.push(fields),
  });
  try {
    hooks.send(alert(0)); // 503, 500, then 400: failed without a third retry
    hooks.send(alert(5)); // 500, 500, 500: failed after 3 attempts
    hooks.send(alert(10)); // 200
    await until("3 outcomes", () => counts.failed + counts.delivered === 3);
    assert.deepEqual(counts, { delivered: 1, retried: 4, failed: 2, dropped: 0 });
    assert.equal(r.got.length, 7);
    assert.equal(logged.length, 2);
    assert.ok(!JSON.stringify(logged).includes("/hook"), "the URL's path (often a secret) is not logged");
  } finally {
    await hooks.close();
    await r.close();
  }
});

Deno.test("AlertWebhooks.send() returns at once and drops the oldest past the queue bound", async () => {
  let release = () => {};
  const r = receiver([], new Promise<void>((resolve) => (release = resolve)));
  const { counts, count } = counter();
  const hooks = new AlertWebhooks({
    config: config(r.url, { ALERT_WEBHOOK_QUEUE: "2" }),
    count,
    backoff: FAST,
  });
  try {
    for (let i = 0; i < 10; i++) hooks.send(alert(i)); // the receiver holds the first: nothing waits on it
    assert.ok(hooks.pending <= 2);
    await until("the first in flight", () => r.got.length === 1);
    assert.equal(counts.dropped, 7);
    release();
    await until("3 delivered", () => counts.delivered === 3);
    assert.deepEqual(r.got.map((g) => JSON.parse(g.body).timestamp.slice(14, 16)), ["00", "08", "09"]);
  } finally {
    release();
    await hooks.close();
    await r.close();
  }
});

Deno.test("verifyWebhook() refuses a replayed request older than the tolerance", async () => {
  const body = JSON.stringify(alert(0));
  const ts = 1_780_000_000;
  const signature = await signWebhook(SECRET, ts, body);
  assert.ok(await verifyWebhook(SECRET, { signature, timestamp: String(ts) }, body, ts + 299));
  assert.equal(await verifyWebhook(SECRET, { signature, timestamp: String(ts) }, body, ts + 301), false);
  assert.equal(await verifyWebhook(SECRET, { signature, timestamp: "x" }, body, ts), false);
});

Deno.test("loadWebhookConfig() takes http(s) URLs only and needs a secret of 16 characters with them", () => {
  assert.deepEqual(loadWebhookConfig({}).urls, []);
  const bad = (env: Record<string, string>, name: string) =>
    assert.throws(() => loadWebhookConfig(env), (e) => e instanceof ConfigError && e.setting === name);
  bad({ ALERT_WEBHOOK_URLS: "ftp://127.0.0.1/x", ALERT_WEBHOOK_SECRET: SECRET }, "ALERT_WEBHOOK_URLS");
  bad({ ALERT_WEBHOOK_URLS: "not a url", ALERT_WEBHOOK_SECRET: SECRET }, "ALERT_WEBHOOK_URLS");
  bad({ ALERT_WEBHOOK_URLS: "http://127.0.0.1/x" }, "ALERT_WEBHOOK_SECRET");
  bad({ ALERT_WEBHOOK_URLS: "http://127.0.0.1/x", ALERT_WEBHOOK_SECRET: "short" }, "ALERT_WEBHOOK_SECRET");
  bad(
    { ALERT_WEBHOOK_URLS: "http://127.0.0.1/x", ALERT_WEBHOOK_SECRET: SECRET, ALERT_WEBHOOK_QUEUE: "0" },
    "ALERT_WEBHOOK_QUEUE",
  );
  const ok = config("http://127.0.0.1:9/a, https://127.0.0.1:9/b");
  assert.deepEqual(ok.urls, ["http://127.0.0.1:9/a", "https://127.0.0.1:9/b"]);
  assert.equal(ok.maxPending, 1000);
});

Deno.test("AlertWebhooks logs a failed delivery with the URL's origin only (its path often holds a secret)", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close(); // nothing listens there now: the connection is refused
  const url = `http://127.0.0.1:${port}/services/T0/B0/s3cr3tPathToken`;
  const { counts, count } = counter();
  const logged: Record<string, unknown>[] = [];
  const hooks = new AlertWebhooks({
    config: config(url, { ALERT_WEBHOOK_MAX_ATTEMPTS: "1" }),
    count,
    log: (_message, fields) => logged.push(fields),
  });
  try {
    hooks.send(alert(0));
    await until("failed", () => counts.failed === 1);
    assert.equal(logged[0]!.url, `http://127.0.0.1:${port}`);
    assert.ok(!JSON.stringify(logged).includes("s3cr3t"), JSON.stringify(logged));
  } finally {
    await hooks.close();
  }
});

Deno.test("alert_webhook_deliveries_total has one series per outcome, from zero", async () => {
  const metrics = createMetrics();
  metrics.webhookDelivery("retried");
  const text = await metrics.text();
  for (const outcome of ["delivered", "failed", "dropped"]) {
    assert.match(text, new RegExp(`alert_webhook_deliveries_total\\{outcome="${outcome}"\\} 0`));
  }
  assert.match(text, /alert_webhook_deliveries_total\{outcome="retried"\} 1/);
});
