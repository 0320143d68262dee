/**
 * Redis going away and coming back, against a real `redis-server` of its own (started and stopped with
 * `scripts/redis.sh` on a separate port and folder, so the shared server used by the other tests is never
 * stopped under them).
 */
import assert from "node:assert/strict";
import { createRedisStore } from "../../src/store/redis_store.ts";
import type { PriceUpdate } from "../../src/store/store.ts";
import { NP15, priceRows, privateRedis, redisRaw, TestClock, testConfig, waitFor } from "./helpers.ts";

const redis = privateRedis("redis-failover", "REDIS_FAILOVER_PORT");
const FAST = { REDIS_BACKOFF_MS: "50", REDIS_BACKOFF_MAX_MS: "300", REDIS_COMMAND_TIMEOUT_MS: "2000" };

Deno.test({
  name:
    "[redis] with the server stopped, polls go on and count failed writes, reads turn stale, and the next poll after a restart restores the keys",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const url = await redis.start();
    const clock = new TestClock("2025-06-10T19:07:00Z");
    const store = createRedisStore({ config: testConfig({ REDIS_URL: url, ...FAST }), clock: clock.now });
    try {
      await redisRaw(url, "FLUSHALL");
      await store.waitUntilReady(10_000);
      const heard: PriceUpdate[] = [];
      await store.onUpdate(null, (u) => heard.push(u));
      const first = await store.ingest([
        ...priceRows("lmp_rtm", NP15, "2025-06-10T18:00:00Z", Array.from({ length: 12 }, (_, i) => 40 + i)),
        ...priceRows("lmp_fmm", NP15, "2025-06-10T18:45:00Z", [50]),
        ...priceRows("lmp_dam", NP15, "2025-06-10T18:00:00Z", [45, 46]),
      ]);
      assert.equal(first.stored, true);

      await redis.stop();
      await waitFor("the store to notice the server is gone", () => !store.stats().connected);
      clock.advance(60_000);
      const during = await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T19:00:00Z", [52]));
      assert.equal(during.stored, false);
      assert.equal(during.updates.length, 1);
      assert.equal(store.stats().failedWrites, 1);
      const current = await store.current("np15");
      assert.equal(current.stale, true);
      assert.equal(current.ageMs, 60_000);
      assert.equal(current.value?.rt_price, 52);
      assert.equal(current.value?.da_price, 46);
      const history = await store.history("np15", "RT");
      assert.equal(history.stale, true);
      assert.equal(history.value.length, 13);
      assert.deepEqual((await store.zones()).value, ["np15"]);
      assert.equal((await store.signals("np15", { date: "2025-06-10" })).stale, true);

      await redis.start();
      await store.waitUntilReady(15_000);
      assert.deepEqual(
        await redisRaw(url, "EXISTS", "caiso:np15:current"),
        ["0"],
        "a restarted server is empty",
      );
      // Pub/sub is live-only: wait until the subscriber connection has subscribed again.
      for (let i = 0; (await redisRaw(url, "PUBSUB", "NUMPAT"))[0] !== "1"; i++) {
        if (i > 500) throw new Error("The subscriber did not re-subscribe after the restart");
        await new Promise((r) => setTimeout(r, 20));
      }
      const after = await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T19:05:00Z", [53]));
      assert.equal(after.stored, true);
      assert.equal(store.stats().failedWrites, 1);
      assert.deepEqual(await redisRaw(url, "ZCARD", "caiso:np15:rt:5min"), ["14"]);
      assert.deepEqual(await redisRaw(url, "ZCARD", "caiso:np15:fmm:15min"), ["1"]);
      assert.deepEqual(await redisRaw(url, "ZCARD", "caiso:np15:da:hourly"), ["2"]);
      assert.deepEqual(await redisRaw(url, "HGET", "caiso:np15:current", "rt_price"), ["53"]);
      // The stream gets the entry it missed while down, then the new one.
      assert.deepEqual(await redisRaw(url, "XLEN", "caiso:np15:stream"), ["2"]);
      const fresh = await store.current("np15");
      assert.equal(fresh.stale, false);
      assert.equal(fresh.value?.rt_price, 53);
      await waitFor("the update published after the restart", () => heard.some((u) => u.price === 53));
    } finally {
      await store.close();
      await redis.stop();
    }
  },
});

Deno.test({
  name:
    "[redis] a store whose server is unreachable from the start still ingests, counting the failed writes",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const clock = new TestClock("2025-06-10T19:07:00Z");
    const store = createRedisStore({
      config: testConfig({ REDIS_URL: `redis://127.0.0.1:${port}`, ...FAST }),
      clock: clock.now,
    });
    try {
      const result = await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T19:00:00Z", [120]));
      assert.equal(result.stored, false);
      assert.equal(result.alerts.length, 1);
      assert.equal(store.stats().failedWrites, 1);
      assert.equal(store.stats().connected, false);
      const current = await store.current("np15");
      assert.equal(current.stale, true);
      assert.equal(current.value?.rt_price, 120);
      assert.equal((await store.alerts()).value.length, 1);
      await assert.rejects(
        () => store.waitUntilReady(200),
        /Cannot reach Redis at "redis:\/\/127\.0\.0\.1:\d+"/,
      );
    } finally {
      await store.close();
    }
  },
});
