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
  /** Flushes and releases connections and files. */
  close(): Promise<void>;
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
