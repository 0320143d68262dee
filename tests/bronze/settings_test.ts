import assert from "node:assert/strict";
import { ConfigError } from "../../src/config.ts";
import { BRONZE_SETTINGS, loadBronzeConfig } from "../../src/bronze/settings.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";

Deno.test("loadBronzeConfig() without KAFKA_BOOTSTRAP_SERVERS selects the NDJSON sink with defaults", () => {
  const config = loadBronzeConfig({});
  assert.equal(config.kafka, null);
  assert.equal(config.schemaRegistry, null);
  assert.equal(config.bronzeDir, "./data/bronze");
  assert.equal(config.topics.lmp_dam, "ingestion.market.caiso.lmp.dam.raw.v1");
  assert.equal(config.topics.crr, DATASETS.crr.topic);
  assert.deepEqual(config.outbox, {
    path: "./data/bronze_outbox.kv",
    maxRows: 1_000_000,
    batchMaxRows: 10_000,
    lingerMs: 50,
  });
  assert.equal(config.shutdownTimeoutMs, 10_000);
});

Deno.test("loadBronzeConfig() reads brokers, TLS, SASL and topic creation settings", () => {
  const config = loadBronzeConfig({
    KAFKA_BOOTSTRAP_SERVERS: "b1:9092, b2:9092",
    KAFKA_SSL: "true",
    KAFKA_SASL_MECHANISM: "SCRAM-SHA-256",
    KAFKA_SASL_USERNAME: "svc",
    KAFKA_SASL_PASSWORD: "secret",
    KAFKA_TOPIC_PARTITIONS: "6",
    KAFKA_TOPIC_REPLICATION_FACTOR: "3",
    KAFKA_TOPIC_CLEANUP_POLICY: "compact, delete",
    SCHEMA_REGISTRY_URL: "http://registry:8081",
  });
  assert.deepEqual(config.kafka, {
    brokers: ["b1:9092", "b2:9092"],
    clientId: "oasis-stream",
    ssl: true,
    sasl: { mechanism: "scram-sha-256", username: "svc", password: "secret" },
    topics: { partitions: 6, replicationFactor: 3, cleanupPolicy: "compact,delete" },
    maxBatchBytes: 1_000_000,
  });
  assert.deepEqual(config.schemaRegistry, { url: "http://registry:8081" });
});

Deno.test("loadBronzeConfig() applies BRONZE_TOPICS overrides", () => {
  const config = loadBronzeConfig({ BRONZE_TOPICS: "lmp_dam=my.lmp, crr=my.crr" });
  assert.equal(config.topics.lmp_dam, "my.lmp");
  assert.equal(config.topics.crr, "my.crr");
  assert.equal(config.topics.as_dam, DATASETS.as_dam.topic);
});

Deno.test("loadBronzeConfig() names the variable of each bad setting", () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ KAFKA_BOOTSTRAP_SERVERS: "no-port" }, "KAFKA_BOOTSTRAP_SERVERS"],
    [{ KAFKA_BOOTSTRAP_SERVERS: "b:1", KAFKA_SSL: "yes" }, "KAFKA_SSL"],
    [{ KAFKA_BOOTSTRAP_SERVERS: "b:1", KAFKA_CLIENT: "node-rdkafka" }, "KAFKA_CLIENT"],
    [{ KAFKA_BOOTSTRAP_SERVERS: "b:1", KAFKA_SASL_MECHANISM: "gssapi" }, "KAFKA_SASL_MECHANISM"],
    [{ KAFKA_BOOTSTRAP_SERVERS: "b:1", KAFKA_SASL_MECHANISM: "plain" }, "KAFKA_SASL_USERNAME"],
    [{ KAFKA_BOOTSTRAP_SERVERS: "b:1", KAFKA_TOPIC_PARTITIONS: "0" }, "KAFKA_TOPIC_PARTITIONS"],
    [{ KAFKA_BOOTSTRAP_SERVERS: "b:1", KAFKA_TOPIC_CLEANUP_POLICY: "keep" }, "KAFKA_TOPIC_CLEANUP_POLICY"],
    [{ BRONZE_TOPICS: "lmp_xx=t" }, "BRONZE_TOPICS"],
    [{ BRONZE_TOPICS: "lmp_dam=bad topic" }, "BRONZE_TOPICS"],
    [{ BRONZE_OUTBOX_MAX_ROWS: "ten" }, "BRONZE_OUTBOX_MAX_ROWS"],
    [{ BRONZE_OUTBOX_MAX_ROWS: "10", BRONZE_BATCH_MAX_ROWS: "20" }, "BRONZE_BATCH_MAX_ROWS"],
    [{ SCHEMA_REGISTRY_URL: "http://r:8081" }, "SCHEMA_REGISTRY_URL"],
    [{ KAFKA_BOOTSTRAP_SERVERS: "b:1", SCHEMA_REGISTRY_URL: "ftp://r" }, "SCHEMA_REGISTRY_URL"],
  ];
  for (const [env, setting] of cases) {
    assert.throws(
      () => loadBronzeConfig(env),
      (e: unknown) => e instanceof ConfigError && e.setting === setting,
    );
  }
});

Deno.test("BRONZE_SETTINGS documents every variable once, each with a description", () => {
  const names = BRONZE_SETTINGS.map((s) => s.name);
  assert.equal(new Set(names).size, names.length);
  assert.ok(BRONZE_SETTINGS.every((s) => s.description.length > 10));
  const source = Deno.readTextFileSync(new URL("../../src/bronze/settings.ts", import.meta.url));
  const read = new Set([...source.matchAll(/env, "([A-Z_]+)"/g)].map((m) => m[1]));
  for (const name of read) assert.ok(names.includes(name!), `${name} is read but not documented`);
});
