import assert from "node:assert/strict";
import { loadLiveConfig } from "../../src/live/settings.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { startHttpServer } from "../../src/server.ts";
import { createRedisStore } from "../../src/store/redis_store.ts";
import { loadStoreConfig } from "../../src/store/settings.ts";
import { deletePrefix, requireRedisUrl } from "../store/helpers.ts";
import { NOW, priceRows, SP15, TestClock } from "../routes/helpers.ts";
import { TestSocket } from "./ws_helpers.ts";

Deno.test("[ws] with Redis, each server process fans out an update that another process published", async () => {
  const url = requireRedisUrl();
  const prefix = `test:${crypto.randomUUID()}:`;
  const env = { REDIS_URL: url, WS_HEARTBEAT_S: "0" };
  const clock = new TestClock(NOW);
  const open = async () => {
    const store = createRedisStore({ config: loadStoreConfig(env), prefix, clock: clock.now });
    await store.waitUntilReady(10_000);
    return store;
  };
  // One poller and two edge processes, each with its own Redis connections and subscription.
  const poller = await open();
  const edges = await Promise.all([open(), open()]);
  const servers = await Promise.all(edges.map((store) =>
    startHttpServer({
      config: { port: 0, hostname: "127.0.0.1", live: loadLiveConfig(env), store: loadStoreConfig(env) },
      store,
      metrics: createMetrics(),
      health: () => ({}),
      now: clock.now,
    })
  ));
  try {
    await poller.ingest(priceRows("lmp_rtm", SP15, "2026-07-01T19:50:00Z", [31, 32]));
    const clients = await Promise.all(
      servers.map((s) => TestSocket.open(`${s.url.replace("http", "ws")}/ws?zones=sp15`)),
    );
    for (const c of clients) assert.equal((await c.next("snapshot")).current[0]!.rt_price, 32);
    await poller.ingest(priceRows("lmp_rtm", SP15, "2026-07-01T20:00:00Z", [47.5]));
    for (const c of clients) {
      const u = await c.next("update");
      assert.equal(u.update.price, 47.5);
      assert.equal(u.update.timestamp, "2026-07-01T20:00:00Z");
    }
    for (const c of clients) await c.close();
  } finally {
    for (const s of servers) await s.shutdown();
    for (const store of [poller, ...edges]) await store.close();
    await deletePrefix(url, prefix);
  }
});
