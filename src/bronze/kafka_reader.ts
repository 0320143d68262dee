/**
 * The Kafka `BronzeReader`: each partition of a topic read from its first offset to the end offset it had
 * when the read started (`admin.fetchTopicOffsets`), by a consumer of a one-off group that commits
 * nothing and is deleted afterwards. Confluent-framed values (schema registry on) are unframed; plain
 * JSON values are read as they are. A read that stops making progress fails instead of hanging. The kafkajs
 * client is injected (`createKafkaReader` makes one from settings).
 *
 * @module
 */
import type { BronzeReader, EachValue } from "./bronze_reader.ts";
import { createKafkaClient, type Kafka, type KafkaSettings } from "../clients/kafka.ts";
import { MAGIC_BYTE, unframeConfluent } from "./schema_registry.ts";

/** Options of `KafkaReader`. */
export interface KafkaReaderOptions {
  /** Longest wait for the next batch before the read fails, ms (default 60 000). */
  readonly idleTimeoutMs?: number;
}

type Ends = Map<number, { low: number; high: number }>;

/** Reads Bronze topics from a Kafka cluster. */
export class KafkaReader implements BronzeReader {
  readonly kind = "kafka" as const;
  readonly unit = "messages" as const;
  readonly #kafka: Kafka;
  readonly #admin;
  readonly #idleMs: number;
  #adminUp?: Promise<void>;

  /** Reads through `kafka` (its admin client is closed by `close()`). */
  constructor(kafka: Kafka, options: KafkaReaderOptions = {}) {
    this.#kafka = kafka;
    this.#admin = this.#kafka.admin();
    this.#idleMs = options.idleTimeoutMs ?? 60_000;
  }

  async #ends(topic: string): Promise<Ends> {
    await (this.#adminUp ??= this.#admin.connect());
    if (!(await this.#admin.listTopics()).includes(topic)) return new Map();
    const offsets = await this.#admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }]));
  }

  /** Messages between each partition's first and end offset (compaction can make it fewer). */
  async size(topic: string): Promise<number> {
    let n = 0;
    for (const { low, high } of (await this.#ends(topic)).values()) n += high - low;
    return n;
  }

  /** Every value of `topic` up to the end offsets of now. */
  async read(topic: string, each: EachValue, progress: (done: number) => void): Promise<void> {
    const ends = await this.#ends(topic);
    const open = new Set([...ends].filter(([, e]) => e.high > e.low).map(([p]) => p));
    if (open.size === 0) return;
    const groupId = `oasis-stream-audit-${crypto.randomUUID()}`;
    const consumer = this.#kafka.consumer({ groupId, allowAutoTopicCreation: false });
    const finished = Promise.withResolvers<void>();
    let done = 0, last = Date.now();
    const where = new Map<number, number>();
    const watchdog = setInterval(() => {
      if (Date.now() - last < this.#idleMs) return;
      const stuck = [...open].map((p) =>
        `partition ${p} at offset ${where.get(p) ?? "none"} of ${ends.get(p)!.high}`
      );
      finished.reject(
        new Error(
          `Cannot read topic "${topic}" to its end: no progress for ${this.#idleMs} ms (${stuck.join(", ")})`,
        ),
      );
    }, 1000);
    const decoder = new TextDecoder();
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          last = Date.now();
          const end = ends.get(batch.partition)?.high ?? 0;
          for (const m of batch.messages) {
            const offset = Number(m.offset);
            if (offset >= end) break;
            where.set(batch.partition, offset);
            each(textOf(m.value, decoder), `${topic}[${batch.partition}]@${m.offset}`);
            done++;
          }
          progress(done);
          if (Number(batch.lastOffset()) + 1 >= end) open.delete(batch.partition);
          if (open.size === 0) finished.resolve();
          await Promise.resolve();
        },
      });
      await finished.promise;
    } finally {
      clearInterval(watchdog);
      await consumer.disconnect().catch(() => {});
      await this.#admin.deleteGroups([groupId]).catch(() => {}); // nothing committed: may already be gone
    }
  }

  /** Disconnects the admin client. */
  async close(): Promise<void> {
    if (!this.#adminUp) return;
    await this.#adminUp.catch(() => {});
    this.#adminUp = undefined;
    await this.#admin.disconnect();
  }
}

/** A `KafkaReader` on a new kafkajs client for `settings`. */
export function createKafkaReader(settings: KafkaSettings, options: KafkaReaderOptions = {}): KafkaReader {
  return new KafkaReader(createKafkaClient(settings), options);
}

/** A message value as JSON text: unframed when it is in the Confluent wire format. */
function textOf(value: Uint8Array | null, decoder: TextDecoder): string {
  if (value === null) return "";
  if (value.length > 0 && value[0] === MAGIC_BYTE) {
    try {
      return decoder.decode(unframeConfluent(value).payload);
    } catch { /* not framed after all: read as it is */ }
  }
  return decoder.decode(value);
}
