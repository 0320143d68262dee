/**
 * Reading Bronze back, for the audit: a `BronzeReader` walks one topic from its beginning to where it
 * ended when the read started, value by value, with where each value was found. `NdjsonReader` reads the
 * NDJSON sink's files (`<dir>/<topic>/<utc-date>.ndjson`, in date order); the Kafka reader is in
 * `kafka_reader.ts`.
 *
 * @module
 */
import { join } from "node:path";

/** Called with each value (JSON text) and where it was read (`file:line` or `topic[partition]@offset`). */
export type EachValue = (value: string, where: string) => void;

/** Reads Bronze topics back from their beginning. */
export interface BronzeReader {
  /** What is read: NDJSON files or Kafka topics. */
  readonly kind: "ndjson" | "kafka";
  /** The unit `read` reports progress in. */
  readonly unit: "bytes" | "messages";
  /** How much `read(topic)` will go through, in `unit` (0 when the topic does not exist). */
  size(topic: string): Promise<number>;
  /** Calls `each` for every value of `topic`, and `progress` with the `unit`s done so far. */
  read(topic: string, each: EachValue, progress: (done: number) => void): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}

/** Reads the NDJSON sink's files under `dir`. */
export class NdjsonReader implements BronzeReader {
  readonly kind = "ndjson" as const;
  readonly unit = "bytes" as const;
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async #files(topic: string): Promise<Array<{ path: string; size: number }>> {
    const folder = join(this.#dir, topic);
    const out: Array<{ path: string; size: number }> = [];
    try {
      for await (const e of Deno.readDir(folder)) {
        if (!e.isFile || !e.name.endsWith(".ndjson")) continue;
        const path = join(folder, e.name);
        out.push({ path, size: (await Deno.stat(path)).size });
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return out.sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Bytes of the topic's files. */
  async size(topic: string): Promise<number> {
    return (await this.#files(topic)).reduce((n, f) => n + f.size, 0);
  }

  /**
   * Every complete line of the topic's files. A last line without its newline (a crash mid-write; the
   * outbox still holds it and writes it again) is skipped, as the sink documents.
   */
  async read(topic: string, each: EachValue, progress: (done: number) => void): Promise<void> {
    let done = 0;
    for (const { path } of await this.#files(topic)) {
      using file = await Deno.open(path);
      const decoder = new TextDecoder();
      let rest = "", line = 0;
      for await (const bytes of file.readable) {
        const lines = (rest + decoder.decode(bytes, { stream: true })).split("\n");
        rest = lines.pop()!;
        for (const text of lines) {
          line++;
          if (text.trim() !== "") each(text, `${path}:${line}`);
        }
        progress(done += bytes.length);
      }
    }
  }

  /** Nothing to release. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
