/**
 * Settings of Bronze publishing: `BRONZE_SETTINGS` documents every variable and `loadBronzeConfig(env)`
 * turns the environment into a complete, validated `BronzeConfig`, throwing `ConfigError` naming the
 * variable. `src/config.ts` composes it into the service's configuration.
 *
 * @module
 */
import { ConfigError, type Env, type SettingDoc, settingReader } from "../settings.ts";
import { DATASET_NAMES, type DatasetName, DATASETS } from "../oasis/datasets.ts";
import type { KafkaSasl, KafkaSettings } from "../clients/kafka.ts";

/** Every environment variable Bronze publishing reads. */
export const BRONZE_SETTINGS: readonly SettingDoc[] = [
  {
    name: "KAFKA_BOOTSTRAP_SERVERS",
    default: "",
    description: "Comma-separated Kafka brokers (host:port); unset: NDJSON files under BRONZE_DIR instead",
  },
  { name: "KAFKA_CLIENT_ID", default: "oasis-stream", description: "Kafka client id" },
  {
    name: "KAFKA_CLIENT",
    default: "auto",
    description:
      "Producer library: auto (librdkafka when it loads, else kafkajs; the choice is logged and in " +
      "/health), kafkajs, or librdkafka (Debian's librdkafka1 through FFI, about 3× faster; needs " +
      "--allow-ffi, which deno task start and backfill pass; a path-scoped --allow-ffi=<path> is not enough)",
  },
  { name: "KAFKA_SSL", default: "false", description: "true: TLS to the brokers (system CA store)" },
  {
    name: "KAFKA_SASL_MECHANISM",
    default: "",
    description: "SASL for real clusters: plain, scram-sha-256 or scram-sha-512; unset: no SASL",
  },
  { name: "KAFKA_SASL_USERNAME", default: "", description: "SASL user name (with KAFKA_SASL_MECHANISM)" },
  { name: "KAFKA_SASL_PASSWORD", default: "", description: "SASL password (with KAFKA_SASL_MECHANISM)" },
  { name: "KAFKA_TOPIC_PARTITIONS", default: "3", description: "Partitions of topics created on start" },
  {
    name: "KAFKA_TOPIC_REPLICATION_FACTOR",
    default: "1",
    description: "Replication factor of topics created on start (3 on a production cluster)",
  },
  {
    name: "KAFKA_TOPIC_CLEANUP_POLICY",
    default: "compact",
    description: "cleanup.policy of Bronze topics created on start: compact, delete or compact,delete",
  },
  {
    name: "KAFKA_MAX_BATCH_BYTES",
    default: "1000000",
    description: "Most key+value bytes per produce request, before gzip",
  },
  {
    name: "BRONZE_TOPICS",
    default: "",
    description:
      "Topic overrides, dataset=topic,… (default ingestion.market.caiso.<dataset>.raw.v1; DLQ adds .dlq)",
  },
  { name: "BRONZE_DIR", default: "./data/bronze", description: "NDJSON root when Kafka is not configured" },
  {
    name: "BRONZE_OUTBOX_PATH",
    default: "./data/bronze_outbox.kv",
    description: "Deno KV file of the outbox",
  },
  {
    name: "BRONZE_OUTBOX_MAX_ROWS",
    default: "1000000",
    description: "Most rows the outbox holds while the broker is away; past it a poll fails and is retried",
  },
  { name: "BRONZE_BATCH_MAX_ROWS", default: "10000", description: "Rows the drainer sends per batch" },
  { name: "BRONZE_LINGER_MS", default: "50", description: "How long a partial batch waits for more rows" },
  {
    name: "BRONZE_SHUTDOWN_TIMEOUT_MS",
    default: "10000",
    description: "Time shutdown gives the outbox to drain; the rest is sent on the next start",
  },
  {
    name: "SCHEMA_REGISTRY_URL",
    default: "",
    description: "Confluent-compatible registry: register JSON Schemas, frame values (wire format)",
  },
  { name: "SCHEMA_REGISTRY_USERNAME", default: "", description: "Schema registry basic-auth user" },
  { name: "SCHEMA_REGISTRY_PASSWORD", default: "", description: "Schema registry basic-auth password" },
];

/** The resolved Bronze configuration. */
export interface BronzeConfig {
  /** Kafka settings, or null for the NDJSON sink. */
  readonly kafka: KafkaSettings | null;
  /** The library that produces to Kafka (topics are always created through kafkajs's admin client). */
  readonly kafkaClient: "auto" | "kafkajs" | "librdkafka";
  /** Bronze topic of each dataset. */
  readonly topics: Readonly<Record<DatasetName, string>>;
  /** Directory of the NDJSON sink (one file per topic and UTC date). */
  readonly bronzeDir: string;
  /** The durable outbox between a poll and the sink. */
  readonly outbox: {
    /** Deno KV file of the outbox. */
    readonly path: string;
    /** Rows the outbox holds at most; a poll that would pass it fails. */
    readonly maxRows: number;
    /** Most rows sent to the sink in one batch. */
    readonly batchMaxRows: number;
    /** How long a batch waits to fill before it is sent, in ms. */
    readonly lingerMs: number;
  };
  /** How long shutdown waits for the outbox to drain, in ms. */
  readonly shutdownTimeoutMs: number;
  /** Confluent schema registry to register the schemas with, or null. */
  readonly schemaRegistry:
    | { readonly url: string; readonly username?: string; readonly password?: string }
    | null;
}

const { value, number, httpUrl } = settingReader(BRONZE_SETTINGS);

const TOPIC = /^[A-Za-z0-9._-]{1,200}$/;

function topics(env: Env): Record<DatasetName, string> {
  const out = Object.fromEntries(DATASET_NAMES.map((d) => [d, DATASETS[d].topic])) as Record<
    DatasetName,
    string
  >;
  for (const pair of value(env, "BRONZE_TOPICS").split(",").map((p) => p.trim()).filter(Boolean)) {
    const [dataset, topic, extra] = pair.split("=").map((s) => s.trim());
    if (extra !== undefined || !dataset || !topic) {
      throw new ConfigError("BRONZE_TOPICS", `"${pair}" is not dataset=topic`);
    }
    if (!(DATASET_NAMES as readonly string[]).includes(dataset)) {
      throw new ConfigError(
        "BRONZE_TOPICS",
        `unknown dataset "${dataset}" (known: ${DATASET_NAMES.join(", ")})`,
      );
    }
    if (!TOPIC.test(topic)) {
      throw new ConfigError("BRONZE_TOPICS", `"${topic}" is not a valid Kafka topic name`);
    }
    out[dataset as DatasetName] = topic;
  }
  return out;
}

function sasl(env: Env): KafkaSasl | null {
  const mechanism = value(env, "KAFKA_SASL_MECHANISM").toLowerCase();
  if (mechanism === "") return null;
  if (mechanism !== "plain" && mechanism !== "scram-sha-256" && mechanism !== "scram-sha-512") {
    throw new ConfigError(
      "KAFKA_SASL_MECHANISM",
      `"${mechanism}" is not plain, scram-sha-256 or scram-sha-512`,
    );
  }
  const username = value(env, "KAFKA_SASL_USERNAME");
  if (username === "") throw new ConfigError("KAFKA_SASL_USERNAME", "is required with KAFKA_SASL_MECHANISM");
  return { mechanism, username, password: value(env, "KAFKA_SASL_PASSWORD") };
}

function kafka(env: Env): KafkaSettings | null {
  const text = value(env, "KAFKA_BOOTSTRAP_SERVERS");
  if (text === "") return null;
  const brokers = text.split(",").map((b) => b.trim()).filter(Boolean);
  const bad = brokers.find((b) => !/^[A-Za-z0-9.\-\[\]:]+:\d{1,5}$/.test(b));
  if (bad !== undefined) throw new ConfigError("KAFKA_BOOTSTRAP_SERVERS", `"${bad}" is not host:port`);
  const ssl = value(env, "KAFKA_SSL").toLowerCase();
  if (ssl !== "true" && ssl !== "false") throw new ConfigError("KAFKA_SSL", `"${ssl}" is not true or false`);
  const cleanupPolicy = value(env, "KAFKA_TOPIC_CLEANUP_POLICY").replaceAll(" ", "");
  if (!["compact", "delete", "compact,delete", "delete,compact"].includes(cleanupPolicy)) {
    throw new ConfigError("KAFKA_TOPIC_CLEANUP_POLICY", `"${cleanupPolicy}" is not compact, delete or both`);
  }
  return {
    brokers,
    clientId: value(env, "KAFKA_CLIENT_ID"),
    ssl: ssl === "true",
    sasl: sasl(env),
    topics: {
      partitions: number(env, "KAFKA_TOPIC_PARTITIONS", 1, 10_000),
      replicationFactor: number(env, "KAFKA_TOPIC_REPLICATION_FACTOR", 1, 100),
      cleanupPolicy,
    },
    maxBatchBytes: number(env, "KAFKA_MAX_BATCH_BYTES", 10_000, 100_000_000),
  };
}

function kafkaClient(env: Env): BronzeConfig["kafkaClient"] {
  const name = value(env, "KAFKA_CLIENT").toLowerCase();
  if (name !== "auto" && name !== "kafkajs" && name !== "librdkafka") {
    throw new ConfigError("KAFKA_CLIENT", `"${name}" is not auto, kafkajs or librdkafka`);
  }
  return name;
}

function registry(env: Env): BronzeConfig["schemaRegistry"] {
  if (value(env, "SCHEMA_REGISTRY_URL") === "") return null;
  const url = httpUrl(env, "SCHEMA_REGISTRY_URL");
  const username = value(env, "SCHEMA_REGISTRY_USERNAME");
  return username === "" ? { url } : { url, username, password: value(env, "SCHEMA_REGISTRY_PASSWORD") };
}

/** Loads and validates the Bronze settings from `env` (for example `Deno.env.toObject()`). */
export function loadBronzeConfig(env: Env): BronzeConfig {
  const maxRows = number(env, "BRONZE_OUTBOX_MAX_ROWS", 1, 1_000_000_000);
  const batchMaxRows = number(env, "BRONZE_BATCH_MAX_ROWS", 1, 1_000_000);
  if (batchMaxRows > maxRows) {
    throw new ConfigError(
      "BRONZE_BATCH_MAX_ROWS",
      `${batchMaxRows} is above BRONZE_OUTBOX_MAX_ROWS (${maxRows})`,
    );
  }
  const kafkaSettings = kafka(env);
  const schemaRegistry = registry(env);
  if (schemaRegistry && !kafkaSettings) {
    throw new ConfigError(
      "SCHEMA_REGISTRY_URL",
      "needs KAFKA_BOOTSTRAP_SERVERS (NDJSON files are not framed)",
    );
  }
  return {
    kafka: kafkaSettings,
    kafkaClient: kafkaClient(env),
    topics: topics(env),
    bronzeDir: value(env, "BRONZE_DIR"),
    outbox: {
      path: value(env, "BRONZE_OUTBOX_PATH"),
      maxRows,
      batchMaxRows,
      lingerMs: number(env, "BRONZE_LINGER_MS", 0, 60_000),
    },
    shutdownTimeoutMs: number(env, "BRONZE_SHUTDOWN_TIMEOUT_MS", 0, 600_000),
    schemaRegistry,
  };
}
