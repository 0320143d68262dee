/**
 * What `LibrdkafkaSink` is configured with: its options, the librdkafka properties that give it the
 * guarantees of `KafkaSink` (idempotent producer, `acks=all`, gzip, the Java-compatible partitioner), TLS
 * and SASL, and the error it throws.
 *
 * @module
 */
import type { KafkaSettings } from "../clients/kafka.ts";
import {
  cBuffer,
  type Librdkafka,
  RD_KAFKA_CONF_OK,
  RD_KAFKA_EVENT_DR,
  RD_KAFKA_EVENT_ERROR,
  RD_KAFKA_EVENT_LOG,
  RD_KAFKA_PRODUCER,
} from "../clients/librdkafka.ts";
import type { BronzeLog } from "./sink.ts";

/** What creates topics for the sink (a `KafkaTopicAdmin` in production). */
export interface TopicAdmin {
  ensureTopics(topics: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** A librdkafka delivery or produce error. */
export class LibrdkafkaError extends Error {
  /** `rd_kafka_resp_err_t` of the first failure. */
  readonly code: number;
  constructor(code: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LibrdkafkaError";
    this.code = code;
  }
}

/** Options of `LibrdkafkaSink`. */
export interface LibrdkafkaSinkOptions {
  readonly settings: KafkaSettings;
  readonly topicAdmin: TopicAdmin;
  /** Turns a JSON value into framed bytes (schema registry); values are sent as UTF-8 text without it. */
  readonly encodeValue?: (topic: string, json: string) => Uint8Array;
  /** `linger.ms` (default 5, librdkafka's own). */
  readonly lingerMs?: number;
  /** `message.timeout.ms`: how long a message may wait for its acknowledgement (default 30 000). */
  readonly messageTimeoutMs?: number;
  /** Further librdkafka properties, applied last (tests). */
  readonly extraConfig?: Readonly<Record<string, string>>;
  readonly log?: BronzeLog;
  /** The loaded library (default `openLibrdkafka()`). */
  readonly library?: Librdkafka;
}

/** The librdkafka properties for `settings`: the guarantees of `KafkaSink`, plus TLS and SASL. */
export function librdkafkaConfig(
  settings: KafkaSettings,
  options: Pick<LibrdkafkaSinkOptions, "lingerMs" | "messageTimeoutMs" | "extraConfig"> = {},
): Record<string, string> {
  const protocol = `${settings.sasl ? "SASL_" : ""}${settings.ssl ? "SSL" : "PLAINTEXT"}`;
  const config: Record<string, string> = {
    "bootstrap.servers": settings.brokers.join(","),
    "client.id": settings.clientId,
    "enable.idempotence": "true",
    "acks": "all",
    "compression.codec": "gzip",
    "partitioner": "murmur2_random",
    "linger.ms": String(options.lingerMs ?? 5),
    "message.timeout.ms": String(options.messageTimeoutMs ?? 30_000),
    "batch.size": String(settings.maxBatchBytes),
    "message.max.bytes": String(Math.max(1_000_000, settings.maxBatchBytes)),
    "security.protocol": protocol,
  };
  if (settings.sasl) {
    config["sasl.mechanisms"] = settings.sasl.mechanism.toUpperCase();
    config["sasl.username"] = settings.sasl.username;
    config["sasl.password"] = settings.sasl.password;
  }
  return { ...config, ...options.extraConfig };
}

const ERRSTR_SIZE = 512;

/**
 * A librdkafka producer with the properties of `librdkafkaConfig`, delivery reports, logs and errors on
 * its main queue (not stderr); throws `LibrdkafkaError` naming a property librdkafka rejects.
 */
export function newProducer(
  lib: Librdkafka,
  options: LibrdkafkaSinkOptions,
): { rk: NonNullable<Deno.PointerValue>; queue: Deno.PointerValue } {
  const conf = lib.rd_kafka_conf_new();
  const errstr = new Uint8Array(ERRSTR_SIZE);
  const properties = { ...librdkafkaConfig(options.settings, options), "log.queue": "true" };
  for (const [name, value] of Object.entries(properties)) {
    if (
      lib.rd_kafka_conf_set(conf, cBuffer(name), cBuffer(value), errstr, BigInt(ERRSTR_SIZE)) !==
        RD_KAFKA_CONF_OK
    ) {
      lib.rd_kafka_conf_destroy(conf);
      throw new LibrdkafkaError(-1, `Cannot set librdkafka property "${name}": ${text(errstr)}`);
    }
  }
  lib.rd_kafka_conf_set_events(conf, RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_LOG | RD_KAFKA_EVENT_ERROR);
  const rk = lib.rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, BigInt(ERRSTR_SIZE));
  if (rk === null) {
    lib.rd_kafka_conf_destroy(conf);
    throw new LibrdkafkaError(-1, `Cannot create the librdkafka producer: ${text(errstr)}`);
  }
  const queue = lib.rd_kafka_queue_get_main(rk);
  lib.rd_kafka_set_log_queue(rk, null); // logs and errors reach the log function, not stderr
  return { rk, queue };
}

function text(errstr: Uint8Array): string {
  const end = errstr.indexOf(0);
  return new TextDecoder().decode(errstr.subarray(0, end < 0 ? errstr.length : end));
}
