/**
 * A Bronze record as the library connector's `transform()` gives it: what would be committed to the
 * outbox, parsed.
 *
 * @module
 */
import type { BronzeMessage } from "../bronze/sink.ts";

/** One Bronze record as `transform()` gives it: what would be committed to the outbox, parsed. */
export interface BronzeRecord {
  /** Destination topic: the dataset's Bronze topic, or its `.dlq` topic for a dead letter. */
  readonly topic: string;
  /** Deterministic key of the fact (or of the dead letter). */
  readonly key: string;
  /** Message headers (content type, schema name and version, dataset). */
  readonly headers: Readonly<Record<string, string>>;
  /** True for a dead letter (a row that failed normalization or validation, with its reason). */
  readonly deadLetter: boolean;
  /** The validated envelope, or the dead-letter record. */
  readonly value: Readonly<Record<string, unknown>>;
}

/** `m` as a record; a message not on `topic` (the dataset's Bronze topic) is a dead letter. */
export function recordOf(m: BronzeMessage, topic: string): BronzeRecord {
  return {
    topic: m.topic,
    key: m.key,
    headers: m.headers,
    deadLetter: m.topic !== topic,
    value: JSON.parse(m.value),
  };
}
