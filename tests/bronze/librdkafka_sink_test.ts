import assert from "node:assert/strict";
import { packMessages } from "../../src/bronze/outbox_entry.ts";
import { ConfigError } from "../../src/config.ts";
import { createBronze } from "../../src/bronze/bronze_service.ts";
import type { KafkaSettings } from "../../src/clients/kafka.ts";
import { createKafkaTopicAdmin } from "../../src/bronze/kafka_sink.ts";
import { LibrdkafkaUnavailableError, openLibrdkafka } from "../../src/clients/librdkafka.ts";
import {
  createLibrdkafkaSink,
  librdkafkaConfig,
  LibrdkafkaError,
  LibrdkafkaSink,
  type TopicAdmin,
} from "../../src/bronze/librdkafka_sink.ts";
import { loadBronzeConfig } from "../../src/bronze/settings.ts";
import { bronzeHeaders, type BronzeMessage, dlqTopic } from "../../src/bronze/sink.ts";
import { excerptFetch } from "./bronze_fixtures.ts";
import { assertReachable, bootstrap, consumeAll } from "./kafka_fixtures.ts";

const RUN = `${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 6)}`;

function settings(servers: string, overrides: Partial<KafkaSettings> = {}): KafkaSettings {
  return {
    brokers: servers.split(","),
    clientId: "it-librdkafka",
    ssl: false,
    sasl: null,
    topics: { partitions: 3, replicationFactor: 1, cleanupPolicy: "delete" },
    maxBatchBytes: 1_000_000,
    ...overrides,
  };
}

/** A topic admin that creates nothing (tests that never reach a broker). */
const noAdmin: TopicAdmin = { ensureTopics: () => Promise.resolve(), close: () => Promise.resolve() };

function envelopes(n: number, topic: string): BronzeMessage[] {
  return Array.from({ length: n }, (_, i) => ({
    topic: i % 10 === 9 ? dlqTopic(topic) : topic,
    key: `node-${i % 97}|2020-01-02T${String(i % 24).padStart(2, "0")}:00Z|${i}`,
    value: JSON.stringify({ i, node: "ÉLAN_€", payload: "x".repeat(i % 500) }),
    headers: bronzeHeaders("caiso.lmp.dam.raw", 1, i % 2 ? "lmp_dam" : "as_dam"),
  }));
}

Deno.test("librdkafkaConfig() keeps KafkaSink's guarantees and maps TLS and SASL", () => {
  const plain = librdkafkaConfig(settings("b1:9092,b2:9092"));
  assert.equal(plain["bootstrap.servers"], "b1:9092,b2:9092");
  assert.equal(plain["enable.idempotence"], "true");
  assert.equal(plain["acks"], "all");
  assert.equal(plain["compression.codec"], "gzip");
  assert.equal(plain["partitioner"], "murmur2_random");
  assert.equal(plain["security.protocol"], "PLAINTEXT");
  assert.equal(plain["sasl.mechanisms"], undefined);
  const secure = librdkafkaConfig(
    settings("b:9093", { ssl: true, sasl: { mechanism: "scram-sha-512", username: "svc", password: "pw" } }),
    { lingerMs: 20 },
  );
  assert.equal(secure["security.protocol"], "SASL_SSL");
  assert.equal(secure["sasl.mechanisms"], "SCRAM-SHA-512");
  assert.equal(secure["sasl.username"], "svc");
  assert.equal(secure["sasl.password"], "pw");
  assert.equal(secure["linger.ms"], "20");
  assert.equal(librdkafkaConfig(settings("b:1", { ssl: true }))["security.protocol"], "SSL");
});

Deno.test("loadBronzeConfig() reads KAFKA_CLIENT, auto by default, and names it when it is bad", () => {
  assert.equal(loadBronzeConfig({}).kafkaClient, "auto");
  assert.equal(loadBronzeConfig({ KAFKA_CLIENT: "LibRdKafka" }).kafkaClient, "librdkafka");
  assert.throws(
    () => loadBronzeConfig({ KAFKA_BOOTSTRAP_SERVERS: "b:1", KAFKA_CLIENT: "rdkafka" }),
    (e: unknown) => e instanceof ConfigError && e.setting === "KAFKA_CLIENT" && /"rdkafka"/.test(e.message),
  );
});

Deno.test("openLibrdkafka() names the librdkafka1 package when the library is missing", () => {
  assert.throws(
    () => openLibrdkafka(["/nonexistent/librdkafka.so.1"]),
    (e: unknown) =>
      e instanceof LibrdkafkaUnavailableError && /apt-get install -y librdkafka1/.test(e.message),
  );
});

Deno.test("LibrdkafkaSink rejects a property librdkafka does not know, naming it", () => {
  assert.throws(
    () =>
      new LibrdkafkaSink({ settings: settings("b:1"), topicAdmin: noAdmin, extraConfig: { "no.such": "1" } }),
    (e: unknown) => e instanceof LibrdkafkaError && /"no\.such"/.test(e.message),
  );
});

Deno.test("LibrdkafkaSink.send() rejects when no broker acknowledges, and logs through the log function", async () => {
  const logged: string[] = [];
  const sink = new LibrdkafkaSink({
    settings: settings("127.0.0.1:9"),
    topicAdmin: noAdmin,
    messageTimeoutMs: 1_500,
    log: (_level, msg) => logged.push(msg),
  });
  try {
    await assert.rejects(
      sink.send(envelopes(20, "never")),
      (e: unknown) => e instanceof LibrdkafkaError && /20 of 20 messages not delivered/.test(e.message),
    );
    assert.ok(logged.some((m) => /^librdkafka .*Connection refused/.test(m)), logged.join("\n"));
  } finally {
    await sink.close();
  }
});

Deno.test("[kafka] LibrdkafkaSink delivers every key, value and header, and rejects for a missing topic", async () => {
  const servers = bootstrap();
  await assertReachable(servers);
  const topic = `it.librdkafka.${RUN}`;
  const s = settings(servers);
  const sink = createLibrdkafkaSink(s, { topicAdmin: createKafkaTopicAdmin(s) });
  const sent = envelopes(3_000, topic);
  try {
    await sink.ensureTopics([topic, dlqTopic(topic)]);
    await sink.send(sent.slice(0, 1_000));
    // Packed groups (what the outbox hands over) beside objects, in one call, as the drainer sends them.
    const packed = [
      packMessages(sent.slice(1_000, 1_700)).packed,
      packMessages(sent.slice(1_700, 2_000)).packed,
    ];
    await sink.sendGroups!([...packed, sent.slice(2_000, 2_500)]);
    await sink.send(sent.slice(2_500));
    await sink.send([]);
  } finally {
    await sink.close();
  }
  const consumed = await consumeAll(servers, [topic, dlqTopic(topic)]);
  assert.equal(consumed.length, sent.length);
  const byKey = new Map(consumed.map((c) => [`${c.topic}\u0000${c.key}`, c]));
  const decoder = new TextDecoder();
  for (const m of sent) {
    const c = byKey.get(`${m.topic}\u0000${m.key}`);
    assert.ok(c, `message ${m.key} missing from ${m.topic}`);
    assert.equal(decoder.decode(c.value), m.value);
    assert.deepEqual(c.headers, m.headers);
  }

  // auto.create.topics.enable=false on the test broker: the reports fail and the messages stay with the caller.
  const missing = new LibrdkafkaSink({ settings: s, topicAdmin: noAdmin, messageTimeoutMs: 3_000 });
  try {
    await assert.rejects(missing.send(envelopes(5, `it.librdkafka.missing.${RUN}`)), LibrdkafkaError);
  } finally {
    await missing.close();
  }
});

Deno.test("[kafka] KAFKA_CLIENT=librdkafka publishes the Bronze path through librdkafka", async () => {
  const servers = bootstrap();
  await assertReachable(servers);
  const topic = `ingestion.market.caiso.lmp.dam.raw.v1.it-librdkafka-${RUN}`;
  const kv = await Deno.openKv(":memory:");
  const config = loadBronzeConfig({
    KAFKA_BOOTSTRAP_SERVERS: servers,
    KAFKA_CLIENT: "librdkafka",
    BRONZE_TOPICS: `lmp_dam=${topic}`,
    BRONZE_LINGER_MS: "0",
  });
  const bronze = await createBronze(config, { kv, datasets: ["lmp_dam"] });
  try {
    assert.ok(bronze.sink instanceof LibrdkafkaSink);
    await bronze.publisher.publish(excerptFetch(), "lmp_dam");
    const expected = (await bronze.outbox.read(Number.MAX_SAFE_INTEGER))!.messages.slice();
    await bronze.start();
    while (bronze.outbox.depth > 0) await new Promise((r) => setTimeout(r, 50));
    const consumed = await consumeAll(servers, [topic]);
    assert.equal(consumed.length, expected.length);
    assert.deepEqual(
      new Set(consumed.map((c) => c.key)),
      new Set(expected.map((m) => m.key)),
    );
  } finally {
    assert.equal(await bronze.close(10_000), 0);
    kv.close();
  }
});
