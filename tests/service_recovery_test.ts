/**
 * The service started while OASIS is unreachable (as `deno task start` offline): the real service process
 * (`src/main.ts`) polls a port where nothing listens, says once why (connection refused, the host, a hint at
 * `deno task demo`), and `/health` is degraded with RT and DA missing. Then the simulator starts on that
 * port, and without waiting for a cron tick the service's retries bring RT and DA within 2 minutes:
 * `/health` says ok and `/api/current` has both markets fresh.
 */
import assert from "node:assert/strict";
import { startSimulator } from "../simulator/simulator.ts";
import { startServiceProcess, until } from "./service_process.ts";
import { freePort } from "./store/helpers.ts";

Deno.test("started without OASIS, the service says why once, and has RT and DA within 2 minutes of OASIS coming up", async () => {
  const oasisPort = freePort();
  const service = await startServiceProcess({
    CAISO_OASIS_BASE_URL: `http://127.0.0.1:${oasisPort}/oasisapi/SingleZip`,
    CAISO_OASIS_MIN_INTERVAL_MS: "0",
    // Two attempts 0.5 s apart: the runs at start fail within seconds. The breaker keeps its defaults.
    CAISO_OASIS_MAX_ATTEMPTS: "2",
    CAISO_OASIS_BACKOFF_MS: "500",
    OASIS_DATASETS: "lmp_rtm,lmp_dam",
    JOB_LOOKBACK_HOURS: "3",
  });
  const { lines, output } = service;
  const get = async (path: string) => {
    const res = await fetch(`${service.base}${path}`);
    return { status: res.status, body: await res.json() };
  };
  let sim: ReturnType<typeof startSimulator> | undefined;
  try {
    const failed = (dataset: string) => () =>
      Promise.resolve(
        lines().some((l) => l.message === "poll finished" && l.dataset === dataset && l.outcome === "failed")
          ? true
          : undefined,
      );
    await until("the failed run of lmp_rtm at start", 60_000, failed("lmp_rtm"))
      .then(() => until("the failed run of lmp_dam at start", 30_000, failed("lmp_dam")))
      .catch((e) => {
        throw new Error(`${e.message}\n${output()}`);
      });
    const down = lines().filter((l) => l.message === "OASIS unreachable");
    assert.equal(down.length, 1, "the cause is logged once, not once per request");
    assert.equal(down[0]!.cause, "refused");
    assert.equal(down[0]!.host, `127.0.0.1:${oasisPort}`);
    assert.match(String(down[0]!.hint), /deno task demo/);
    const before = await get("/health");
    assert.equal(before.status, 200, "still ready: it serves what it has");
    assert.equal(before.body.status, "degraded");
    assert.equal(before.body.markets.rt.status, "missing");
    assert.equal(before.body.markets.da.status, "missing");
    assert.ok(before.body.datasets.lmp_dam.nextRetryAt, "a retry is due");

    sim = startSimulator({ port: oasisPort });
    const up = Date.now();
    const fresh = await until("RT and DA fresh in /api/current and /health", 120_000, async () => {
      const current = (await get("/api/current?zone=sp15")).body.zones[0];
      const health = (await get("/health")).body;
      const ok = current.markets.rt.status === "fresh" && current.markets.da.status === "fresh" &&
        health.status === "ok";
      return ok ? { current, health } : undefined;
    }).catch((e) => {
      throw new Error(`${e.message}\n${output()}`);
    });
    const tookS = (Date.now() - up) / 1000;
    console.log(`RT and DA arrived ${tookS.toFixed(1)} s after OASIS came up`);
    assert.ok(fresh.current.rt_price !== null && fresh.current.da_price !== null);
    assert.equal(fresh.health.markets.rt.status, "fresh");
    assert.equal(fresh.health.markets.da.status, "fresh");
    assert.equal(lines().filter((l) => l.message === "OASIS unreachable").length, 1);
    assert.ok(lines().some((l) => l.message === "OASIS reachable again"));
  } finally {
    const stopped = await service.stop();
    await sim?.shutdown();
    assert.equal(stopped.code, 0, `the service stops cleanly on SIGTERM\n${stopped.stderr}`);
  }
});
