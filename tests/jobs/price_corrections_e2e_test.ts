/**
 * End to end: a price correction told to the simulator (served over HTTP) flows from `PRC_CORR_GRP` through
 * the correction job to Bronze (the real Kafka broker), the Redis hot store, `GET /api/history?as_of=` and a
 * WebSocket client of the real server. Needs REDIS_URL and KAFKA_BOOTSTRAP_SERVERS; fails loudly without.
 */
import assert from "node:assert/strict";
import { deliverWindow } from "../../src/jobs/deliver.ts";
import { runPriceCorrections } from "../../src/jobs/price_corrections.ts";
import { loadLiveConfig } from "../../src/live/settings.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { OasisClient } from "../../src/oasis/client.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";
import { RequestGate } from "../../src/oasis/gate.ts";
import { operatingDay } from "../../src/oasis/time.ts";
import { planWindows } from "../../src/oasis/windows.ts";
import { startHttpServer } from "../../src/server.ts";
import { startSimulator } from "../../simulator/simulator.ts";
import { KvCoordination } from "../../src/coordination/kv_coordination.ts";
import { createRedisStore } from "../../src/store/redis_store.ts";
import { loadStoreConfig } from "../../src/store/settings.ts";
import { TestSocket } from "../live/ws_helpers.ts";
import { deletePrefix, requireRedisUrl, SP15, TestClock } from "../store/helpers.ts";
import { createBronze } from "../../src/bronze/bronze_service.ts";
import { loadBronzeConfig } from "../../src/bronze/settings.ts";
import { assertReachable, bootstrap, consumeAll } from "../bronze/kafka_fixtures.ts";

const NOW = "2026-07-01T20:02:00Z";
const DAY = "2026-06-30";
const HOUR = "2026-06-30T20:00:00Z"; // hour ending 14 PDT

Deno.test("[e2e] a PRC_CORR_GRP correction reaches Bronze, Redis, /api/history?as_of= and a WebSocket client", async () => {
  const redisUrl = requireRedisUrl();
  const servers = bootstrap();
  await assertReachable(servers);
  const topic = `ingestion.market.caiso.lmp.dam.raw.v1.it-corrections-${crypto.randomUUID().slice(0, 8)}`;
  const bronzeKv = await Deno.openKv(":memory:");
  const bronze = await createBronze(
    loadBronzeConfig({
      KAFKA_BOOTSTRAP_SERVERS: servers,
      BRONZE_TOPICS: `lmp_dam=${topic}`,
      BRONZE_LINGER_MS: "0",
    }),
    { kv: bronzeKv, datasets: ["lmp_dam"] },
  );
  await bronze.start();
  const prefix = `test:${crypto.randomUUID()}:`;
  const env = { REDIS_URL: redisUrl, WS_HEARTBEAT_S: "0" };
  const clock = new TestClock(NOW);
  const sim = startSimulator({ port: 0, now: () => new Date(NOW) });
  sim.simulator.clock.set(new Date(NOW), { frozen: true });
  const store = createRedisStore({ config: loadStoreConfig(env), prefix, clock: clock.now });
  await store.waitUntilReady(10_000);
  const kv = await Deno.openKv(":memory:");
  const server = await startHttpServer({
    config: { port: 0, hostname: "127.0.0.1", live: loadLiveConfig(env), store: loadStoreConfig(env) },
    store,
    metrics: createMetrics(),
    health: () => ({}),
    now: clock.now,
  });
  const client = new OasisClient({
    baseUrl: sim.url,
    gate: new RequestGate({ minIntervalMs: 0, ratePerMinute: 1_000_000 }),
    maxAttempts: 1,
  });
  const deps = {
    client,
    publisher: bronze.publisher,
    store,
    coordination: new KvCoordination({ kv, clock: clock.now }),
    nodes: (d: string) => d === "lmp_dam" ? { nodes: [SP15] } : undefined,
    settings: { days: 14, digestTtlMs: 16 * 86_400_000, lockTtlMs: 600_000 },
  };
  const history = async (asOf?: string) => {
    const query = asOf ? `&as_of=${asOf}` : "";
    const res = await fetch(`${server.url}/api/history/48?zone=sp15&type=da${query}`);
    assert.equal(res.status, 200);
    const body = await res.json();
    return body.points.find((p: { timestamp: string }) => p.timestamp === HOUR).price as number;
  };
  try {
    // The day as the scheduled poll published it, the day before.
    for (const window of planWindows(DATASETS.lmp_dam, operatingDay(DAY), { nodes: [SP15] })) {
      const fetched = await client.fetchWindow(window);
      await deliverWindow(window, fetched, deps, { now: new Date("2026-06-29T21:00:00Z"), digestTtlMs: 1e9 });
    }
    const original = await history();
    const socket = await TestSocket.open(`${server.url.replace("http", "ws")}/ws?zones=sp15`);
    await socket.next("snapshot");

    const told = await fetch(`${sim.url.replace("/oasisapi/SingleZip", "")}/sim/corrections`, {
      method: "POST",
      body: JSON.stringify({ market: "DAM", trade_date: DAY, hours: [14], delta: 7.25 }),
    });
    assert.equal(told.status, 201);
    await told.body?.cancel();
    const summary = await runPriceCorrections(deps, new Date(NOW));
    assert.equal(summary.outcome, "done");
    assert.deepEqual(summary.refetched, [`lmp_dam@${DAY}`]);

    // Bronze (consumed back from Kafka): only the corrected hour's changed components, as revision 1.
    while (bronze.outbox.depth > 0) await new Promise((r) => setTimeout(r, 50));
    const decoder = new TextDecoder();
    const consumed = (await consumeAll(servers, [topic])).map((c) => JSON.parse(decoder.decode(c.value)));
    assert.equal(consumed.filter((e) => e.revision === 0).length, 24 * 5, "the day first published: 0");
    const sent = consumed.filter((e) => e.revision > 0);
    assert.deepEqual(
      sent.map((e) => `${e.component} ${e.interval_start} ${e.revision} ${e.revision_reason}`).sort(),
      [`LMP ${HOUR} 1 price_correction`, `MCE ${HOUR} 1 price_correction`],
    );
    const corrected = Math.round((original + 7.25) * 1e5) / 1e5;
    assert.equal(sent.find((e) => e.component === "LMP").value, corrected);
    // WebSocket: a revised update with the previous price.
    const update = (await socket.next("update")).update;
    assert.deepEqual([update.timestamp, update.revised, update.previous_price], [HOUR, true, original]);
    assert.equal(update.price, corrected);
    // Redis and the API: latest by default, the first published price as of before the correction.
    assert.equal(await history(), corrected);
    assert.equal(await history("2026-07-01T12:00:00Z"), original);
    assert.equal(await history("2026-07-01T20:02:00Z"), corrected);
    await socket.close();
  } finally {
    await server.shutdown();
    await store.close();
    kv.close();
    await sim.shutdown();
    await bronze.close(10_000);
    bronzeKv.close();
    await deletePrefix(redisUrl, prefix);
  }
});
