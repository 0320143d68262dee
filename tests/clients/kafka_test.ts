/** The kafkajs client configuration built from Bronze's Kafka settings. */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Partitioners } from "kafkajs";
import {
  JavaCompatiblePartitioner,
  kafkaClientConfig,
  KAFKAJS_ENCODER_METHODS,
  murmur2,
} from "../../src/clients/kafka.ts";

const TOPICS = { partitions: 3, replicationFactor: 1, cleanupPolicy: "compact" };

Deno.test("kafkaClientConfig() passes TLS and SASL settings and routes kafkajs logs", () => {
  const logs: string[] = [];
  const config = kafkaClientConfig({
    brokers: ["b1:9093"],
    clientId: "c",
    ssl: true,
    sasl: { mechanism: "scram-sha-512", username: "u", password: "p" },
    topics: TOPICS,
    maxBatchBytes: 1e6,
  }, (_level, msg) => logs.push(msg));
  assert.equal(config.ssl, true);
  assert.deepEqual(config.sasl, { mechanism: "scram-sha-512", username: "u", password: "p" });
  assert.deepEqual(config.brokers, ["b1:9093"]);
  const logger = config.logCreator!(0);
  logger({
    namespace: "Producer",
    level: 1,
    label: "ERROR",
    log: { message: "boom", timestamp: "t", logger: "kafkajs" },
  });
  assert.deepEqual(logs, ["kafkajs Producer: boom"]);
});

Deno.test("murmur2() equals kafkajs's Java-compatible hash, so keys land on the same partitions", async () => {
  const { default: kafkajsMurmur2 } = await import("kafkajs/src/producer/partitioners/default/murmur2.js");
  const keys = ["", "a", "ab", "abc", "abcd", "ÉLAN_€|x", "\u{1F600}z", "x".repeat(3000)];
  for (let i = 0; i < 2000; i++) {
    keys.push(
      `lmp_dam|NODE_${i * 7919}|${"MCE".slice(0, i % 4)}|2020-01-02T${i % 24}:00:00Z${"é".repeat(i % 5)}`,
    );
  }
  for (const key of keys) assert.equal(murmur2(key), kafkajsMurmur2(key), key);
  assert.equal(murmur2(new TextEncoder().encode("ÉLAN_€|x")), kafkajsMurmur2("ÉLAN_€|x"));
});

Deno.test("JavaCompatiblePartitioner picks kafkajs's DefaultPartitioner's partition for string and Buffer keys", () => {
  const ours = JavaCompatiblePartitioner();
  const theirs = Partitioners.DefaultPartitioner();
  const partitionMetadata = [0, 1, 2, 3, 4].map((partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  for (let i = 0; i < 500; i++) {
    const text = `lmp_dam|NODE_${i * 7919}|LMP|ÉLAN_€${i}`;
    for (const key of [text, Buffer.from(text)]) {
      const args = { topic: "t", partitionMetadata, message: { key, value: "v" } };
      assert.equal(ours(args), theirs(args), text);
    }
  }
});

Deno.test("kafkajs encodes produce requests to the same bytes with the faster encoder methods", async () => {
  const { default: Encoder } = await import("kafkajs/src/protocol/encoder.js");
  const { default: produceRequest } = await import("kafkajs/src/protocol/requests/produce/v3/request.js");
  const headers = { "content-type": "application/json", "schema-name": "s", dataset: "lmp_dam" };
  const messages = Array.from({ length: 300 }, (_, i) => ({
    key: `k${i}`,
    value: `{"i":${i},"pad":"${"é".repeat(i * 13)}"}`,
    headers,
    timestamp: String(1_600_000_000_000 + i * 70_001),
  }));
  const encode = async () => {
    const request = produceRequest({
      acks: -1,
      timeout: 30_000,
      compression: 0,
      producerId: 7,
      producerEpoch: 0,
      topicData: [{ topic: "t", partitions: [{ partition: 0, firstSequence: 4_000_000, messages }] }],
    });
    return new Uint8Array(await request.encode());
  };
  const fast = await encode();
  const patched = {
    writeUVarInt: Encoder.prototype.writeUVarInt,
    ensureAvailable: Encoder.prototype.ensureAvailable,
  };
  Object.assign(Encoder.prototype, KAFKAJS_ENCODER_METHODS);
  try {
    assert.notEqual(Encoder.prototype.writeUVarInt, patched.writeUVarInt);
    assert.deepEqual(fast, await encode());
    for (
      const value of [0, 1, -1, 63, -64, 64, 2 ** 29, -(2 ** 30), 2 ** 31, -(2 ** 40), 1_600_000_000_000, 7n]
    ) {
      const original = new Encoder().writeVarLong(value).buffer;
      Object.assign(Encoder.prototype, patched);
      const faster = new Encoder().writeVarLong(value).buffer;
      Object.assign(Encoder.prototype, KAFKAJS_ENCODER_METHODS);
      assert.deepEqual(new Uint8Array(faster), new Uint8Array(original), String(value));
    }
  } finally {
    Object.assign(Encoder.prototype, patched);
  }
});
