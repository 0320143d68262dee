/**
 * The Kafka adapter of the Bronze sink. `KafkaSink` wraps an injected kafkajs producer and admin client: it
 * creates missing topics (Bronze topics with the configured cleanup policy, `.dlq` topics with `delete`)
 * with partitions and replication factor from config, and sends batches with `acks: -1` and gzip.
 * `createKafkaSink` injects the real clients of `src/clients/kafka.ts` (the only importer of kafkajs).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import {
  type Admin,
  createKafkaClient,
  createKafkaProducer,
  GZIP,
  type KafkaSettings,
  type KafkaTopicSettings,
  type Message,
  type Producer,
  type TopicMessages,
} from "../clients/kafka.ts";
import { type BronzeLog, type BronzeMessage, type BronzeSink, silentLog } from "./sink.ts";

/** Tries of `ensureTopics` when the broker answers with a retriable error. */
const ENSURE_ATTEMPTS = 5;

/** The part of a kafkajs producer the sink uses. */
export type ProducerLike = Pick<Producer, "connect" | "disconnect" | "sendBatch">;
/** The part of a kafkajs admin client the sink uses. */
export type AdminLike = Pick<Admin, "connect" | "disconnect" | "listTopics" | "createTopics">;

/** Options of `KafkaSink`. */
export interface KafkaSinkOptions {
  readonly producer: ProducerLike;
  readonly admin: AdminLike;
  readonly topics: KafkaTopicSettings;
  /** Most key+value bytes per produce request (default 1 MB). */
  readonly maxBatchBytes?: number;
  /** Turns a JSON value into framed bytes (schema registry); values are sent as text without it. */
  readonly encodeValue?: (topic: string, json: string) => Uint8Array;
  /** Time the broker may take to acknowledge a request, ms (default 30 000). */
  readonly ackTimeoutMs?: number;
  readonly log?: BronzeLog;
}

/** A Bronze sink that produces to Kafka through an injected kafkajs producer. */
export class KafkaSink implements BronzeSink {
  readonly kind = "kafka" as const;
  readonly #producer: ProducerLike;
  readonly #topicAdmin: KafkaTopicAdmin;
  readonly #maxBatchBytes: number;
  readonly #encode?: (topic: string, json: string) => Uint8Array;
  readonly #timeout: number;
  readonly #log: BronzeLog;
  #producerUp?: Promise<void>;

  constructor(options: KafkaSinkOptions) {
    this.#producer = options.producer;
    this.#topicAdmin = new KafkaTopicAdmin({
      admin: options.admin,
      topics: options.topics,
      log: options.log,
    });
    this.#maxBatchBytes = options.maxBatchBytes ?? 1_000_000;
    this.#encode = options.encodeValue;
    this.#timeout = options.ackTimeoutMs ?? 30_000;
    this.#log = options.log ?? silentLog;
  }

  /** Creates the missing topics (see `KafkaTopicAdmin.ensureTopics`). */
  ensureTopics(topics: readonly string[]): Promise<void> {
    return this.#topicAdmin.ensureTopics(topics);
  }

  /** Produces `messages` in order, in requests of at most `maxBatchBytes`; resolves once all are acked. */
  async send(messages: readonly BronzeMessage[]): Promise<void> {
    if (messages.length === 0) return;
    this.#producerUp ??= this.#producer.connect().catch((error) => {
      this.#producerUp = undefined;
      throw error;
    });
    await this.#producerUp;
    let chunk: BronzeMessage[] = [];
    let bytes = 0;
    for (const m of messages) {
      const size = m.key.length + m.value.length;
      if (chunk.length > 0 && bytes + size > this.#maxBatchBytes) {
        await this.#sendChunk(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(m);
      bytes += size;
    }
    await this.#sendChunk(chunk);
  }

  async #sendChunk(messages: readonly BronzeMessage[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const m of messages) {
      let list = byTopic.get(m.topic);
      if (!list) byTopic.set(m.topic, list = []);
      const value = this.#encode ? toBuffer(this.#encode(m.topic, m.value)) : m.value;
      list.push({ key: m.key, value, headers: { ...m.headers } });
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    await this.#producer.sendBatch({
      topicMessages,
      acks: -1,
      compression: GZIP,
      timeout: this.#timeout,
    });
  }

  /** Disconnects the producer and the admin client. */
  async close(): Promise<void> {
    const up = this.#producerUp;
    this.#producerUp = undefined;
    await Promise.allSettled([up?.then(() => this.#producer.disconnect()), this.#topicAdmin.close()]);
  }
}

/** Options of `KafkaTopicAdmin`. */
export interface KafkaTopicAdminOptions {
  readonly admin: AdminLike;
  readonly topics: KafkaTopicSettings;
  readonly log?: BronzeLog;
}

/**
 * Creates missing Bronze topics through a kafkajs admin client; shared by `KafkaSink` and `LibrdkafkaSink`
 * (librdkafka's admin API is variadic-free but callback-heavy, and topic creation is not on the hot path).
 */
export class KafkaTopicAdmin {
  readonly #admin: AdminLike;
  readonly #topics: KafkaTopicSettings;
  readonly #log: BronzeLog;
  #adminUp = false;

  constructor(options: KafkaTopicAdminOptions) {
    this.#admin = options.admin;
    this.#topics = options.topics;
    this.#log = options.log ?? silentLog;
  }

  /**
   * Creates the missing topics with the configured partitions, replication factor and cleanup policy. A
   * retriable failure is tried again a few times: right after CreateTopics a busy KRaft broker can answer
   * the leader check with UNKNOWN_TOPIC_OR_PARTITION (kafkajs only waits out LEADER_NOT_AVAILABLE).
   */
  async ensureTopics(topics: readonly string[]): Promise<void> {
    for (let attempt = 1;; attempt++) {
      try {
        return await this.#createMissing(topics);
      } catch (error) {
        if (attempt >= ENSURE_ATTEMPTS || (error as { retriable?: boolean }).retriable !== true) throw error;
        this.#log("warn", "kafka topic creation failed; trying again", { attempt, error: String(error) });
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  }

  async #createMissing(topics: readonly string[]): Promise<void> {
    if (!this.#adminUp) {
      await this.#admin.connect();
      this.#adminUp = true;
    }
    const existing = new Set(await this.#admin.listTopics());
    const missing = [...new Set(topics)].filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    await this.#admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: this.#topics.partitions,
        replicationFactor: this.#topics.replicationFactor,
        configEntries: [{
          name: "cleanup.policy",
          value: topic.endsWith(".dlq") ? "delete" : this.#topics.cleanupPolicy,
        }],
      })),
    });
    this.#log("info", "kafka topics created", { topics: missing });
  }

  /** Disconnects the admin client if it was connected. */
  async close(): Promise<void> {
    if (!this.#adminUp) return;
    this.#adminUp = false;
    await this.#admin.disconnect();
  }
}

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A `KafkaTopicAdmin` on a real kafkajs admin client (for sinks that produce through another client). */
export function createKafkaTopicAdmin(settings: KafkaSettings, log: BronzeLog = silentLog): KafkaTopicAdmin {
  const admin = createKafkaClient(settings, log).admin();
  return new KafkaTopicAdmin({ admin, topics: settings.topics, log });
}

/** Options of `createKafkaSink`. */
export interface CreateKafkaSinkOptions {
  readonly log?: BronzeLog;
  readonly encodeValue?: (topic: string, json: string) => Uint8Array;
}

/** A `KafkaSink` on real kafkajs clients: idempotent producer, `maxInFlightRequests: 1`, gzip, `acks: -1`. */
export function createKafkaSink(settings: KafkaSettings, options: CreateKafkaSinkOptions = {}): KafkaSink {
  const kafka = createKafkaClient(settings, options.log);
  return new KafkaSink({
    producer: createKafkaProducer(kafka),
    admin: kafka.admin(),
    topics: settings.topics,
    maxBatchBytes: settings.maxBatchBytes,
    encodeValue: options.encodeValue,
    log: options.log,
  });
}
