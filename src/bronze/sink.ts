/**
 * The interface every Bronze destination implements (Kafka, local NDJSON files), owned by the core so that
 * nothing outside the adapters imports a Kafka client; plus the message shape, headers and log function.
 *
 * @module
 */

/** One record on its way to a topic: key, JSON value and headers, all text. */
export interface BronzeMessage {
  /** Destination topic. */
  readonly topic: string;
  /** Deterministic key of the fact (or of the dead letter). */
  readonly key: string;
  /** JSON text of the envelope or dead-letter record. */
  readonly value: string;
  /** Message headers (content type, schema name and version, dataset). */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Messages as the outbox packed them, for a sink that sends from bytes: the UTF-8 of every key and value back
 * to back, so the texts need not be kept (or encoded again) until the broker acknowledges them.
 */
export interface PackedMessages {
  readonly count: number;
  /** Topics, indexed by `refs`. */
  readonly topics: readonly string[];
  /** Header sets, indexed by `refs` (the messages' own objects). */
  readonly headers: readonly Readonly<Record<string, string>>[];
  /** Per message: topic index, then header-set index. */
  readonly refs: Uint32Array;
  readonly bytes: Uint8Array;
  /** `2 × count + 1` offsets into `bytes`: key `i` spans `[2i, 2i+1)`, its value `[2i+1, 2i+2)`. */
  readonly bounds: Uint32Array;
}

/** Messages in order: as objects, or packed. */
export type MessageGroup = readonly BronzeMessage[] | PackedMessages;

/** A destination for Bronze messages. `send` resolves only once every message is durably accepted. */
export interface BronzeSink {
  /** What the sink writes to, for logs and `/health`. */
  readonly kind: "kafka" | "ndjson" | "test";
  /** Creates the topics (or folders) that are missing. */
  ensureTopics(topics: readonly string[]): Promise<void>;
  /**
   * How many `send` calls may be outstanding at once (default 1). Above 1, a call's messages are written
   * after those of every earlier call, and each call resolves once its own messages are accepted.
   */
  readonly concurrentSends?: number;
  /** Writes `messages` in order; rejects if any of them was not accepted. */
  send(messages: readonly BronzeMessage[]): Promise<void>;
  /** Like `send` for groups of messages, some packed; a sink that has it is given packed groups. */
  readonly sendGroups?: (groups: readonly MessageGroup[]) => Promise<void>;
  /** Flushes and releases connections and files. */
  close(): Promise<void>;
}

/** How an outbox feeding `sink` keeps recent messages: packed bytes when the sink sends from them. */
export function outboxKeepFor(sink: Pick<BronzeSink, "sendGroups">): "bytes" | "messages" {
  return sink.sendGroups ? "bytes" : "messages";
}

/** Structured log function, the same shape as `main.ts`'s. */
export type BronzeLog = (
  level: "info" | "warn" | "error",
  msg: string,
  fields?: Record<string, unknown>,
) => void;

/** A log function that drops everything (the default in tests). */
export const silentLog: BronzeLog = () => {};

/** Dead-letter topic of a Bronze topic. */
export function dlqTopic(topic: string): string {
  return `${topic}.dlq`;
}

/** Headers of a Bronze message. */
export function bronzeHeaders(
  schemaName: string,
  schemaVersion: number,
  dataset: string,
): Readonly<Record<string, string>> {
  return {
    "content-type": "application/json",
    "schema-name": schemaName,
    "schema-version": String(schemaVersion),
    "dataset": dataset,
  };
}
