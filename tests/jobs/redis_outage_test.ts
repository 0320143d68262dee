/**
 * The service's wiring (`openService`, the scheduled poll `pollOnce`) against the OASIS simulator
 * over HTTP and a real `redis-server` of its own (started and stopped with `scripts/redis.sh` on a separate
 * port and folder, so the shared server of the other tests is never stopped under them): with Redis
 * stopped, polls go on and Bronze gets the new rows; after a restart the next poll restores the store, and
 * no Bronze key is ever written twice with the same value.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { bronzeKey } from "../../src/bronze/envelope.ts";
import { loadConfig } from "../../src/config.ts";
import { pollOnce } from "../../src/jobs/service_runs.ts";
import type { Log } from "../../src/log.ts";
import type { DatasetName } from "../../src/oasis/datasets.ts";
import { openService } from "../../src/service.ts";
import { startSimulator } from "../../simulator/simulator.ts";
import { FailoverCoordination } from "../../src/coordination/failover_coordination.ts";
import type { RedisStore } from "../../src/store/redis_store.ts";
import { privateRedis, redisRaw, waitFor } from "../store/helpers.ts";

const redis = privateRedis("redis-outage", "REDIS_OUTAGE_PORT");
/** Bronze rows of one 5-minute interval: 3 hubs × LMP, MCE, MCC, MCL, MGHG. */
const PER_INTERVAL = 3 * 5;

/** Every Bronze line written so far under `dir`, with its dataset. */
async function bronzeLines(
  dir: string,
): Promise<Array<{ dataset: DatasetName; value: Record<string, unknown> }>> {
  const out: Array<{ dataset: DatasetName; value: Record<string, unknown> }> = [];
  for await (const topic of Deno.readDir(dir)) {
    if (topic.name.endsWith(".dlq")) continue;
    const dataset = topic.name.split(".").slice(3, 5).join("_") as DatasetName; // ingestion.market.caiso.lmp.rtm.raw.v1
    for await (const file of Deno.readDir(join(dir, topic.name))) {
      const text = await Deno.readTextFile(join(dir, topic.name, file.name));
      for (const line of text.split("\n").filter(Boolean)) out.push({ dataset, value: JSON.parse(line) });
    }
  }
  return out;
}

Deno.test({
  name:
    "[redis] with Redis stopped, polls go on: Bronze gets the rows, failed store writes are counted; after a restart the next poll restores the store, and no Bronze key repeats a value",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const url = await redis.start();
    await redisRaw(url, "FLUSHALL");
    const dir = await Deno.makeTempDir({ prefix: "redis-outage-" });
    const sim = startSimulator({ port: 0 });
    const config = loadConfig({
      REDIS_URL: url,
      REDIS_BACKOFF_MS: "50",
      REDIS_BACKOFF_MAX_MS: "300",
      REDIS_COMMAND_TIMEOUT_MS: "2000",
      CAISO_OASIS_BASE_URL: sim.url,
      CAISO_OASIS_MIN_INTERVAL_MS: "0",
      CAISO_OASIS_BACKOFF_MS: "0",
      CAISO_OASIS_MAX_ATTEMPTS: "1",
      OASIS_DATASETS: "lmp_rtm,lmp_dam,as_rtm",
      BRONZE_DIR: join(dir, "bronze"),
      BRONZE_OUTBOX_PATH: join(dir, "outbox.kv"),
      JOBS_KV_PATH: join(dir, "jobs.kv"),
    });
    const logs: string[] = [];
    const log: Log = (level, msg) => void logs.push(`${level} ${msg}`);
    const service = await openService(config, { log });
    const store = service.store as RedisStore;
    const coordination = service.coordination as FailoverCoordination;
    assert.ok(coordination instanceof FailoverCoordination);
    const poll = (dataset: DatasetName, iso: string) => {
      sim.simulator.clock.set(new Date(iso), { frozen: true });
      return pollOnce(service, dataset, new Date(iso));
    };
    const bronzeDir = join(dir, "bronze");
    const rtKey = "caiso:np15:rt:5min";
    try {
      // 1. Redis up: everything goes to Bronze, the store and the shared watermark.
      for (const d of ["lmp_rtm", "lmp_dam", "as_rtm"] as const) {
        const s = await poll(d, "2025-07-01T18:00:00Z");
        assert.equal(s.outcome, "done", `${d}: ${JSON.stringify(s.failures)}`);
      }
      const rtBefore = Number((await redisRaw(url, "ZCARD", rtKey))[0]);
      assert.ok(rtBefore > 200, `${rtBefore} RT intervals stored`);

      // 2. Redis stopped: the polls still fetch and publish; the store write fails and is counted.
      await redis.stop();
      await waitFor("the store to notice Redis is gone", () => !store.stats().connected);
      const down1 = await poll("lmp_rtm", "2025-07-01T18:30:00Z");
      assert.equal(down1.outcome, "failed", "the store did not take the rows: the window is asked again");
      assert.match(down1.failures[0]!.message, /Hot store did not accept/);
      assert.equal(down1.published, 6 * PER_INTERVAL, "the 6 new intervals reached Bronze");
      assert.equal(down1.watermark, "2025-07-01T18:00:00.000Z");
      assert.ok(store.stats().failedWrites >= 1);
      const dam = await poll("lmp_dam", "2025-07-01T18:30:00Z");
      assert.equal(dam.published, 0, "the 48 h revision re-poll finds its digests in the local mirror");
      const as = await poll("as_rtm", "2025-07-01T18:30:00Z");
      assert.equal(as.outcome, "done", "a dataset the hot store does not keep moves on");
      const down2 = await poll("lmp_rtm", "2025-07-01T18:45:00Z");
      assert.equal(
        down2.published,
        3 * PER_INTERVAL,
        "only the 3 newest intervals: the others are in Bronze",
      );
      assert.ok(store.stats().failedWrites >= 2);
      assert.ok(coordination.fallbacks > 0 && !coordination.reachable);
      const during = async () =>
        (await bronzeLines(bronzeDir)).filter((l) =>
          l.dataset === "lmp_rtm" && l.value.interval_start === "2025-07-01T18:40:00Z"
        ).length;
      for (let i = 0; (await during()) < PER_INTERVAL; i++) {
        if (i > 500) throw new Error("The outbox did not reach the NDJSON files while Redis was down");
        await new Promise((r) => setTimeout(r, 20));
      }

      // 3. Redis back, empty (no persistence): the next poll writes the store back and moves on.
      await redis.start();
      await store.waitUntilReady(15_000);
      assert.deepEqual(await redisRaw(url, "EXISTS", rtKey), ["0"], "a restarted server is empty");
      const back = await poll("lmp_rtm", "2025-07-01T19:00:00Z");
      assert.equal(back.outcome, "done", JSON.stringify(back.failures));
      assert.equal(back.published, 3 * PER_INTERVAL, "only 18:45..19:00 is new to Bronze");
      assert.equal(back.watermark, "2025-07-01T19:00:00.000Z");
      assert.equal(
        Number((await redisRaw(url, "ZCARD", rtKey))[0]),
        rtBefore + 12,
        "every interval, none lost",
      );
      const rtWatermark = await redisRaw(url, "GET", "caiso:jobs:watermark:lmp_rtm");
      assert.deepEqual(rtWatermark, [String(Date.parse("2025-07-01T19:00:00Z"))]);
      assert.equal(
        (await poll("lmp_dam", "2025-07-01T19:00:00Z")).published,
        0,
        "digests Redis lost come from the mirror",
      );
      await poll("as_rtm", "2025-07-01T19:00:00Z");
      const asWatermark = Number((await redisRaw(url, "GET", "caiso:jobs:watermark:as_rtm"))[0]);
      assert.ok(
        asWatermark >= Date.parse("2025-07-01T18:30:00Z"),
        "the outage's advance is written back to Redis",
      );
      assert.ok(coordination.reachable);
      assert.ok(
        logs.includes("warn redis job coordination unreachable; using its local mirror"),
        logs.join("\n"),
      );
      assert.ok(logs.includes("info redis job coordination reachable again"), logs.join("\n"));
    } finally {
      const left = await service.close();
      assert.equal(left, 0);
      await sim.shutdown();
      await redis.stop();
    }
    // Every fact reached Bronze once per value: a re-fetch during or after the outage sent nothing twice.
    const seen = new Map<string, number>();
    for (const { dataset, value } of await bronzeLines(bronzeDir)) {
      const id = `${bronzeKey(dataset, value as Parameters<typeof bronzeKey>[1])}=${value.value}`;
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    assert.deepEqual([...seen].filter(([, n]) => n > 1), []);
    const outage = [...seen.keys()].filter((k) =>
      k.startsWith("lmp_rtm|") && /2025-07-01T18:(30|35|40):00Z/.test(k)
    );
    assert.equal(outage.length, 3 * PER_INTERVAL, "the intervals published while Redis was down, once each");
    await Deno.remove(dir, { recursive: true });
  },
});
