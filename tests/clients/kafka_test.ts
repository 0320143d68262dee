/** The kafkajs client configuration built from Bronze's Kafka settings. */
import assert from "node:assert/strict";
import { kafkaClientConfig } from "../../src/clients/kafka.ts";

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
