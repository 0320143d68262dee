/** `AnalyticsPool`: errors keep their meaning across the worker, the queue is bounded, a broken worker fails fast. */
import assert from "node:assert/strict";
import { NoPricesError } from "../../src/analytics/arbitrage_day.ts";
import { resolveBattery } from "../../src/analytics/battery.ts";
import { AnalyticsPool, AnalyticsUnavailableError } from "../../src/analytics/analytics_pool.ts";
import { STALLING_WORKER } from "../routes/arbitrage_server.ts";

const empty = { startMs: Date.UTC(2026, 5, 30, 7), intervalMinutes: 60, prices: [] };
const battery = resolveBattery({ powerMw: 1, energyMwh: 4 });

Deno.test("AnalyticsPool rebuilds the analytics' errors (NoPricesError answers 404)", async () => {
  const pool = new AnalyticsPool({ deadlineMs: 60_000 });
  try {
    const day = { da: empty, fmm: empty, rt: empty };
    await assert.rejects(pool.day({ day, battery, options: { market: "da" } }), NoPricesError);
  } finally {
    pool.close();
  }
});

Deno.test("AnalyticsPool refuses jobs past maxQueued at once, and close() fails the waiting ones", async () => {
  const pool = new AnalyticsPool({ deadlineMs: 60_000, maxQueued: 2, workerUrl: STALLING_WORKER });
  const stuck = { ...battery, degradation: 777 };
  const day = { da: empty, fmm: empty, rt: empty };
  const running = pool.day({ day, battery: stuck, options: { market: "da" } });
  const waiting = pool.day({ day, battery: stuck, options: { market: "da" } });
  await assert.rejects(
    pool.day({ day, battery: stuck, options: { market: "da" } }),
    (e: unknown) => e instanceof AnalyticsUnavailableError && /Too many/.test(e.message),
  );
  pool.close();
  await assert.rejects(running, /shutting down/);
  await assert.rejects(waiting, /shutting down/);
});

Deno.test("AnalyticsPool fails the jobs of a worker that cannot load instead of restarting it for ever", async () => {
  const broken = new URL(`data:application/javascript,${encodeURIComponent("throw new Error('no module')")}`);
  const pool = new AnalyticsPool({ deadlineMs: 60_000, workerUrl: broken });
  try {
    await assert.rejects(
      pool.zone({ day: { da: empty, fmm: empty, rt: empty }, battery, strategyHours: 4, live: null }),
      /Analytics worker failed/,
    );
  } finally {
    pool.close();
  }
});

Deno.test("AnalyticsPool stops its idle worker and starts a fresh one for the next job", async () => {
  const pool = new AnalyticsPool({ deadlineMs: 60_000, idleMs: 50 });
  const day = { da: empty, fmm: empty, rt: empty };
  try {
    assert.equal(pool.workerRunning, false, "no worker before the first job");
    await assert.rejects(pool.day({ day, battery, options: { market: "da" } }), NoPricesError);
    assert.equal(pool.workerRunning, true);
    const deadline = Date.now() + 10_000;
    while (pool.workerRunning && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(pool.workerRunning, false, "the worker stops after idleMs without a job");
    await assert.rejects(pool.day({ day, battery, options: { market: "da" } }), NoPricesError);
    assert.equal(pool.replaced, 0, "stopping an idle worker is not a replacement");
  } finally {
    pool.close();
  }
});
