/**
 * Where the time of the Kafka benchmark goes, measured apart from the broker: building and validating the
 * envelopes, kafkajs encoding and gzipping the produce requests `KafkaSink` sends (the client's CPU floor),
 * and the Deno KV outbox committing, reading and removing the same messages. Used by `kafka_bench.ts`.
 *
 * @module
 */
import { Outbox } from "../src/bronze/outbox.ts";
import { BronzePublisher, type PublishInput } from "../src/bronze/publisher.ts";
import type { BronzeMessage } from "../src/bronze/sink.ts";

/** kafkajs encoding (and gzipping) the produce requests KafkaSink sends, with no broker: the client's floor. */
export async function timeKafkajsEncoding(
  messages: readonly BronzeMessage[],
  partitions: number,
): Promise<number> {
  // kafkajs's own produce-request encoder (record batches v2), an internal module of the pinned version.
  const { default: createProduceRequest } = await import(
    "kafkajs/src/protocol/requests/produce/v3/request.js"
  );
  const t0 = performance.now();
  let chunk: BronzeMessage[] = [];
  let bytes = 0;
  const encode = async () => {
    const byPartition = Array.from({ length: partitions }, (_, partition) => ({
      partition,
      firstSequence: 0,
      messages: [] as { key: string; value: string; headers: Record<string, string> }[],
    }));
    // Spread like the partitioner does (which partition holds a message does not change the cost).
    chunk.forEach((m, i) => byPartition[i % partitions]!.messages.push({ ...m, headers: { ...m.headers } }));
    const request = createProduceRequest({
      acks: -1,
      timeout: 30_000,
      compression: 1, // gzip
      topicData: [{ topic: "bench", partitions: byPartition }],
    });
    await request.encode();
    chunk = [];
    bytes = 0;
  };
  for (const m of messages) {
    if (chunk.length > 0 && bytes + m.key.length + m.value.length > 1_000_000) await encode();
    chunk.push(m);
    bytes += m.key.length + m.value.length;
  }
  await encode();
  return performance.now() - t0;
}

/** The Deno KV outbox alone on a file: commit every message, then read and remove them in drainer batches. */
export async function timeOutbox(
  messages: readonly BronzeMessage[],
  batchRows: number,
): Promise<{ commitMs: number; drainMs: number }> {
  const dir = await Deno.makeTempDir({ prefix: "outbox-bench-" });
  const kv = await Deno.openKv(`${dir}/outbox.kv`);
  try {
    const outbox = await Outbox.open({ kv, maxRows: 1_000_000 });
    const t0 = performance.now();
    await outbox.append(messages);
    const t1 = performance.now();
    for (let batch = await outbox.read(batchRows); batch; batch = await outbox.read(batchRows)) {
      await outbox.remove(batch);
    }
    return { commitMs: t1 - t0, drainMs: performance.now() - t1 };
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Time to build and validate the envelopes of every row, without the outbox. */
export function timeEnvelopes(fetch: PublishInput): number {
  const publisher = new BronzePublisher({ outbox: { append: () => Promise.resolve() } });
  const t0 = performance.now();
  publisher.messages(fetch, "lmp_dam");
  return performance.now() - t0;
}
