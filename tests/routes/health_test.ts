import assert from "node:assert/strict";
import type { HealthReport } from "../../src/live/health_report.ts";
import { startEdge } from "./helpers.ts";

async function health(report: () => HealthReport | Promise<HealthReport>) {
  const t = await startEdge({ health: report, seed: false });
  try {
    const res = await t.request("/health");
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    return { status: res.status, body: await res.json(), t };
  } finally {
    await t.close();
  }
}

Deno.test("[health] GET /health answers 200 with readiness details when store and Bronze are reachable", async () => {
  const { status, body } = await health(() => ({
    bronze: { sink: "kafka localhost:19092", reachable: true, outboxDepth: 12 },
    breaker: "closed",
    datasets: {
      lmp_rtm: { lastSuccess: "2026-07-01T20:00:10Z", newestInterval: "2026-07-01T19:55:00Z" },
    },
  }));
  assert.equal(status, 200);
  assert.equal(body.status, "ok");
  assert.equal(body.live, true);
  assert.equal(body.ready, true);
  assert.deepEqual(body.checks.store, { ok: true, backend: "kv", failed_writes: 0 });
  assert.equal(body.checks.bronze.outboxDepth, 12);
  assert.equal(body.checks.bronze.ok, true);
  assert.deepEqual(body.checks.oasis, { ok: true, breaker: "closed" });
  assert.equal(body.checks.websocket.clients, 0);
  assert.equal(body.datasets.lmp_rtm.newestInterval, "2026-07-01T19:55:00Z");
});

Deno.test("[health] an unreachable Bronze sink makes the service not ready: 503", async () => {
  const { status, body } = await health(() => ({
    bronze: { sink: "kafka", reachable: false, outboxDepth: 5000, detail: "broker down" },
    breaker: "closed",
  }));
  assert.equal(status, 503);
  assert.equal(body.ready, false);
  assert.equal(body.status, "unavailable");
  assert.equal(body.checks.bronze.detail, "broker down");
});

Deno.test("[health] an open OASIS breaker is degraded but still ready", async () => {
  const { status, body } = await health(() => ({ breaker: "open" }));
  assert.equal(status, 200);
  assert.equal(body.status, "degraded");
  assert.equal(body.checks.oasis.ok, false);
});

Deno.test("[health] a closed store is not ready: 503", async () => {
  const t = await startEdge({ seed: false });
  try {
    await t.store.close();
    const res = await t.request("/health");
    assert.equal(res.status, 503);
    assert.equal((await res.json()).checks.store.ok, false);
  } finally {
    await t.close();
  }
});

Deno.test("[health] a failing health report answers 503 with the reason, not 500", async () => {
  const { status, body } = await health(() => Promise.reject(new Error("lost track")));
  assert.equal(status, 503);
  assert.match(body.checks.bronze.detail, /lost track/);
});

Deno.test("[health] GET /health/live answers 200", async () => {
  const t = await startEdge({ seed: false });
  try {
    const res = await t.request("/health/live");
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { live: true });
  } finally {
    await t.close();
  }
});

Deno.test("[health] job coordination on its local mirror (Redis down) is degraded but still ready", async () => {
  const { status, body } = await health(() => ({
    coordination: { kind: "redis", reachable: false, fallbacks: 4 },
  }));
  assert.equal(status, 200);
  assert.equal(body.status, "degraded");
  assert.deepEqual(body.checks.coordination, { kind: "redis", reachable: false, fallbacks: 4, ok: false });
});

Deno.test("[health] an OASIS gate spacing only locally is degraded; a shared one is ok", async () => {
  const local = await health(() => ({ gate: { shared: "redis", state: "local", fallbacks: 2 } }));
  assert.equal(local.status, 200);
  assert.equal(local.body.status, "degraded");
  assert.deepEqual(local.body.checks.oasis.gate, { shared: "redis", state: "local", fallbacks: 2 });
  const shared = await health(() => ({ gate: { shared: "kv", state: "shared", fallbacks: 0 } }));
  assert.equal(shared.body.status, "ok");
});

Deno.test("[health] a market without data or with stale data makes /health degraded, still ready, and says which", async () => {
  const { status, body } = await health(() => ({
    breaker: "closed",
    datasets: {
      lmp_rtm: { lastSuccess: null, newestInterval: "2026-07-01T19:00:00Z" },
      lmp_fmm: { lastSuccess: null, newestInterval: "2026-07-01T19:45:00Z" },
      lmp_dam: { lastSuccess: null, newestInterval: null },
    },
  }));
  assert.equal(status, 200);
  assert.equal(body.ready, true);
  assert.equal(body.status, "degraded");
  assert.deepEqual(body.markets, {
    rt: { newest: "2026-07-01T19:00:00.000Z", age_s: 3720, status: "stale" },
    fmm: { newest: "2026-07-01T19:45:00.000Z", age_s: 1020, status: "fresh" },
    da: { newest: null, age_s: null, status: "missing" },
  });
});
