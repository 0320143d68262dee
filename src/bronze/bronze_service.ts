/**
 * Bronze publishing assembled from its parts for the composition root: the sink chosen by config (Kafka
 * through librdkafka or kafkajs as `KAFKA_CLIENT` resolves, see `kafka_client.ts`; else NDJSON files), schema
 * registration when a registry is configured, the outbox on an injected Deno KV, its drainer and the
 * publisher. `start()` creates the topics and starts draining; `close()` drains within
 * a deadline, then closes the sink (what is left stays in the outbox for the next start).
 *
 * @module
 */
import type { DatasetName } from "../oasis/datasets.ts";
import { chooseKafkaClient, type KafkaClientChoice, type KafkaClientProbe } from "./kafka_client.ts";
import { type BronzeMetrics, createBronzeMetrics } from "./metrics.ts";
import { NdjsonSink } from "./ndjson_sink.ts";
import { Outbox } from "./outbox.ts";
import { OutboxDrainer } from "./outbox_drainer.ts";
import { BronzePublisher } from "./publisher.ts";
import { confluentValueEncoder, registerBronzeSchemas, SchemaRegistryClient } from "./schema_registry.ts";
import type { BronzeConfig } from "./settings.ts";
import { type BronzeLog, type BronzeSink, dlqTopic, outboxKeepFor, silentLog } from "./sink.ts";

/** What `createBronze` needs besides config. */
export interface BronzeDeps {
  /** The Deno KV holding the outbox (opened by the composition root on `config.outbox.path`). */
  readonly kv: Deno.Kv;
  readonly log?: BronzeLog;
  readonly metrics?: BronzeMetrics;
  /** Datasets whose topics are created on start (default: all configured topics). */
  readonly datasets?: readonly DatasetName[];
  /** A sink to use instead of the configured one (tests). */
  readonly sink?: BronzeSink;
  /** Fetch for the schema registry (default `globalThis.fetch`). */
  readonly fetch?: typeof fetch;
  /** What `KAFKA_CLIENT=auto` asks of the process (tests). */
  readonly kafkaClientProbe?: KafkaClientProbe;
}

/** Running Bronze publishing. */
export interface Bronze {
  readonly publisher: BronzePublisher;
  readonly outbox: Outbox;
  readonly sink: BronzeSink;
  readonly metrics: BronzeMetrics;
  /** The Kafka library producing and why (`KAFKA_CLIENT`), or null without Kafka or with an injected sink. */
  readonly kafkaClient: Omit<KafkaClientChoice, "library"> | null;
  /** Creates missing topics (and their `.dlq`) and starts the drainer. */
  start(): Promise<void>;
  /**
   * Waits (the drainer running) until every committed row is acknowledged by the sink or `timeoutMs`
   * passed, calling `onPending(depth)` now and then while rows wait; resolves with the rows still held.
   */
  drain(timeoutMs: number, onPending?: (depth: number) => void): Promise<number>;
  /** Drains within `deadlineMs` (default from config), stops, closes the sink; resolves with rows left. */
  close(deadlineMs?: number): Promise<number>;
}

/** The Kafka sink `KAFKA_CLIENT` resolves to, registering the Bronze schemas first when a registry is set. */
async function openKafkaSink(
  config: BronzeConfig,
  kafka: NonNullable<BronzeConfig["kafka"]>,
  deps: BronzeDeps,
  topics: readonly string[],
): Promise<{ sink: BronzeSink; choice: KafkaClientChoice }> {
  const log = deps.log ?? silentLog;
  let encodeValue;
  if (config.schemaRegistry) {
    const client = new SchemaRegistryClient({ ...config.schemaRegistry, fetch: deps.fetch });
    const ids = await registerBronzeSchemas(client, [...topics]);
    log("info", "bronze schemas registered", {
      url: config.schemaRegistry.url,
      ids: Object.fromEntries(ids),
    });
    encodeValue = confluentValueEncoder(ids);
  }
  const choice = chooseKafkaClient(config.kafkaClient, deps.kafkaClientProbe);
  log("info", "bronze kafka client", { client: choice.client, reason: choice.reason });
  // Loaded only with Kafka configured: kafkajs and its Node compatibility modules cost about 16 MB of
  // resident memory that an NDJSON-only service does not need.
  const { createKafkaSink, createKafkaTopicAdmin } = await import("./kafka_sink.ts");
  const { createLibrdkafkaSink } = await import("./librdkafka_sink.ts");
  const sink = choice.client === "librdkafka"
    ? createLibrdkafkaSink(kafka, {
      topicAdmin: createKafkaTopicAdmin(kafka, log),
      log,
      encodeValue,
      library: choice.library,
    })
    : createKafkaSink(kafka, { log, encodeValue });
  return { sink, choice };
}

/** Builds Bronze publishing from `config`; registers schemas first when a registry is configured. */
export async function createBronze(config: BronzeConfig, deps: BronzeDeps): Promise<Bronze> {
  const log = deps.log ?? silentLog;
  const metrics = deps.metrics ?? createBronzeMetrics();
  const datasets = deps.datasets ?? (Object.keys(config.topics) as DatasetName[]);
  const topics = [...new Set(datasets.map((d) => config.topics[d]))];
  const kafka = !deps.sink && config.kafka ? await openKafkaSink(config, config.kafka, deps, topics) : null;
  const choice = kafka?.choice ?? null;
  let sink = deps.sink ?? kafka?.sink;
  sink ??= new NdjsonSink({ dir: config.bronzeDir });
  const keep = outboxKeepFor(sink);
  const outbox = await Outbox.open({ kv: deps.kv, maxRows: config.outbox.maxRows, metrics, log, keep });
  const drainer = new OutboxDrainer({
    outbox,
    sink,
    batchMaxRows: config.outbox.batchMaxRows,
    lingerMs: config.outbox.lingerMs,
    metrics,
    log,
  });
  const publisher = new BronzePublisher({ outbox, topics: config.topics, metrics });
  const used = sink;
  return {
    publisher,
    outbox,
    sink: used,
    metrics,
    kafkaClient: choice && { client: choice.client, reason: choice.reason },
    async start() {
      await used.ensureTopics(topics.flatMap((t) => [t, dlqTopic(t)]));
      drainer.start();
      log("info", "bronze publishing started", { sink: used.kind, topics, outboxDepth: outbox.depth });
    },
    drain: (timeoutMs, onPending) => drainer.waitDrained(timeoutMs, onPending),
    async close(deadlineMs = config.shutdownTimeoutMs) {
      const left = await drainer.close(deadlineMs);
      await used.close();
      return left;
    },
  };
}
