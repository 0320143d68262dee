/**
 * The librdkafka adapter of the Bronze sink, chosen by `KAFKA_CLIENT` (auto or librdkafka): the same
 * guarantees as `KafkaSink` (idempotent producer, `acks=all`, gzip, the Java-compatible partitioner, the
 * same headers) through Debian's `librdkafka1` over `Deno.dlopen`, because kafkajs's record encoding alone takes longer
 * than librdkafka's whole produce. Each message is handed to `rd_kafka_produceva` (arguments built by
 * `ProduceArgs`, copied by librdkafka); `send` then serves the main queue until every delivery report of
 * the batch is in, and rejects if any of them failed. Logs and errors of librdkafka go to the log function.
 * Topics are created through a `TopicAdmin` (the kafkajs admin in production). Needs `--allow-ffi`.
 *
 * @module
 */
import type { KafkaSettings } from "../clients/kafka.ts";
import {
  librdkafkaConfig,
  LibrdkafkaError,
  type LibrdkafkaSinkOptions,
  type TopicAdmin,
} from "./librdkafka_config.ts";
import {
  cBuffer,
  cString,
  type Librdkafka,
  MESSAGE_OPAQUE,
  openLibrdkafka,
  RD_KAFKA_CONF_OK,
  RD_KAFKA_EVENT_DR,
  RD_KAFKA_EVENT_ERROR,
  RD_KAFKA_EVENT_LOG,
  RD_KAFKA_PRODUCER,
  RD_KAFKA_RESP_ERR__QUEUE_FULL,
} from "../clients/librdkafka.ts";
import { ProduceArgs } from "./librdkafka_produce_args.ts";
import { type BronzeLog, type BronzeMessage, type BronzeSink, silentLog } from "./sink.ts";

export { librdkafkaConfig, LibrdkafkaError, type LibrdkafkaSinkOptions, type TopicAdmin };

const ERRSTR_SIZE = 512;
/** Serve the delivery queue every this many produced messages, so reports do not pile up. */
const SERVE_EVERY = 2_000;
const WAIT_MS = 100;
/**
 * Sends the drainer may have outstanding: while librdkafka compresses and the broker acknowledges one
 * batch, the next is produced. Order per partition holds (idempotent producer); on a failure the drainer
 * resends from the oldest unacknowledged batch, so a key's last write stays its newest.
 */
const SENDS_IN_FLIGHT = 3;

/** Delivery reports still expected by one `send`, and its first failure. */
interface SendState {
  pending: number;
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

  /** Creates the librdkafka producer; throws if librdkafka is missing or rejects a property. */
  constructor(options: LibrdkafkaSinkOptions) {
    this.#lib = options.library ?? openLibrdkafka();
    this.#topicAdmin = options.topicAdmin;
    this.#args = new ProduceArgs(options.encodeValue);
    this.#log = options.log ?? silentLog;
    const lib = this.#lib;
    const conf = lib.rd_kafka_conf_new();
    const errstr = new Uint8Array(ERRSTR_SIZE);
    const properties = { ...librdkafkaConfig(options.settings, options), "log.queue": "true" };
    for (const [name, value] of Object.entries(properties)) {
      if (
        lib.rd_kafka_conf_set(conf, cBuffer(name), cBuffer(value), errstr, BigInt(ERRSTR_SIZE)) !==
          RD_KAFKA_CONF_OK
      ) {
        lib.rd_kafka_conf_destroy(conf);
        throw new LibrdkafkaError(-1, `Cannot set librdkafka property "${name}": ${text(errstr)}`);
      }
    }
    lib.rd_kafka_conf_set_events(conf, RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_LOG | RD_KAFKA_EVENT_ERROR);
    const rk = lib.rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, BigInt(ERRSTR_SIZE));
    if (rk === null) {
      lib.rd_kafka_conf_destroy(conf);
      throw new LibrdkafkaError(-1, `Cannot create the librdkafka producer: ${text(errstr)}`);
    }
    this.#rk = rk;
    this.#queue = lib.rd_kafka_queue_get_main(rk);
    lib.rd_kafka_set_log_queue(rk, null); // logs and errors reach the log function, not stderr
    // Between sends nobody polls: serve logs and errors now and then so they are reported and do not pile up.
    this.#idle = setInterval(() => {
      if (this.#sends.size === 0 && this.#waiting === undefined && this.#queue !== null) this.#serve();
    }, 1_000);
    Deno.unrefTimer(this.#idle as unknown as number); // a number in Deno; node's types say Timeout
  }

  /** Creates the missing topics through the topic admin. */
  ensureTopics(topics: readonly string[]): Promise<void> {
    return this.#topicAdmin.ensureTopics(topics);
  }

  /**
   * Produces `messages`; resolves once every delivery report is a success, rejects on the first failure.
   * Calls are produced in call order; a call's acknowledgements may still be pending when the next produces.
   */
  send(messages: readonly BronzeMessage[]): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("LibrdkafkaSink is closed"));
    const id = this.#nextId++;
    const state: SendState = { pending: 0, failed: 0 };
    this.#sends.set(id, state);
    const produced = this.#tail.then(() => this.#produce(messages, id, state));
    this.#tail = produced.then(() => {}, () => {});
    const run = produced.then(async (produceError) => {
      while (state.pending > 0) await this.#waitOnce();
      const failure = produceError ?? state.failure ?? this.#fatal;
      if (failure) {
        const count = state.failed > 0
          ? ` (${state.failed} of ${messages.length} messages not delivered)`
          : "";
        throw new LibrdkafkaError(failure.code, `${failure.message}${count}`, { cause: failure });
      }
    }).finally(() => this.#sends.delete(id));
    run.catch(() => {});
    return run;
  }

  /** Hands `messages` to librdkafka, each tagged with `id`; resolves with the error that stopped it, if any. */
  async #produce(
    messages: readonly BronzeMessage[],
    id: number,
    state: SendState,
  ): Promise<LibrdkafkaError | undefined> {
    if (this.#closed) return new LibrdkafkaError(-1, "LibrdkafkaSink is closed");
    if (this.#fatal) return this.#fatal;
    for (let i = 0; i < messages.length; i++) {
      const count = this.#args.tag(this.#args.fill(messages[i]!), id);
      for (;;) {
        const error = this.#lib.rd_kafka_produceva(this.#rk, this.#args.vu, BigInt(count));
        if (error === null) {
          state.pending++;
          break;
        }
        const code = this.#lib.rd_kafka_error_code(error);
        const message = cString(this.#lib.rd_kafka_error_string(error));
        this.#lib.rd_kafka_error_destroy(error);
        if (code !== RD_KAFKA_RESP_ERR__QUEUE_FULL) {
          return new LibrdkafkaError(code, `Cannot produce to "${messages[i]!.topic}": ${message}`);
        }
        await this.#waitOnce();
      }
      if (i % SERVE_EVERY === SERVE_EVERY - 1) this.#serve();
    }
    return undefined;
  }

  /** Serves every event ready now, without blocking. */
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

  /** The delivery reports of one event: each message's send learns its outcome. */
  #delivered(event: NonNullable<Deno.PointerValue>): void {
    const lib = this.#lib;
    for (
      let m = lib.rd_kafka_event_message_next(event);
      m !== null;
      m = lib.rd_kafka_event_message_next(event)
    ) {
      const view = new Deno.UnsafePointerView(m);
      const state = this.#sends.get(Number(view.getBigUint64(MESSAGE_OPAQUE)));
      if (state === undefined) continue;
      state.pending--;
      const err = view.getInt32(0);
      if (err !== 0) {
        state.failed++;
        state.failure ??= new LibrdkafkaError(
          err,
          `Kafka delivery failed: ${cString(lib.rd_kafka_err2str(err))}`,
        );
      }
    }
  }

  #handle(event: NonNullable<Deno.PointerValue>): void {
    const lib = this.#lib;
    const type = lib.rd_kafka_event_type(event);
    if (type === RD_KAFKA_EVENT_DR) this.#delivered(event);
    else if (type === RD_KAFKA_EVENT_LOG) {
      const facility = new BigUint64Array(1), line = new BigUint64Array(1), level = new Int32Array(1);
      if (lib.rd_kafka_event_log(event, facility, line, level) === 0) {
        const at = (word: BigUint64Array) => cString(Deno.UnsafePointer.create(word[0]!));
        // librdkafka logs every failed connection attempt at syslog "error"; the drainer reports the outcome.
        this.#log(level[0]! <= 4 ? "warn" : "info", `librdkafka ${at(facility)}: ${at(line)}`);
      }
    } else if (type === RD_KAFKA_EVENT_ERROR) {
      const code = lib.rd_kafka_event_error(event);
      const message = cString(lib.rd_kafka_event_error_string(event));
      if (lib.rd_kafka_event_error_is_fatal(event) !== 0) {
        this.#fatal ??= new LibrdkafkaError(code, `Fatal librdkafka error: ${message}`);
        this.#log("error", "librdkafka fatal error", { code, error: message });
      } else {
        this.#log("warn", "librdkafka error", { code, error: message });
      }
    }
    lib.rd_kafka_event_destroy(event);
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
    lib.rd_kafka_queue_destroy(this.#queue);
    this.#queue = null;
    this.#rk = null;
    await lib.rd_kafka_destroy(rk);
    await this.#topicAdmin.close().catch(() => {});
  }
}

function text(errstr: Uint8Array): string {
  const end = errstr.indexOf(0);
  return new TextDecoder().decode(errstr.subarray(0, end < 0 ? errstr.length : end));
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
