import assert from "node:assert/strict";
import { startEdge, type TestEdge } from "./helpers.ts";

const TOKEN = "s3cret-token-0123456789";

async function withEdge(env: Record<string, string>, fn: (t: TestEdge) => Promise<void>): Promise<void> {
  const t = await startEdge({ env });
  try {
    await fn(t);
  } finally {
    await t.close();
  }
}

const upgrade = (extra: Record<string, string> = {}) => ({
  headers: { Upgrade: "websocket", Connection: "Upgrade", ...extra },
});

Deno.test("[auth] without API_TOKEN the API is open", () =>
  withEdge({}, async (t) => {
    assert.equal((await t.request("/api/current")).status, 200);
  }));

Deno.test("[auth] with API_TOKEN, /api/* needs the bearer token and answers 401 JSON otherwise", () =>
  withEdge({ API_TOKEN: TOKEN }, async (t) => {
    const missing = await t.request("/api/current");
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get("content-type") ?? "", /application\/json/);
    assert.match(missing.headers.get("www-authenticate") ?? "", /Bearer/);
    assert.match((await missing.json()).error, /Missing bearer token/);
    const wrong = await t.request("/api/current", {
      headers: { Authorization: "Bearer wrong-token-xxxxxxxx" },
    });
    assert.equal(wrong.status, 401);
    assert.match((await wrong.json()).error, /Invalid bearer token/);
    const malformed = await t.request("/api/current", { headers: { Authorization: "Basic abc" } });
    assert.equal(malformed.status, 400);
    assert.ok((await malformed.json()).error);
    const huge = await t.request("/api/current", {
      headers: { Authorization: "Bearer " + "x".repeat(10_000) },
    });
    assert.equal(huge.status, 401);
    const good = await t.request("/api/current", { headers: { Authorization: `Bearer ${TOKEN}` } });
    assert.equal(good.status, 200);
    assert.equal((await t.request("/api/openapi.json")).status, 401);
    // The dashboard, health and metrics stay open.
    assert.equal((await t.request("/health")).status, 200);
    assert.equal((await t.request("/metrics")).status, 200);
    assert.equal((await t.request("/")).status, 200);
  }));

Deno.test("[auth] with API_TOKEN, /ws refuses an upgrade without the token (header or ?token=)", () =>
  withEdge({ API_TOKEN: TOKEN }, async (t) => {
    const res = await t.request("/ws", upgrade());
    assert.equal(res.status, 401);
    assert.match((await res.json()).error, /token/);
    assert.equal((await t.request(`/ws?token=nope-nope-nope-nope`, upgrade())).status, 401);
    // With the right token the request gets past auth (app.request() cannot upgrade: 400 from Deno).
    assert.notEqual((await t.request(`/ws?token=${TOKEN}`, upgrade())).status, 401);
    assert.notEqual((await t.request("/ws", upgrade({ Authorization: `Bearer ${TOKEN}` }))).status, 401);
  }));

Deno.test("[cors] by default no CORS headers are sent: same origin only", () =>
  withEdge({}, async (t) => {
    const res = await t.request("/api/current", { headers: { Origin: "https://evil.example" } });
    assert.equal(res.headers.get("access-control-allow-origin"), null);
  }));

Deno.test("[cors] configured origins get CORS headers and preflights; others do not", () =>
  withEdge({ CORS_ORIGINS: "https://trader.example, http://localhost:3000", API_TOKEN: TOKEN }, async (t) => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const allowed = await t.request("/api/current", {
      headers: { Origin: "https://trader.example", ...auth },
    });
    assert.equal(allowed.headers.get("access-control-allow-origin"), "https://trader.example");
    const other = await t.request("/api/current", { headers: { Origin: "https://evil.example", ...auth } });
    assert.equal(other.headers.get("access-control-allow-origin"), null);
    const preflight = await t.request("/api/current", {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:3000",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
      },
    });
    assert.equal(preflight.status, 204, "a preflight needs no token");
    assert.equal(preflight.headers.get("access-control-allow-origin"), "http://localhost:3000");
    assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /Authorization/i);
  }));

Deno.test("[cors] CORS_ORIGINS=* allows any origin", () =>
  withEdge({ CORS_ORIGINS: "*" }, async (t) => {
    const res = await t.request("/api/current", { headers: { Origin: "https://any.example" } });
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
  }));

Deno.test("[ws] an upgrade from another site's origin is refused with 403 unless listed", async () => {
  await withEdge({}, async (t) => {
    const res = await t.request("/ws", upgrade({ Origin: "https://evil.example" }));
    assert.equal(res.status, 403);
    assert.match((await res.json()).error, /evil\.example/);
    const same = await t.request("/ws", upgrade({ Origin: "http://localhost" }));
    assert.notEqual(same.status, 403);
  });
  await withEdge({ CORS_ORIGINS: "https://trader.example" }, async (t) => {
    assert.notEqual((await t.request("/ws", upgrade({ Origin: "https://trader.example" }))).status, 403);
  });
});

Deno.test("[ws] a plain GET /ws answers 426 and bad ?zones= answers 400 naming the parameter", () =>
  withEdge({}, async (t) => {
    const plain = await t.request("/ws");
    assert.equal(plain.status, 426);
    assert.match((await plain.json()).error, /WebSocket upgrade/);
    for (
      const zones of [
        "atlantis",
        "sp15,nowhere",
        "BAD!",
        Array.from({ length: 101 }, (_, i) => `z${i}`).join(","),
      ]
    ) {
      const res = await t.request(`/ws?zones=${encodeURIComponent(zones)}`, upgrade());
      assert.equal(res.status, 400, zones);
      assert.equal((await res.json()).parameter, "zones");
    }
  }));

Deno.test("[ws] an upgrade request Deno cannot accept answers 400, not 500", () =>
  withEdge({}, async (t) => {
    const res = await t.request("/ws", upgrade()); // no Sec-WebSocket-Key
    assert.equal(res.status, 400);
    assert.match((await res.json()).error, /Invalid WebSocket upgrade/);
  }));

Deno.test("[errors] unknown paths answer 404 JSON, other methods 405; nothing a client sends gives a 500", () =>
  withEdge({}, async (t) => {
    const res = await t.request("/nope");
    assert.equal(res.status, 404);
    assert.match((await res.json()).error, /Not found/);
    const cases: [string, RequestInit?][] = [
      ["/api/current", { method: "POST", body: "{not json" }],
      ["/api/history/%E0%A4%A?zone=sp15"],
      ["/api/history/24?zone=%E0%A4%A"],
      ["/api/current?zone=sp15&zone=np15"],
      ["/api/history/24?zone[]=sp15"],
      ["/api/alerts?limit=1e309"],
      ["/static/../deno.json"],
      ["/static/%2e%2e%2fdeno.json"],
      ["/api/current", { method: "DELETE" }],
    ];
    for (const [path, init] of cases) {
      const r = await t.request(path, init);
      assert.ok(r.status >= 400 && r.status < 500, `${path}: ${r.status}`);
      const body = await r.json();
      assert.equal(typeof body.error, "string");
      assert.ok(!JSON.stringify(body).includes("    at "), "no stack trace");
    }
  }));

Deno.test("[errors] a store fault answers 500 JSON without a stack trace", async () => {
  const t = await startEdge();
  try {
    t.store.history = () => Promise.reject(new Error("disk on fire"));
    const res = await t.request("/api/history/1?zone=sp15");
    assert.equal(res.status, 500);
    const body = await res.json();
    assert.deepEqual(body, { error: "Internal server error" });
  } finally {
    await t.close();
  }
});

Deno.test("[dashboard] GET / serves index.html with a CSP; modules, styles and Chart.js are served locally", () =>
  withEdge({}, async (t) => {
    const index = await t.request("/");
    assert.equal(index.status, 200);
    assert.match(index.headers.get("content-type") ?? "", /text\/html/);
    assert.match(index.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    const html = await index.text();
    assert.match(html, /\/vendor\/chart\.umd\.min\.js/);
    assert.ok(!/https?:\/\//.test(html.replace(/xmlns="[^"]*"/g, "")), "no CDN or other site");
    for (const src of html.matchAll(/(?:src|href)="(\/static\/[^"]+)"/g)) {
      const res = await t.request(src[1]!);
      assert.equal(res.status, 200, src[1]!);
      await res.body?.cancel();
    }
    const chart = await t.request("/vendor/chart.umd.min.js");
    assert.equal(chart.status, 200);
    assert.match(chart.headers.get("content-type") ?? "", /javascript/);
    assert.match((await chart.text()).slice(0, 200), /Chart\.js v4\.6\.1/);
    for (
      const [file, banner] of [["chartjs-plugin-zoom.min.js", /chartjs-plugin-zoom v2\.2\.0/], [
        "hammer.min.js",
        /Hammer\.JS - v2\.0/,
      ]] as const
    ) {
      const res = await t.request(`/vendor/${file}`);
      assert.equal(res.status, 200, file);
      assert.match((await res.text()).slice(0, 200), banner);
    }
    assert.equal((await t.request("/vendor/constructor")).status, 404);
    assert.equal((await t.request("/vendor/..%2Fdeno.json")).status, 404);
    assert.equal((await t.request("/static/missing.js")).status, 404);
  }));
