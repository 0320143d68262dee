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
  Kafka,
  type KafkaConfig,
  logLevel,
  Partitioners,
  type Producer,
  type SASLOptions,
} from "kafkajs";
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

/** The Bronze producer on `kafka`: idempotent, one request in flight, the Java-compatible partitioner. */
export function createKafkaProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}
