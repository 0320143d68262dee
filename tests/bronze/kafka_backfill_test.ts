/**
 * A real backfill (`CaisoOasisConnector.runBatch`, the code path of `deno task backfill`) from the OASIS
 * simulator into the real Kafka broker, run again, then consumed back. Needs KAFKA_BOOTSTRAP_SERVERS
 * (`scripts/with_services.sh` starts the broker) and fails loudly without it.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { CaisoOasisConnector, loadConfig } from "../../mod.ts";
import { operatingDate } from "../../src/oasis/time.ts";
import { startSimulator } from "../../simulator/simulator.ts";
import { assertReachable, bootstrap, consumeAll, type Consumed } from "./kafka_fixtures.ts";

const RUN = `${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 6)}`;

function countByKey(consumed: readonly Consumed[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of consumed) counts.set(`${c.topic}|${c.key}`, (counts.get(`${c.topic}|${c.key}`) ?? 0) + 1);
  return counts;
}

Deno.test("[kafka] a backfill run twice into Kafka leaves the set of keys unchanged and every key's value arrives", async () => {
  const servers = bootstrap();
  await assertReachable(servers);
  const lmp = `ingestion.market.caiso.lmp.dam.raw.v1.it-backfill-${RUN}`;
  const as = `ingestion.market.caiso.as.dam.raw.v1.it-backfill-${RUN}`;
  const dir = await Deno.makeTempDir({ prefix: "kafka-backfill-test-" });
  const sim = startSimulator({ port: 0 });
  // Each connector is one process of its own: state files under `state`, one Kafka for all.
  const connector = (state: string) =>
    new CaisoOasisConnector(loadConfig({
      CAISO_OASIS_BASE_URL: sim.url,
      CAISO_OASIS_MIN_INTERVAL_MS: "0",
      CAISO_OASIS_BACKOFF_MS: "0",
      KAFKA_BOOTSTRAP_SERVERS: servers,
      BRONZE_TOPICS: `lmp_dam=${lmp},as_dam=${as}`,
      BRONZE_LINGER_MS: "0",
      BRONZE_OUTBOX_PATH: join(dir, state, "outbox.kv"),
      STORE_KV_PATH: join(dir, state, "hot.kv"),
      JOBS_KV_PATH: join(dir, state, "jobs.kv"),
    }));
  const day = operatingDate(new Date(Date.now() - 3 * 86_400_000));
  const batch = { startDate: day, endDate: day, dataTypes: ["lmp_dam", "as_dam"] as const };
  const published = (s: Awaited<ReturnType<CaisoOasisConnector["runBatch"]>>) =>
    [...s.datasets.values()].reduce((n, d) => n + d.published, 0);
  try {
    for (const state of ["a", "b"]) await Deno.mkdir(join(dir, state));
    const first = connector("a");
    let firstRows = 0;
    try {
      const once = await first.runBatch(batch);
      assert.deepEqual(once.failures, []);
      firstRows = published(once);
      assert.ok(firstRows > 0, "the first run publishes rows");
      // The same process again: its interval digests say nothing changed, so nothing is sent twice.
      const again = await first.runBatch(batch);
      assert.deepEqual(again.failures, []);
      assert.equal(published(again), 0);
    } finally {
      assert.equal(await first.close(), 0, "the outbox drained on close");
    }
    const afterTwo = countByKey(await consumeAll(servers, [lmp, as]));
    assert.equal(afterTwo.size, firstRows, "one key per published row");
    assert.deepEqual([...new Set(afterTwo.values())], [1]);
    for (const topic of [lmp, as]) {
      assert.ok([...afterTwo.keys()].some((k) => k.startsWith(`${topic}|`)), `rows reached ${topic}`);
    }

    // Another process without that state (a new machine, a wiped jobs file) sends every row again.
    const second = connector("b");
    try {
      const fresh = await second.runBatch(batch);
      assert.deepEqual(fresh.failures, []);
      assert.equal(published(fresh), firstRows);
    } finally {
      assert.equal(await second.close(), 0);
    }
    const consumed = await consumeAll(servers, [lmp, as]);
    const afterThree = countByKey(consumed);
    assert.deepEqual(
      [...afterThree.keys()].sort(),
      [...afterTwo.keys()].sort(),
      "the set of keys is unchanged",
    );
    assert.deepEqual([...new Set(afterThree.values())], [2], "every key's value arrived once per run");
    // Both values of a key describe the same fact: only the ingestion time may differ.
    const decoder = new TextDecoder();
    const facts = new Map<string, Set<string>>();
    for (const c of consumed) {
      const { provenance, ...fact } = JSON.parse(decoder.decode(c.value));
      const { ingested_at: _i, fetched_at: _f, ...source } = provenance;
      const id = `${c.topic}|${c.key}`;
      if (!facts.has(id)) facts.set(id, new Set());
      facts.get(id)!.add(JSON.stringify({ ...fact, source }));
    }
    assert.ok([...facts.values()].every((values) => values.size === 1), "the same value per key");
  } finally {
    await sim.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
