/**
 * The embedded default sink when no Kafka is configured: the same envelopes as NDJSON files, one line per
 * message value, under `<dir>/<topic>/<utc-date>.ndjson` (the UTC date of writing). Each send appends one
 * buffer per file through `O_APPEND` and syncs it before it resolves (the outbox deletes after that), and
 * sends are serialized, so lines never interleave. A crash mid-write can leave a last line without its
 * newline; readers skip such a line (the outbox still holds it and writes it again).
 *
 * @module
 */
import { join } from "node:path";
import type { BronzeMessage, BronzeSink } from "./sink.ts";

/** Options of `NdjsonSink`. */
export interface NdjsonSinkOptions {
  /** Root folder (`BRONZE_DIR`). */
  readonly dir: string;
  /** Clock for the file date (default `new Date()`). */
  readonly now?: () => Date;
}

const TOPIC = /^[A-Za-z0-9._-]+$/;

/** Writes Bronze messages to NDJSON files, one folder per topic and one file per UTC day. */
export class NdjsonSink implements BronzeSink {
  readonly kind = "ndjson" as const;
  readonly #dir: string;
  readonly #now: () => Date;
  readonly #made = new Set<string>();
  #tail: Promise<void> = Promise.resolve();

  constructor(options: NdjsonSinkOptions) {
    this.#dir = options.dir;
    this.#now = options.now ?? (() => new Date());
  }

  /** Path of `topic`'s file for the UTC day of `at`. */
  pathOf(topic: string, at: Date = this.#now()): string {
    return join(this.#dir, topic, `${at.toISOString().slice(0, 10)}.ndjson`);
  }

  /** Creates the topic folders. */
  async ensureTopics(topics: readonly string[]): Promise<void> {
    for (const topic of topics) await this.#folder(topic);
  }

  /** Appends each message's value as one line to its topic's file of today. */
  send(messages: readonly BronzeMessage[]): Promise<void> {
    const run = this.#tail.then(() => this.#write(messages));
    this.#tail = run.catch(() => {});
    return run;
  }

  /** Waits for pending writes. */
  async close(): Promise<void> {
    await this.#tail;
  }

  async #folder(topic: string): Promise<void> {
    if (!TOPIC.test(topic)) throw new TypeError(`Cannot use topic "${topic}" as a folder name`);
    if (this.#made.has(topic)) return;
    await Deno.mkdir(join(this.#dir, topic), { recursive: true });
    this.#made.add(topic);
  }

  async #write(messages: readonly BronzeMessage[]): Promise<void> {
    const at = this.#now();
    const byTopic = new Map<string, string[]>();
    for (const m of messages) {
      let lines = byTopic.get(m.topic);
      if (!lines) byTopic.set(m.topic, lines = []);
      lines.push(m.value);
    }
    const encoder = new TextEncoder();
    for (const [topic, lines] of byTopic) {
      await this.#folder(topic);
      const bytes = encoder.encode(lines.join("\n") + "\n");
      using file = await Deno.open(this.pathOf(topic, at), { append: true, create: true });
      for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
      await file.syncData();
    }
  }
}
