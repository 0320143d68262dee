import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { CompressionTypes, type ITopicConfig, type ProducerBatch } from "kafkajs";
import { type AdminLike, KafkaSink, type ProducerLike } from "../../src/bronze/kafka_sink.ts";
import { confluentValueEncoder, unframeConfluent } from "../../src/bronze/schema_registry.ts";
import { messages } from "./bronze_fixtures.ts";

class FakeKafka {
  batches: ProducerBatch[] = [];
  created: ITopicConfig[] = [];
  existing = ["already.there"];
  connects = 0;
  disconnects = 0;
  failSends = 0;
  /** CreateTopics calls that create the topics but then fail the leader check (a busy KRaft broker). */
  failLeaderChecks = 0;

  producer(): ProducerLike {
    return {
      connect: () => Promise.resolve(void this.connects++),
      disconnect: () => Promise.resolve(void this.disconnects++),
      sendBatch: (batch: ProducerBatch) => {
        if (this.failSends-- > 0) return Promise.reject(new Error("KafkaJSConnectionError"));
        this.batches.push(batch);
        return Promise.resolve([]);
      },
    } as ProducerLike;
  }

  admin(): AdminLike {
    return {
      connect: () => Promise.resolve(),
      disconnect: () => Promise.resolve(void this.disconnects++),
      listTopics: () => Promise.resolve([...this.existing]),
      createTopics: ({ topics }: { topics: ITopicConfig[] }) => {
        this.created.push(...topics);
        this.existing.push(...topics.map((t) => t.topic));
        if (this.failLeaderChecks-- > 0) {
          return Promise.reject(
            Object.assign(new Error("This server does not host this topic-partition"), { retriable: true }),
          );
        }
        return Promise.resolve(true);
      },
    } as AdminLike;
  }
}

const TOPICS = { partitions: 3, replicationFactor: 1, cleanupPolicy: "compact" };

function sinkOn(fake: FakeKafka, extra: Partial<ConstructorParameters<typeof KafkaSink>[0]> = {}) {
  return new KafkaSink({ producer: fake.producer(), admin: fake.admin(), topics: TOPICS, ...extra });
}

Deno.test("KafkaSink.ensureTopics() creates only missing topics, .dlq ones with cleanup.policy=delete", async () => {
  const fake = new FakeKafka();
  const sink = sinkOn(fake);
  await sink.ensureTopics(["already.there", "x.raw.v1", "x.raw.v1.dlq"]);
  await sink.ensureTopics(["x.raw.v1", "x.raw.v1.dlq"]);
  assert.deepEqual(fake.created, [
    {
      topic: "x.raw.v1",
      numPartitions: 3,
      replicationFactor: 1,
      configEntries: [{ name: "cleanup.policy", value: "compact" }],
    },
    {
      topic: "x.raw.v1.dlq",
      numPartitions: 3,
      replicationFactor: 1,
      configEntries: [{ name: "cleanup.policy", value: "delete" }],
    },
  ]);
  await sink.close();
});

Deno.test("KafkaSink.ensureTopics() tries again when the broker does not yet know a topic it just created", async () => {
  const fake = new FakeKafka();
  fake.failLeaderChecks = 1;
  const sink = sinkOn(fake);
  await sink.ensureTopics(["x.raw.v1"]);
  assert.deepEqual(fake.created.map((t) => t.topic), ["x.raw.v1"], "created once");
  await sink.close();
});

Deno.test("KafkaSink.ensureTopics() does not try again after an error that is not retriable", async () => {
  const fake = new FakeKafka();
  const admin = fake.admin();
  let calls = 0;
  const sink = new KafkaSink({
    producer: fake.producer(),
    admin: {
      ...admin,
      createTopics: () => Promise.reject(new Error(`Invalid replication factor ${++calls}`)),
    },
    topics: TOPICS,
  });
  await assert.rejects(sink.ensureTopics(["x.raw.v1"]), /Invalid replication factor 1/);
  assert.equal(calls, 1);
  await sink.close();
});

Deno.test("KafkaSink.send() produces keyed messages with headers, acks -1 and gzip", async () => {
  const fake = new FakeKafka();
  const sink = sinkOn(fake);
  await sink.send([...messages(2, "a"), ...messages(1, "b", 2)]);
  assert.equal(fake.connects, 1);
  assert.equal(fake.batches.length, 1);
  const batch = fake.batches[0]!;
  assert.equal(batch.acks, -1);
  assert.equal(batch.compression, CompressionTypes.GZIP);
  assert.deepEqual(batch.topicMessages, [
    {
      topic: "a",
      messages: [
        { key: "k0", value: '{"i":0}', headers: { "content-type": "application/json" } },
        { key: "k1", value: '{"i":1}', headers: { "content-type": "application/json" } },
      ],
    },
    {
      topic: "b",
      messages: [{ key: "k2", value: '{"i":2}', headers: { "content-type": "application/json" } }],
    },
  ]);
  await sink.close();
  assert.equal(fake.disconnects, 1);
});

Deno.test("KafkaSink.send() splits a large batch into requests of at most maxBatchBytes, in order", async () => {
  const fake = new FakeKafka();
  const sink = sinkOn(fake, { maxBatchBytes: 100 });
  await sink.send(messages(30));
  assert.ok(fake.batches.length > 1);
  const keys = fake.batches.flatMap((b) => b.topicMessages!.flatMap((t) => t.messages.map((m) => m.key)));
  assert.deepEqual(keys, messages(30).map((m) => m.key));
  await sink.close();
});

Deno.test("KafkaSink.send() rejects when the producer fails, so the outbox keeps the batch", async () => {
  const fake = new FakeKafka();
  fake.failSends = 1;
  const sink = sinkOn(fake);
  await assert.rejects(sink.send(messages(1)), /KafkaJSConnectionError/);
  await sink.send(messages(1));
  assert.equal(fake.batches.length, 1);
  await sink.close();
});

Deno.test("KafkaSink frames values in the Confluent wire format when given a registry encoder", async () => {
  const fake = new FakeKafka();
  const sink = sinkOn(fake, { encodeValue: confluentValueEncoder(new Map([["a", 42]])) });
  await sink.send(messages(1, "a"));
  const value = fake.batches[0]!.topicMessages![0]!.messages[0]!.value as Buffer;
  assert.ok(Buffer.isBuffer(value));
  const { schemaId, payload } = unframeConfluent(new Uint8Array(value));
  assert.equal(schemaId, 42);
  assert.equal(new TextDecoder().decode(payload), '{"i":0}');
  await sink.close();
});
