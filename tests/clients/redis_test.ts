/** The Redis client's reconnect policy, and a hot store built on an injected client without a server. */
import assert from "node:assert/strict";
import { reconnectDelay, type RedisClient } from "../../src/clients/redis.ts";
import { RedisStore } from "../../src/store/redis_store.ts";
import { NP15, priceRows, testConfig } from "../store/helpers.ts";

Deno.test("reconnectDelay() doubles from REDIS_BACKOFF_MS up to REDIS_BACKOFF_MAX_MS, with jitter in the upper half", () => {
  const s = testConfig({ REDIS_URL: "redis://h", REDIS_BACKOFF_MS: "100", REDIS_BACKOFF_MAX_MS: "1000" })
    .redis!;
  assert.deepEqual([1, 2, 3, 4, 5, 60].map((n) => reconnectDelay(n, s, () => 1)), [
    100,
    200,
    400,
    800,
    1000,
    1000,
  ]);
  assert.deepEqual([1, 4, 60].map((n) => reconnectDelay(n, s, () => 0)), [50, 400, 500]);
});

/** A client that never connects: every command would fail, and `status` says so. */
function disconnectedClient() {
  const calls: string[] = [];
  const client = {
    status: "connecting",
    on: () => client,
    once: () => client,
    off: () => client,
    eval: () => Promise.reject(new Error("Connection is closed.")),
    disconnect: () => void calls.push("disconnect"),
    quit: () => Promise.resolve(void calls.push("quit")),
  };
  return { client: client as unknown as RedisClient, calls };
}

Deno.test("RedisStore on an injected client that never connects keeps the poll in memory and closes the client", async () => {
  const { client, calls } = disconnectedClient();
  const clock = () => new Date("2025-06-10T19:07:00Z");
  const store = new RedisStore({ client, config: testConfig({ REDIS_URL: "redis://h" }), clock });
  const result = await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T18:55:00Z", [41, 42]));
  assert.equal(result.stored, false);
  assert.equal(result.updates.length, 2);
  const current = await store.current("np15");
  assert.equal(current.stale, true);
  assert.equal(current.value?.rt_price, 42);
  assert.deepEqual(store.stats().failedWrites, 1);
  await store.close();
  assert.deepEqual(calls, ["disconnect"]);
});
