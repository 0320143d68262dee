/**
 * The kafkajs clients: the one file that imports kafkajs. It builds the client configuration (TLS, SASL,
 * kafkajs logs routed to the service log), the producer Bronze uses (idempotent, `maxInFlightRequests: 1`
 * so per-partition order survives retries, the Java-compatible partitioner) and clients for admin calls and
 * readers. Loaded only with Kafka configured (`await import`): kafkajs and its Node compatibility modules
 * cost about 16 MB of resident memory that an NDJSON-only service does not need.
 *
 * @module
 */
import {
  CompressionTypes,
  type ICustomPartitioner,
  Kafka,
  type KafkaConfig,
  logLevel,
  type Producer,
  type SASLOptions,
} from "kafkajs";
// kafkajs's own modules, of the pinned version: its record encoder and the Java-compatible partitioner's
// factory, so that the faster parts below keep its behaviour (tests compare them with the originals).
import Encoder from "kafkajs/src/protocol/encoder.js";
import createJavaPartitioner from "kafkajs/src/producer/partitioners/legacy/partitioner.js";
import { Buffer } from "node:buffer";
import { type BronzeLog, silentLog } from "../bronze/sink.ts";

export type { Admin, Consumer, EachBatchPayload, Kafka, Message, Producer, TopicMessages } from "kafkajs";

/** How missing topics are created. */
export interface KafkaTopicSettings {
  /** Partitions of a created topic. */
  readonly partitions: number;
  /** Replication factor of a created topic. */
  readonly replicationFactor: number;
  /** `cleanup.policy` of Bronze topics (`compact` keeps one value per key); `.dlq` topics use `delete`. */
  readonly cleanupPolicy: string;
}

/** SASL credentials for a real cluster. */
export interface KafkaSasl {
  /** SASL mechanism. */
  readonly mechanism: "plain" | "scram-sha-256" | "scram-sha-512";
  /** SASL user. */
  readonly username: string;
  /** SASL password. */
  readonly password: string;
}

/** Everything needed to reach a cluster and create topics. */
export interface KafkaSettings {
  /** Bootstrap servers, `host:port`. */
  readonly brokers: readonly string[];
  /** Kafka client id. */
  readonly clientId: string;
  /** TLS to the brokers (system CA store). */
  readonly ssl: boolean;
  /** SASL credentials, or null. */
  readonly sasl: KafkaSasl | null;
  /** How missing topics are created. */
  readonly topics: KafkaTopicSettings;
  /** Most key+value bytes per produce request (gzip makes the on-wire batch far smaller). */
  readonly maxBatchBytes: number;
}

/** The gzip codec of a produce request. */
export const GZIP: CompressionTypes = CompressionTypes.GZIP;

const LEVELS: Record<number, "info" | "warn" | "error"> = {
  [logLevel.ERROR]: "warn", // kafkajs logs every failed connection attempt; the drainer reports the outcome
  [logLevel.WARN]: "warn",
  [logLevel.INFO]: "info",
  [logLevel.DEBUG]: "info",
};

/** The kafkajs client configuration for `settings`, logging through `log`. */
export function kafkaClientConfig(settings: KafkaSettings, log: BronzeLog = silentLog): KafkaConfig {
  return {
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    ssl: settings.ssl,
    sasl: settings.sasl ? { ...settings.sasl } as SASLOptions : undefined,
    logLevel: logLevel.WARN,
    logCreator: () => ({ namespace, level, log: entry }) => {
      const { message, timestamp: _t, logger: _l, ...fields } = entry;
      log(LEVELS[level] ?? "info", `kafkajs ${namespace}: ${message}`, fields);
    },
  };
}

/** A kafkajs client for `settings`: admin clients, consumers and producers are made from it. */
export function createKafkaClient(settings: KafkaSettings, log: BronzeLog = silentLog): Kafka {
  return new Kafka(kafkaClientConfig(settings, log));
}

const M = 0x5bd1e995;
const keyBytes = new TextEncoder();
let scratch = new Uint8Array(1024);

/**
 * Kafka's murmur2 (the Java client's `Utils.murmur2`) of a key's UTF-8 bytes, in 32-bit integer arithmetic:
 * the same value as kafkajs's `DefaultPartitioner` hash, which builds `Long` objects for every 4 bytes and
 * a `Buffer` per key (a tenth of the full path's time on 162,848 keys).
 */
export function murmur2(key: string | Uint8Array): number {
  let data: Uint8Array, length: number;
  if (typeof key === "string") {
    if (key.length * 3 > scratch.length) scratch = new Uint8Array(key.length * 3);
    length = keyBytes.encodeInto(key, scratch).written;
    data = scratch;
  } else {
    data = key;
    length = key.length;
  }
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length & ~3;
  for (let i = 0; i < length4; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    h = Math.imul(h, M) ^ Math.imul(k, M);
  }
  const tail = length & 3;
  if (tail === 3) h ^= data[length4 + 2]! << 16;
  if (tail >= 2) h ^= data[length4 + 1]! << 8;
  if (tail >= 1) h = Math.imul(h ^ data[length4]!, M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  return h ^ (h >>> 15);
}

/** kafkajs's `DefaultPartitioner` (Java-compatible: murmur2 of the key) on the faster `murmur2`. */
export const JavaCompatiblePartitioner: ICustomPartitioner = createJavaPartitioner(murmur2);

type EncoderThis = { buf: Buffer; offset: number; ensureAvailable(n: number): void };

/**
 * kafkajs's `Encoder.writeUVarInt` writes each varint through a fresh array and `Buffer` (a dozen per
 * record: about a quarter of kafkajs's encoding time under Deno). The same bytes, written in place.
 */
function writeUVarInt(this: EncoderThis, value: number) {
  this.ensureAvailable(5); // the longest varint of a 32-bit value
  const buf = this.buf;
  let at = this.offset;
  while ((value & 0xffffff80) !== 0) {
    buf[at++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  buf[at++] = value & 0x7f;
  this.offset = at;
  return this;
}

const VARLONG_MASK = 0xffffffffffffff80n;

/**
 * kafkajs's `Encoder.writeVarLong` (zigzag on its `Long`, then an array and a `Buffer` per value; one per
 * record for the timestamp delta), written in place: small integers in 32-bit arithmetic, anything else
 * through kafkajs's own zigzag and the same loop on its `bigint`.
 */
function writeVarLong(this: EncoderThis, value: unknown) {
  this.ensureAvailable(10); // the longest varint of a 64-bit value
  const buf = this.buf;
  let at = this.offset;
  if (typeof value === "number" && Number.isInteger(value) && value > -(2 ** 30) && value < 2 ** 30) {
    let v = value >= 0 ? value * 2 : -value * 2 - 1;
    while (v >= 0x80) {
      buf[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[at++] = v;
  } else {
    let v = (Encoder.encodeZigZag64(value) as { value: bigint }).value;
    while ((v & VARLONG_MASK) !== 0n) {
      buf[at++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    buf[at++] = Number(BigInt.asIntN(32, v));
  }
  this.offset = at;
  return this;
}

/**
 * kafkajs's `Encoder.ensureAvailable`, growing into a buffer that is not zero-filled first (`Buffer.alloc`
 * is most of the rest of that time): an encoder only appends, and only its first `offset` bytes are read.
 */
function ensureAvailable(this: EncoderThis, length: number) {
  if (this.offset + length <= this.buf.length) return;
  const grown = Buffer.allocUnsafe(Encoder.nextPowerOfTwo(this.offset + length));
  this.buf.copy(grown, 0, 0, this.offset);
  this.buf = grown;
}

/** kafkajs's own encoder methods, replaced below (tests compare the bytes of both). */
export const KAFKAJS_ENCODER_METHODS: Readonly<Record<string, unknown>> = {
  writeUVarInt: Encoder.prototype.writeUVarInt,
  ensureAvailable: Encoder.prototype.ensureAvailable,
  writeVarLong: Encoder.prototype.writeVarLong,
};
Object.assign(Encoder.prototype, { writeUVarInt, writeVarLong, ensureAvailable });

/** The Bronze producer on `kafka`: idempotent, one request in flight, the Java-compatible partitioner. */
export function createKafkaProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: JavaCompatiblePartitioner,
  });
}
