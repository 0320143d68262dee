import assert from "node:assert/strict";
import { join } from "node:path";
import { createBronze } from "../../src/bronze/bronze_service.ts";
import { loadBronzeConfig } from "../../src/bronze/settings.ts";
import { excerptFetch, FakeSink } from "./bronze_fixtures.ts";

Deno.test("createBronze() without Kafka writes the same envelopes as NDJSON files", async () => {
  const dir = await Deno.makeTempDir();
  const kv = await Deno.openKv(":memory:");
  try {
    const config = loadBronzeConfig({ BRONZE_DIR: dir, BRONZE_LINGER_MS: "0" });
    const bronze = await createBronze(config, { kv, datasets: ["lmp_dam"] });
    assert.equal(bronze.sink.kind, "ndjson");
    await bronze.start();
    const counts = await bronze.publisher.publish(excerptFetch(), "lmp_dam");
    assert.equal(counts.accepted, 288);
    assert.equal(await bronze.close(5000), 0);
    const topicDir = join(dir, "ingestion.market.caiso.lmp.dam.raw.v1");
    const files = [...Deno.readDirSync(topicDir)].map((e) => e.name);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^\d{4}-\d{2}-\d{2}\.ndjson$/);
    const lines = Deno.readTextFileSync(join(topicDir, files[0]!)).trimEnd().split("\n");
    assert.equal(lines.length, 288);
    assert.equal(JSON.parse(lines[0]!).node, "TH_NP15_GEN-APND");
    assert.ok(Deno.statSync(`${topicDir}.dlq`).isDirectory);
    assert.equal(bronze.metrics.published, 288);
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("createBronze() creates each dataset's topic and dead-letter topic on start", async () => {
  const kv = await Deno.openKv(":memory:");
  const sink = new FakeSink();
  const bronze = await createBronze(loadBronzeConfig({}), { kv, sink, datasets: ["lmp_dam", "crr"] });
  await bronze.start();
  assert.deepEqual(sink.topics, [
    "ingestion.market.caiso.lmp.dam.raw.v1",
    "ingestion.market.caiso.lmp.dam.raw.v1.dlq",
    "ingestion.market.caiso.crr.raw.v1",
    "ingestion.market.caiso.crr.raw.v1.dlq",
  ]);
  await bronze.close(1000);
  assert.ok(sink.closed);
  kv.close();
});
