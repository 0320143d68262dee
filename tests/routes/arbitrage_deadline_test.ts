/**
 * Issue 11: no arbitrage request can freeze the service. Degenerate batteries answer 400; every computation
 * runs in the analytics worker with a deadline, past which the request answers 503 JSON, the worker is
 * replaced and later requests are served; `/health/live` answers meanwhile; shutdown never waits on it.
 * Real HTTP servers throughout.
 */
import assert from "node:assert/strict";
import { STALLING_WORKER, startArbitrageServer } from "./arbitrage_server.ts";

const DAY = "date=2026-06-30";

/** The requests of issue 11 that froze the process, and the parameter each must be refused for. */
const FROZE: ReadonlyArray<[string, string]> = [
  ["/api/arbitrage?zone=sp15&energy_mwh=0.000001", "energy_mwh"],
  ["/api/arbitrage?zone=sp15&energy_mwh=1e-300", "energy_mwh"],
  ["/api/arbitrage?zone=sp15&power_mw=1000000&energy_mwh=0.0001", "energy_mwh"],
  ["/api/arbitrage?zone=sp15&duration_h=1e-300", "duration_h"],
  ["/api/arbitrage?zone=sp15&rte=1e-300", "rte"],
  ["/api/arbitrage?zone=sp15&soc_min=0.4999999&soc_max=0.5", "soc_min"],
  ["/api/arbitrage/summary?energy_mwh=1.1125369292536007e-308&power_mw=1", "energy_mwh"],
  ["/api/arbitrage?zone=sp15&cycles=101", "cycles"],
];

Deno.test("[arbitrage] a 1 Wh battery (and the other inputs that froze the server) answers 400 naming the parameter", async () => {
  // The server runs in a worker so that a frozen one makes these requests time out instead of hanging the test.
  const worker = new Worker(new URL("./arbitrage_server_worker.ts", import.meta.url).href, {
    type: "module",
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => reject(new Error(e.message));
    });
    for (const [path, parameter] of FROZE) {
      const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(20_000) });
      const body = await res.json();
      assert.equal(res.status, 400, `${path}: ${JSON.stringify(body)}`);
      assert.equal(body.parameter, parameter, path);
      const live = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(20_000) });
      assert.equal(live.status, 200);
      await live.body?.cancel();
    }
    // 1 GW on 10 kWh is a (strange) battery within the bounds: answered, not frozen.
    const fast = await fetch(`${url}/api/arbitrage?zone=sp15&${DAY}&power_mw=1000000&energy_mwh=0.01`, {
      signal: AbortSignal.timeout(20_000),
    });
    assert.equal(fast.status, 200);
    assert.ok(Number.isFinite((await fast.json()).value_usd));
  } finally {
    worker.terminate();
  }
});

Deno.test("[arbitrage] a computation past its deadline answers 503 JSON while /health/live answers; the next is served", async () => {
  const s = await startArbitrageServer({ deadlineMs: 1_500, workerUrl: STALLING_WORKER });
  try {
    const stuck = s.get(`/api/arbitrage?zone=sp15&${DAY}&degradation=777`);
    let settled = false;
    void stuck.then(() => settled = true, () => settled = true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const live = await s.get("/health/live");
    assert.equal(live.status, 200);
    await live.body?.cancel();
    assert.equal(settled, false, "/health/live answered while the computation was still running");
    const res = await stuck;
    assert.equal(res.status, 503);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    assert.match((await res.json()).error, /longer than 1500 ms/);
    assert.equal(s.pool.replaced, 1, "the stuck worker was terminated");
    const metrics = await (await s.get("/metrics")).text();
    assert.match(metrics, /^analytics_workers_replaced_total 1$/m);
    for (const path of [`/api/arbitrage?zone=sp15&${DAY}`, `/api/arbitrage/summary?${DAY}`]) {
      const next = await s.get(path);
      assert.equal(next.status, 200, path);
      await next.body?.cancel();
    }
    const summary = await s.get(`/api/arbitrage/summary?${DAY}&degradation=777`);
    assert.equal(summary.status, 503, "the summary has the same deadline");
    assert.match((await summary.json()).error, /longer than 1500 ms/);
  } finally {
    await s.close();
  }
});

Deno.test("[arbitrage] a real computation past a tiny ANALYTICS_DEADLINE_MS answers 503", async () => {
  const s = await startArbitrageServer({ deadlineMs: 1 });
  try {
    const res = await s.get(`/api/arbitrage?zone=sp15&${DAY}&market=rt`);
    assert.equal(res.status, 503);
    assert.match((await res.json()).error, /longer than 1 ms/);
  } finally {
    await s.close();
  }
});

Deno.test("[arbitrage] shutdown returns promptly while a computation runs, which answers 503", async () => {
  const s = await startArbitrageServer({ deadlineMs: 120_000, workerUrl: STALLING_WORKER });
  const stuck = s.get(`/api/arbitrage/summary?${DAY}&degradation=777`);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const started = performance.now();
  await s.close();
  const took = performance.now() - started;
  assert.ok(took < 10_000, `shutdown took ${took} ms`);
  const res = await stuck;
  assert.equal(res.status, 503);
  assert.match((await res.json()).error, /shutting down/);
});
