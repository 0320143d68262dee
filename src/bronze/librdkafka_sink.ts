/**
 * The librdkafka adapter of the Bronze sink, chosen by `KAFKA_CLIENT` (auto or librdkafka): the same
 * guarantees as `KafkaSink` (idempotent producer, `acks=all`, gzip, the Java-compatible partitioner, the
 * same headers) through Debian's `librdkafka1` over `Deno.dlopen`, because kafkajs's record encoding alone
 * takes longer than librdkafka's whole produce. Each message is handed to `rd_kafka_produceva` (arguments
 * built by `ProduceArgs`, copied by librdkafka); `send` serves the main queue until every delivery report of the batch
 * is in, and rejects if any of them failed. Packed groups (`sendGroups`) are produced from their bytes.
 * Logs and errors of librdkafka go to the log function. Topics are created through a `TopicAdmin` (the
 * kafkajs admin in production) and their metadata fetched before the first send. Needs `--allow-ffi`.
 *
 * @module
 */
import type { KafkaSettings } from "../clients/kafka.ts";
import { cBuffer, cString, type Librdkafka, openLibrdkafka } from "../clients/librdkafka.ts";
import {
  librdkafkaConfig,
  LibrdkafkaError,
  type LibrdkafkaSinkOptions,
  newProducer,
  type TopicAdmin,
} from "./librdkafka_config.ts";
import { handleEvent } from "./librdkafka_events.ts";
import { produceGroups, type ProduceOutcome } from "./librdkafka_produce.ts";
import { ProduceArgs } from "./librdkafka_produce_args.ts";
import { groupSize } from "./outbox_entry.ts";
import { type BronzeLog, type BronzeMessage, type BronzeSink, type MessageGroup, silentLog } from "./sink.ts";

export { librdkafkaConfig, LibrdkafkaError, type LibrdkafkaSinkOptions, type TopicAdmin };

/** Serve the delivery queue every this many messages produced on the main thread. */
const SERVE_EVERY = 2_000;
const WAIT_MS = 100;
/**
 * Sends the drainer may have outstanding: while librdkafka compresses and the broker acknowledges one
 * batch, the next is produced. Order per partition holds (idempotent producer); on a failure the drainer
 * resends from the oldest unacknowledged batch, so a key's last write stays its newest.
 */
const SENDS_IN_FLIGHT = 3;
const METADATA_TIMEOUT_MS = 5_000;

/** Delivery reports of one `send`: how many messages were produced, reported, failed; its first failure. */
interface SendState {
  produced: number;
  reported: number;
  failed: number;
  failure?: LibrdkafkaError;
}

/** A Bronze sink that produces to Kafka through librdkafka (FFI). */
export class LibrdkafkaSink implements BronzeSink {
  readonly kind = "kafka" as const;
  readonly #lib: Librdkafka;
  readonly #topicAdmin: TopicAdmin;
  readonly #log: BronzeLog;
  #rk: Deno.PointerValue;
  #queue: Deno.PointerValue;
  /** Sends overlap: produce calls are serialized, acknowledgements are awaited by each send. */
  readonly concurrentSends = SENDS_IN_FLIGHT;
  #tail: Promise<void> = Promise.resolve();
  #waiting?: Promise<void>;
  #closed = false;
  readonly #idle: ReturnType<typeof setInterval>;
  /** Sends whose delivery reports are not all in, by the id each of their messages carries. */
  readonly #sends = new Map<number, SendState>();
  #nextId = 1;
  #fatal?: LibrdkafkaError;
  readonly #args: ProduceArgs;
  /** Sends packed groups from their bytes; absent with `encodeValue` (values are framed from their text). */
  readonly sendGroups?: (groups: readonly MessageGroup[]) => Promise<void>;
  readonly #topics = new Map<string, Deno.PointerValue>();
  #learning: Promise<void> = Promise.resolve();

  /** Creates the librdkafka producer; throws if librdkafka is missing or rejects a property. */
  constructor(options: LibrdkafkaSinkOptions) {
    this.#lib = options.library ?? openLibrdkafka();
    this.#topicAdmin = options.topicAdmin;
    this.#args = new ProduceArgs(options.encodeValue);
    this.#log = options.log ?? silentLog;
    if (!options.encodeValue) this.sendGroups = (groups) => this.#send(groups);
    ({ rk: this.#rk, queue: this.#queue } = newProducer(this.#lib, options));
    // Between sends nobody polls: serve logs and errors now and then so they are reported and do not pile up.
    this.#idle = setInterval(() => {
      if (this.#sends.size === 0 && this.#waiting === undefined && this.#queue !== null) this.#serve();
    }, 1_000);
    Deno.unrefTimer(this.#idle as unknown as number); // a number in Deno; node's types say Timeout
  }

  /** Creates the missing topics through the topic admin, then learns their partitions. */
  async ensureTopics(topics: readonly string[]): Promise<void> {
    await this.#topicAdmin.ensureTopics(topics);
    const learning = this.#learning.then(() => this.#learn(topics));
    this.#learning = learning.catch(() => {});
    await learning;
  }

  /**
   * Opens a handle on each topic and fetches its metadata now, so the first send to it need not wait for
   * librdkafka to learn its partitions (measured: 0.5–1 s for a topic's first delivery, 6 ms after).
   * A failure only costs that wait later, so it is logged, not thrown.
   */
  async #learn(topics: readonly string[]): Promise<void> {
    const lib = this.#lib;
    for (const name of topics) {
      if (this.#closed || this.#topics.has(name)) continue;
      const rkt = lib.rd_kafka_topic_new(this.#rk, cBuffer(name), null);
      if (rkt === null) continue; // produceva opens it itself
      this.#topics.set(name, rkt);
      const out = new BigUint64Array(1);
      const err = await lib.rd_kafka_metadata(this.#rk, 0, rkt, out, METADATA_TIMEOUT_MS);
      if (out[0]) lib.rd_kafka_metadata_destroy(Deno.UnsafePointer.create(out[0]));
      if (err !== 0) {
        const error = cString(lib.rd_kafka_err2str(err));
        this.#log("warn", "librdkafka could not fetch topic metadata", { topic: name, error });
      }
    }
  }

  /**
   * Produces `messages`; resolves once every delivery report is a success, rejects on the first failure.
   * Calls are produced in call order; a call's acknowledgements may still be pending when the next produces.
   */
  send(messages: readonly BronzeMessage[]): Promise<void> {
    return this.#send([messages]);
  }

  #send(groups: readonly MessageGroup[]): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("LibrdkafkaSink is closed"));
    const id = this.#nextId++;
    const state: SendState = { produced: 0, reported: 0, failed: 0 };
    this.#sends.set(id, state);
    const produced = this.#tail.then(() => this.#produce(groups, id));
    this.#tail = produced.then(() => {}, () => {});
    const run = produced.then(async (outcome) => {
      state.produced = outcome.produced;
      while (state.reported < state.produced) await this.#waitOnce();
      const produceError = outcome.error && new LibrdkafkaError(outcome.error.code, outcome.error.message);
      const failure = produceError ?? state.failure ?? this.#fatal;
      if (failure) {
        const count = state.failed > 0
          ? ` (${state.failed} of ${groups.reduce((n, g) => n + groupSize(g), 0)} messages not delivered)`
          : "";
        throw new LibrdkafkaError(failure.code, `${failure.message}${count}`, { cause: failure });
      }
    }).finally(() => this.#sends.delete(id));
    run.catch(() => {});
    return run;
  }

  /**
   * Hands the messages to librdkafka, each tagged with `id`. On this thread: a producer worker was measured
   * slower on the 2-core machine (the copies to it cost more than the calls it takes off this thread).
   */
  async #produce(groups: readonly MessageGroup[], id: number): Promise<ProduceOutcome> {
    if (this.#closed) return { produced: 0, error: { code: -1, message: "LibrdkafkaSink is closed" } };
    if (this.#fatal) return { produced: 0, error: { code: this.#fatal.code, message: this.#fatal.message } };
    const every = { count: SERVE_EVERY, run: () => this.#serve() };
    return await produceGroups(this.#lib, this.#rk, this.#args, groups, id, {
      waitForRoom: () => this.#waitOnce(),
      every,
    });
  }

  #serve(): void {
    for (;;) {
      const event = this.#lib.rd_kafka_queue_poll(this.#queue, 0);
      if (event === null) return;
      this.#handle(event);
    }
  }

  /** One wait for events shared by every caller: producing on a full queue and sends awaiting reports. */
  #waitOnce(): Promise<void> {
    return this.#waiting ??= this.#wait().finally(() => this.#waiting = undefined);
  }

  /** Waits (off the event loop) up to `WAIT_MS` for an event, then serves all that are ready. */
  async #wait(): Promise<void> {
    const event = await this.#lib.rd_kafka_queue_poll_wait(this.#queue, WAIT_MS);
    if (event !== null) this.#handle(event);
    this.#serve();
  }

  #handle(event: NonNullable<Deno.PointerValue>): void {
    handleEvent(this.#lib, event, {
      delivered: (id, err) => {
        const state = this.#sends.get(id);
        if (state === undefined) return;
        state.reported++;
        if (err === 0) return;
        state.failed++;
        const reason = cString(this.#lib.rd_kafka_err2str(err));
        state.failure ??= new LibrdkafkaError(err, `Kafka delivery failed: ${reason}`);
      },
      fatal: (code, message) =>
        this.#fatal ??= new LibrdkafkaError(code, `Fatal librdkafka error: ${message}`),
      log: this.#log,
    });
  }

  /** Waits for the running send, flushes, destroys the producer and closes the topic admin. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#idle);
    await this.#tail;
    while (this.#sends.size > 0 || this.#waiting) await this.#waitOnce();
    const lib = this.#lib;
    const rk = this.#rk;
    const remaining = await lib.rd_kafka_flush(rk, 10_000);
    this.#serve();
    if (remaining !== 0) this.#log("warn", "librdkafka flush timed out", { error: remaining });
    await this.#learning;
    for (const rkt of this.#topics.values()) lib.rd_kafka_topic_destroy(rkt);
    this.#topics.clear();
    lib.rd_kafka_queue_destroy(this.#queue);
    this.#queue = null;
    this.#rk = null;
    await lib.rd_kafka_destroy(rk);
    await this.#topicAdmin.close().catch(() => {});
  }
}

/** Options of `createLibrdkafkaSink`. */
export interface CreateLibrdkafkaSinkOptions {
  readonly topicAdmin: TopicAdmin;
  readonly log?: BronzeLog;
  readonly encodeValue?: (topic: string, json: string) => Uint8Array;
  /** The loaded library (default `openLibrdkafka()`). */
  readonly library?: Librdkafka;
}

/** A `LibrdkafkaSink` for `settings` on the system's librdkafka. */
export function createLibrdkafkaSink(
  settings: KafkaSettings,
  options: CreateLibrdkafkaSinkOptions,
): LibrdkafkaSink {
  return new LibrdkafkaSink({ settings, ...options });
}
