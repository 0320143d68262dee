/**
 * `openBackends()` wiring of the job coordination and the OASIS gate's shared slots, on Deno KV files and on
 * the real Redis named by `REDIS_URL`; and the library connector reserving its requests there.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CaisoOasisConnector } from "../../src/connector.ts";
import { loadConfig } from "../../src/config.ts";
import { openBackends } from "../../src/service/backends.ts";
import { silentLog } from "../../src/log.ts";
import { startSimulator } from "../../simulator/simulator.ts";
import { KvCoordination } from "../../src/coordination/kv_coordination.ts";
import { FailoverCoordination } from "../../src/coordination/failover_coordination.ts";
import { redisRaw, requireRedisUrl, withDb } from "../store/helpers.ts";

function envFor(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_URL: "",
    KAFKA_BOOTSTRAP_SERVERS: "",
    BRONZE_DIR: join(dir, "bronze"),
    STORE_KV_PATH: join(dir, "hot.kv"),
    JOBS_KV_PATH: join(dir, "jobs.kv"),
    ...extra,
  };
}

const GAP = { minIntervalMs: 5000, ratePerMinute: 50 };

Deno.test("[kv] openBackends() gives the service and the backfill CLI one set of gate slots in JOBS_KV_PATH", async () => {
  const dir = await Deno.makeTempDir({ prefix: "backends-" });
  const config = loadConfig(envFor(dir));
  const service = await openBackends(config, { outboxPath: join(dir, "outbox.kv"), log: silentLog });
  const cli = await openBackends(config, { outboxPath: join(dir, "backfill_outbox.kv"), log: silentLog });
  try {
    assert.ok(service.coordination instanceof KvCoordination);
    assert.equal(service.gateSlots.kind, "deno kv");
    assert.equal(service.names.coordination, `deno kv ${join(dir, "jobs.kv")}`);
    assert.equal(await service.gateSlots.reserve({ now: 1000, ...GAP }), 1000);
    assert.equal(await cli.gateSlots.reserve({ now: 1000, ...GAP }), 6000, "after the service's start");
    await service.coordination.advanceWatermark("lmp_rtm", new Date("2025-07-01T10:00:00Z"));
    assert.equal((await cli.coordination.watermark("lmp_rtm"))?.toISOString(), "2025-07-01T10:00:00.000Z");
  } finally {
    for (const b of [service, cli]) {
      await b.closeBronze();
      await b.closeStore();
    }
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("[redis] openBackends() with REDIS_URL: gate slots on Redis, coordination on Redis mirrored in JOBS_KV_PATH", async () => {
  const url = withDb(requireRedisUrl(), 14);
  const dir = await Deno.makeTempDir({ prefix: "backends-" });
  const config = loadConfig(envFor(dir, { REDIS_URL: url }));
  await redisRaw(url, "FLUSHDB");
  const b = await openBackends(config, { outboxPath: join(dir, "outbox.kv"), log: silentLog });
  try {
    assert.ok(b.coordination instanceof FailoverCoordination);
    assert.equal(b.coordination.kind, "redis");
    assert.match(b.names.coordination, /^redis redis:\/\/.* \(mirror deno kv .*jobs\.kv\)$/);
    assert.equal(b.gateSlots.kind, "redis");
    const now = Date.now();
    assert.equal(await b.gateSlots.reserve({ now, ...GAP }), now);
    assert.deepEqual(await redisRaw(url, "LRANGE", "caiso:oasis:gate", "0", "-1"), [String(now)]);
    await b.coordination.advanceWatermark("lmp_rtm", new Date("2025-07-01T10:00:00Z"));
    const mirror = new KvCoordination({ kv: await Deno.openKv(join(dir, "jobs.kv")), ownsKv: true });
    assert.equal((await mirror.watermark("lmp_rtm"))?.toISOString(), "2025-07-01T10:00:00.000Z");
    await mirror.close();
  } finally {
    await b.closeBronze();
    await b.closeStore();
    await redisRaw(url, "FLUSHDB");
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the library connector reserves its OASIS requests in the gate slots of JOBS_KV_PATH", async () => {
  const dir = await Deno.makeTempDir({ prefix: "backends-" });
  const sim = startSimulator({ port: 0 });
  const connector = new CaisoOasisConnector(loadConfig(envFor(dir, {
    CAISO_OASIS_BASE_URL: sim.url,
    CAISO_OASIS_MIN_INTERVAL_MS: "1",
    // The guard is also how late a request may leave after its reserved start: room for a loaded machine's
    // timers, so that no ticket is missed and re-reserved (which would add a start).
    CAISO_OASIS_GUARD_MS: "500",
    BRONZE_OUTBOX_PATH: join(dir, "outbox.kv"),
    OASIS_DATASETS: "lmp_rtm",
  })));
  try {
    const [summary] = await connector.runRealtime({ now: new Date(Date.now() - 3_600_000) });
    assert.ok(summary && summary.requests > 0);
    await connector.close();
    const kv = await Deno.openKv(join(dir, "jobs.kv"));
    const starts = (await kv.get<number[]>(["oasis_gate", "starts"])).value ?? [];
    kv.close();
    assert.equal(starts.length, summary.requests, "one reserved start per request");
  } finally {
    await connector.close();
    await sim.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
