/**
 * The durable outbox: Bronze messages are committed to Deno KV before the caller's watermark moves, read
 * back in commit order by the drainer and deleted only after the sink acknowledged them. It is bounded
 * (`maxRows`): a full outbox refuses new rows with `OutboxFullError` instead of dropping any, so the job
 * retries that window later. After a crash, `Outbox.open` finds the committed messages and the drainer
 * resumes from the oldest.
 *
 * Layout: `[...prefix, "m", seq]` → `{ at, m: BronzeMessage[] }`, seq increasing; one process owns a
 * prefix. Messages are packed into entries below the KV value limit, and entries into atomic commits below
 * the commit limit.
 *
 * @module
 */
import type { BronzeMetrics } from "./metrics.ts";
import { type BronzeLog, type BronzeMessage, silentLog } from "./sink.ts";

/** Characters per KV entry: at worst 2 bytes each, below Deno KV's 64 KiB value limit. */
const ENTRY_CHARS = 30_000;
/** Characters per atomic commit, below Deno KV's 800 KiB commit limit. */
const COMMIT_CHARS = 390_000;
/** Largest message the outbox stores, in characters of topic, key, value and headers. */
export const MAX_MESSAGE_CHARS = ENTRY_CHARS - 200;

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
}

/** Messages read from the outbox in commit order, with what `remove` needs. */
export interface OutboxBatch {
  readonly messages: readonly BronzeMessage[];
  /** KV keys of the entries holding them. */
  readonly keys: readonly Deno.KvKey[];
  /** Commit time of the oldest entry, ms. */
  readonly oldestAt: number;
  /** Sequence number of the last entry, for reading ahead. */
  readonly lastSeq: number;
}

/** The outbox cannot take the rows without passing its bound; nothing of the call was written. */
export class OutboxFullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutboxFullError";
  }
}

interface Entry {
  readonly at: number;
  readonly m: BronzeMessage[];
}

/** Size of a message as the outbox counts it (characters of topic, key, value and headers). */
export function messageChars(m: BronzeMessage): number {
  let n = m.topic.length + m.key.length + m.value.length + 32;
  for (const k in m.headers) n += k.length + m.headers[k]!.length + 8;
  return n;
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

  private constructor(options: OutboxOptions, nextSeq: number, depth: number) {
    this.#kv = options.kv;
    this.#prefix = [...(options.prefix ?? ["bronze_outbox"]), "m"];
    this.#maxRows = options.maxRows;
    this.#metrics = options.metrics;
    this.#log = options.log ?? silentLog;
    this.#now = options.now ?? Date.now;
    this.#nextSeq = nextSeq;
    this.#depth = depth;
    this.#publishDepth();
  }

  /** Opens the outbox under `prefix`, counting the messages a previous run left behind. */
  static async open(options: OutboxOptions): Promise<Outbox> {
    const prefix = [...(options.prefix ?? ["bronze_outbox"]), "m"];
    let depth = 0;
    let last = -1;
    for await (const e of options.kv.list<Entry>({ prefix })) {
      depth += e.value.m.length;
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
    const big = messages.find((m) => messageChars(m) > MAX_MESSAGE_CHARS);
    if (big) {
      return Promise.reject(
        new RangeError(
          `Bronze message "${big.key}" is ${messageChars(big)} characters, over ${MAX_MESSAGE_CHARS}`,
        ),
      );
    }
    const held = this.#depth + this.#reserved;
    if (held + messages.length > this.#maxRows) {
      if (this.#metrics) this.#metrics.outboxRejected += messages.length;
      const message = `Bronze outbox is full (${held} of ${this.#maxRows} rows held); ` +
        `${messages.length} rows refused, retry once the sink drains it`;
      this.#log("error", "bronze outbox full", {
        depth: held,
        maxRows: this.#maxRows,
        refused: messages.length,
      });
      return Promise.reject(new OutboxFullError(message));
    }
    this.#reserved += messages.length;
    const run = this.#tail.then(() => this.#commit(messages));
    this.#tail = run.catch(() => {});
    return run.finally(() => this.#reserved -= messages.length);
  }

  async #commit(messages: readonly BronzeMessage[]): Promise<void> {
    let op = this.#kv.atomic();
    let opChars = 0, opRows = 0;
    let entry: BronzeMessage[] = [];
    let entryChars = 0;
    const at = this.#now();
    const flushOp = async () => {
      if (opRows === 0) return;
      await op.commit().then((r) => {
        if (!r.ok) throw new Error("Bronze outbox commit was rejected");
      });
      this.#depth += opRows;
      this.#publishDepth();
      this.#wake();
      op = this.#kv.atomic();
      opChars = 0;
      opRows = 0;
    };
    const closeEntry = async () => {
      if (entry.length === 0) return;
      if (opChars + entryChars > COMMIT_CHARS) await flushOp();
      op.set([...this.#prefix, this.#nextSeq++], { at, m: entry } satisfies Entry);
      opChars += entryChars;
      opRows += entry.length;
      entry = [];
      entryChars = 0;
    };
    for (const m of messages) {
      const chars = messageChars(m);
      if (entryChars + chars > ENTRY_CHARS) await closeEntry();
      entry.push(m);
      entryChars += chars;
    }
    await closeEntry();
    await flushOp();
    this.#warnIfFilling();
  }

  /** Reads whole entries in commit order, after `afterSeq` if given, until at least `maxRows` messages. */
  async read(maxRows: number, afterSeq?: number): Promise<OutboxBatch | null> {
    const selector = afterSeq === undefined
      ? { prefix: this.#prefix }
      : { prefix: this.#prefix, start: [...this.#prefix, afterSeq + 1] };
    const messages: BronzeMessage[] = [];
    const keys: Deno.KvKey[] = [];
    let oldestAt = Infinity, lastSeq = -1;
    for await (const e of this.#kv.list<Entry>(selector, { batchSize: 100 })) {
      messages.push(...e.value.m);
      keys.push(e.key);
      oldestAt = Math.min(oldestAt, e.value.at);
      lastSeq = e.key[e.key.length - 1] as number;
      if (messages.length >= maxRows) break;
    }
    return keys.length === 0 ? null : { messages, keys, oldestAt, lastSeq };
  }

  /** Deletes the entries of an acknowledged batch. */
  async remove(batch: OutboxBatch): Promise<void> {
    for (let i = 0; i < batch.keys.length; i += 500) {
      const op = this.#kv.atomic();
      for (const key of batch.keys.slice(i, i + 500)) op.delete(key);
      await op.commit();
    }
    this.#depth = Math.max(0, this.#depth - batch.messages.length);
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
