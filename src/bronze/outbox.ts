/**
 * The durable outbox: Bronze messages are committed to Deno KV before the caller's watermark moves, read
 * back in commit order by the drainer and deleted only after the sink acknowledged them. It is bounded
 * (`maxRows`): a full outbox refuses new rows with `OutboxFullError` instead of dropping any, so the job
 * retries that window later. After a crash, `Outbox.open` finds the committed messages and the drainer
 * resumes from the oldest.
 *
 * Layout: `[...prefix, "m", seq]` → one entry (`outbox_entry.ts`), seq increasing; one process owns a
 * prefix. Messages are packed and compressed into entries below the KV value limit, and entries into atomic
 * commits below the commit limit (162,848 rows of one OASIS file take about 35 commits). Entries written by
 * earlier versions (one plain KV value per group of messages) are read and drained as they are.
 *
 * @module
 */
import type { BronzeMetrics } from "./metrics.ts";
import { entryMessages, entrySize, groupSize, packMessages, type StoredEntry } from "./outbox_entry.ts";
import { RecentEntries } from "./outbox_recent.ts";
import { type OutboxBatch, outboxBatch } from "./outbox_batch.ts";
import {
  COMMIT_BYTES,
  ENTRY_BYTES,
  messageChars,
  OutboxFullError,
  PACK_MAX_CHARS,
  PACK_MIN_CHARS,
  tooBig,
} from "./outbox_limits.ts";
import { type BronzeLog, type BronzeMessage, type MessageGroup, silentLog } from "./sink.ts";

export type { OutboxBatch };
export { OutboxFullError };

/** Options of `Outbox.open`. */
export interface OutboxOptions {
  /** The Deno KV database (opened by the composition root on the configured file). */
  readonly kv: Deno.Kv;
  /** Most messages held; `append` past it throws `OutboxFullError`. */
  readonly maxRows: number;
  /** Key prefix (default `["bronze_outbox"]`). */
  readonly prefix?: Deno.KvKey;
  /** Counters to update (`outboxDepth`, `outboxRejected`). */
  readonly metrics?: BronzeMetrics;
  /** Log function. */
  readonly log?: BronzeLog;
  /** Clock in ms (default `Date.now`). */
  readonly now?: () => number;
  /**
   * How the messages of recent commits are held for the drainer: as objects (default), or as the packed
   * bytes, for a sink with `sendGroups` (the texts then die young instead of being copied by the GC).
   */
  readonly keep?: "messages" | "bytes";
}

/** A bounded, ordered, durable queue of Bronze messages in Deno KV. */
export class Outbox {
  readonly #kv: Deno.Kv;
  readonly #prefix: Deno.KvKey;
  readonly #maxRows: number;
  readonly #metrics?: BronzeMetrics;
  readonly #log: BronzeLog;
  readonly #now: () => number;
  #nextSeq: number;
  #depth: number;
  #reserved = 0;
  #tail: Promise<void> = Promise.resolve();
  #waiters: Array<() => void> = [];
  #warnedAt = 0;
  #packChars = 400_000;
  /** Messages of entries committed here and not removed yet, so the drainer need not unpack them. */
  readonly #recent = new RecentEntries();
  readonly #keepBytes: boolean;

  private constructor(options: OutboxOptions, nextSeq: number, depth: number) {
    this.#kv = options.kv;
    this.#prefix = [...(options.prefix ?? ["bronze_outbox"]), "m"];
    this.#maxRows = options.maxRows;
    this.#metrics = options.metrics;
    this.#log = options.log ?? silentLog;
    this.#now = options.now ?? Date.now;
    this.#keepBytes = options.keep === "bytes";
    this.#nextSeq = nextSeq;
    this.#depth = depth;
    this.#publishDepth();
  }

  /** Opens the outbox under `prefix`, counting the messages a previous run left behind. */
  static async open(options: OutboxOptions): Promise<Outbox> {
    const prefix = [...(options.prefix ?? ["bronze_outbox"]), "m"];
    let depth = 0;
    let last = -1;
    for await (const e of options.kv.list<StoredEntry>({ prefix })) {
      depth += entrySize(e.value);
      last = e.key[e.key.length - 1] as number;
    }
    const outbox = new Outbox(options, last + 1, depth);
    if (depth > 0) outbox.#log("info", "bronze outbox resumes", { depth });
    return outbox;
  }

  /** Messages committed and not yet removed. */
  get depth(): number {
    return this.#depth;
  }

  /** The bound. */
  get maxRows(): number {
    return this.#maxRows;
  }

  /**
   * Commits `messages` in order; resolves once all are durable. Throws `OutboxFullError` (writing nothing)
   * when they do not fit. Calls are serialized, so commit order is call order. A KV failure part-way can
   * leave the first commits of a call in place; they are sent, and the retried window overwrites them by key.
   */
  append(messages: readonly BronzeMessage[]): Promise<void> {
    if (messages.length === 0) return Promise.resolve();
    const big = tooBig(messages);
    if (big) return Promise.reject(big);
    return this.appendChunks(messages.length, [messages]);
  }

  /**
   * Like `append` for `count` messages that are built chunk by chunk: the bound is checked for all `count`
   * up front (`OutboxFullError`, nothing built or written), then each chunk is packed and committed as soon
   * as it is built, so the drainer sends the first rows while later ones are still being built and the
   * messages themselves do not all have to be held at once. `chunks` must yield exactly `count` messages;
   * a chunk holding a message over `MAX_MESSAGE_CHARS` stops the call with a `RangeError` (earlier chunks
   * stay committed, as after a KV failure part-way).
   */
  appendChunks(count: number, chunks: Iterable<readonly BronzeMessage[]>): Promise<void> {
    if (count === 0) return Promise.resolve();
    const held = this.#depth + this.#reserved;
    if (held + count > this.#maxRows) {
      if (this.#metrics) this.#metrics.outboxRejected += count;
      const message = `Bronze outbox is full (${held} of ${this.#maxRows} rows held); ` +
        `${count} rows refused, retry once the sink drains it`;
      this.#log("error", "bronze outbox full", { depth: held, maxRows: this.#maxRows, refused: count });
      return Promise.reject(new OutboxFullError(message));
    }
    this.#reserved += count;
    const run = this.#tail.then(() => this.#commit(count, chunks));
    this.#tail = run.catch(() => {});
    return run.finally(() => this.#reserved -= count);
  }

  /**
   * Packs and commits the chunks in order. One commit is in flight while the next chunk is built and
   * packed; a commit starts only once the one before it is durable, so the drainer, which reads by
   * sequence number, never sees an entry before the ones under it.
   */
  async #commit(count: number, chunks: Iterable<readonly BronzeMessage[]>): Promise<void> {
    const at = this.#now();
    let op = this.#kv.atomic();
    let opBytes = 0, opRows = 0, opEntries = 0, seen = 0;
    let pending: [number, MessageGroup][] = [];
    let committing: Promise<void> = Promise.resolve();
    /** Starts the commit of the entries added so far, after the one in flight (call it once that settled). */
    const flush = () => {
      if (opEntries === 0) return;
      const [batch, groups, rows] = [op, pending, opRows];
      op = this.#kv.atomic();
      pending = [];
      opBytes = opRows = opEntries = 0;
      committing = batch.commit().then((result) => {
        if (!result.ok) throw new Error("Bronze outbox commit was rejected");
        for (const [seq, group] of groups) this.#recent.add(seq, group);
        this.#depth += rows;
        this.#publishDepth();
        this.#wake();
      });
      committing.catch(() => {}); // handled where it is awaited; a commit failing meanwhile is not a crash
    };
    const add = async (entry: StoredEntry, bytes: number, group: MessageGroup) => {
      if (opBytes + bytes > COMMIT_BYTES) {
        await committing;
        flush();
      }
      pending.push([this.#nextSeq, group]);
      op.set([...this.#prefix, this.#nextSeq++], entry);
      opBytes += bytes;
      opRows += groupSize(group);
      opEntries++;
    };
    try {
      for (const messages of chunks) {
        seen += messages.length;
        if (seen > count) throw new RangeError(`Bronze outbox was promised ${count} messages and given more`);
        const big = tooBig(messages);
        if (big) throw big;
        await this.#pack(messages, at, add);
        // Committed as soon as packed (the drainer sends this chunk while the caller builds the next).
        await committing;
        flush();
      }
      await committing;
      flush();
      await committing;
    } catch (error) {
      await committing.catch(() => {}); // nothing left in flight when the call rejects
      throw error;
    }
    this.#warnIfFilling();
  }

  /** Packs `messages` into entries of about `#packChars` characters and hands each to `add`. */
  async #pack(
    messages: readonly BronzeMessage[],
    at: number,
    add: (entry: StoredEntry, bytes: number, group: MessageGroup) => Promise<void>,
  ): Promise<void> {
    for (let i = 0; i < messages.length;) {
      let end = i, chars = 0;
      while (end < messages.length) {
        const size = messageChars(messages[end]!);
        if (end > i && chars + size > this.#packChars) break;
        chars += size;
        end++;
      }
      const group = messages.slice(i, end);
      const { z, b, packed } = packMessages(group);
      if (z.length <= ENTRY_BYTES) {
        await add({ v: 3, at, n: group.length, b, z }, z.length + 100, this.#keepBytes ? packed : group);
        // Aim the next entry at 80 % of the limit, from how well this one compressed.
        const next = Math.floor(chars * 0.8 * ENTRY_BYTES / Math.max(1, z.length));
        this.#packChars = Math.min(PACK_MAX_CHARS, Math.max(PACK_MIN_CHARS, next));
        i = end;
      } else if (group.length === 1) {
        // A lone message that does not compress below the limit is stored plain (at most 2 bytes a char).
        await add({ at, m: group }, 2 * chars + 100, group);
        i = end;
      } else {
        this.#packChars = Math.max(1, Math.floor(chars / 2));
      }
    }
  }

  /** Reads whole entries in commit order, after `afterSeq` if given, until at least `maxRows` messages. */
  async read(maxRows: number, afterSeq?: number): Promise<OutboxBatch | null> {
    const selector = afterSeq === undefined
      ? { prefix: this.#prefix }
      : { prefix: this.#prefix, start: [...this.#prefix, afterSeq + 1] };
    const groups: MessageGroup[] = [];
    const keys: Deno.KvKey[] = [];
    let oldestAt = Infinity, lastSeq = -1, count = 0;
    for await (const e of this.#kv.list<StoredEntry>(selector, { batchSize: 100 })) {
      lastSeq = e.key[e.key.length - 1] as number;
      const group = this.#recent.get(lastSeq) ?? entryMessages(e.value);
      groups.push(group);
      count += groupSize(group);
      keys.push(e.key);
      oldestAt = Math.min(oldestAt, e.value.at);
      if (count >= maxRows) break;
    }
    return keys.length === 0 ? null : outboxBatch(groups, count, keys, oldestAt, lastSeq);
  }

  /** Deletes the entries of an acknowledged batch. */
  async remove(batch: OutboxBatch): Promise<void> {
    for (let i = 0; i < batch.keys.length; i += 500) {
      const op = this.#kv.atomic();
      for (const key of batch.keys.slice(i, i + 500)) op.delete(key);
      await op.commit();
    }
    for (const key of batch.keys) this.#recent.delete(key[key.length - 1] as number);
    this.#depth = Math.max(0, this.#depth - batch.count);
    this.#publishDepth();
  }

  /** Resolves at the next commit (or at once with `signal` aborted when it aborts). */
  changed(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        signal?.removeEventListener("abort", done);
        this.#waiters = this.#waiters.filter((w) => w !== done);
        resolve();
      };
      this.#waiters.push(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  #publishDepth(): void {
    if (this.#metrics) this.#metrics.outboxDepth = this.#depth;
  }

  #warnIfFilling(): void {
    const share = this.#depth / this.#maxRows;
    const level = share >= 0.9 ? 0.9 : share >= 0.5 ? 0.5 : 0;
    if (level > this.#warnedAt) {
      this.#log("warn", "bronze outbox filling up", { depth: this.#depth, maxRows: this.#maxRows });
    }
    this.#warnedAt = level;
  }
}
