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
  cBuffer,
  cString,
  type Librdkafka,
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

/** What creates topics for the sink (a `KafkaTopicAdmin` in production). */
export interface TopicAdmin {
  ensureTopics(topics: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** A librdkafka delivery or produce error. */
export class LibrdkafkaError extends Error {
  /** `rd_kafka_resp_err_t` of the first failure. */
  readonly code: number;
  constructor(code: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LibrdkafkaError";
    this.code = code;
  }
}

/** Options of `LibrdkafkaSink`. */
export interface LibrdkafkaSinkOptions {
  readonly settings: KafkaSettings;
  readonly topicAdmin: TopicAdmin;
  /** Turns a JSON value into framed bytes (schema registry); values are sent as UTF-8 text without it. */
  readonly encodeValue?: (topic: string, json: string) => Uint8Array;
  /** `linger.ms` (default 5, librdkafka's own). */
  readonly lingerMs?: number;
  /** `message.timeout.ms`: how long a message may wait for its acknowledgement (default 30 000). */
  readonly messageTimeoutMs?: number;
  /** Further librdkafka properties, applied last (tests). */
  readonly extraConfig?: Readonly<Record<string, string>>;
  readonly log?: BronzeLog;
  /** The loaded library (default `openLibrdkafka()`). */
  readonly library?: Librdkafka;
}

/** The librdkafka properties for `settings`: the guarantees of `KafkaSink`, plus TLS and SASL. */
export function librdkafkaConfig(
  settings: KafkaSettings,
  options: Pick<LibrdkafkaSinkOptions, "lingerMs" | "messageTimeoutMs" | "extraConfig"> = {},
): Record<string, string> {
  const protocol = `${settings.sasl ? "SASL_" : ""}${settings.ssl ? "SSL" : "PLAINTEXT"}`;
  const config: Record<string, string> = {
    "bootstrap.servers": settings.brokers.join(","),
    "client.id": settings.clientId,
    "enable.idempotence": "true",
    "acks": "all",
    "compression.codec": "gzip",
    "partitioner": "murmur2_random",
    "linger.ms": String(options.lingerMs ?? 5),
    "message.timeout.ms": String(options.messageTimeoutMs ?? 30_000),
    "batch.size": String(settings.maxBatchBytes),
    "message.max.bytes": String(Math.max(1_000_000, settings.maxBatchBytes)),
    "security.protocol": protocol,
  };
  if (settings.sasl) {
    config["sasl.mechanisms"] = settings.sasl.mechanism.toUpperCase();
    config["sasl.username"] = settings.sasl.username;
    config["sasl.password"] = settings.sasl.password;
  }
  return { ...config, ...options.extraConfig };
}

const ERRSTR_SIZE = 512;
/** Serve the delivery queue every this many produced messages, so reports do not pile up. */
const SERVE_EVERY = 2_000;
const WAIT_MS = 100;

/** A Bronze sink that produces to Kafka through librdkafka (FFI). */
export class LibrdkafkaSink implements BronzeSink {
  readonly kind = "kafka" as const;
  readonly #lib: Librdkafka;
  readonly #topicAdmin: TopicAdmin;
  readonly #log: BronzeLog;
  #rk: Deno.PointerValue;
  #queue: Deno.PointerValue;
  #tail: Promise<void> = Promise.resolve();
  #waiting?: Promise<unknown>;
  #closed = false;
  #sending = false;
  readonly #idle: ReturnType<typeof setInterval>;
  #pending = 0;
  #failure?: LibrdkafkaError;
  #failed = 0;
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
      if (!this.#sending && this.#queue !== null) this.#serve();
    }, 1_000);
    Deno.unrefTimer(this.#idle as unknown as number); // a number in Deno; node's types say Timeout
  }

  /** Creates the missing topics through the topic admin. */
  ensureTopics(topics: readonly string[]): Promise<void> {
    return this.#topicAdmin.ensureTopics(topics);
  }

  /** Produces `messages`; resolves once every delivery report is a success, rejects on the first failure. */
  send(messages: readonly BronzeMessage[]): Promise<void> {
    const run = this.#tail.then(async () => {
      this.#sending = true;
      try {
        await this.#send(messages);
      } finally {
        this.#sending = false;
      }
    });
    this.#tail = run.catch(() => {});
    return run;
  }

  async #send(messages: readonly BronzeMessage[]): Promise<void> {
    if (this.#closed) throw new Error("LibrdkafkaSink is closed");
    if (this.#fatal) throw this.#fatal;
    if (messages.length === 0) return;
    this.#failure = undefined;
    this.#failed = 0;
    let produceError: LibrdkafkaError | undefined;
    for (let i = 0; i < messages.length && !produceError; i++) {
      const count = this.#args.fill(messages[i]!);
      for (;;) {
        const error = this.#lib.rd_kafka_produceva(this.#rk, this.#args.vu, BigInt(count));
        if (error === null) {
          this.#pending++;
          break;
        }
        const code = this.#lib.rd_kafka_error_code(error);
        const message = cString(this.#lib.rd_kafka_error_string(error));
        this.#lib.rd_kafka_error_destroy(error);
        if (code !== RD_KAFKA_RESP_ERR__QUEUE_FULL) {
          produceError = new LibrdkafkaError(code, `Cannot produce to "${messages[i]!.topic}": ${message}`);
          break;
        }
        await this.#wait();
      }
      if (i % SERVE_EVERY === SERVE_EVERY - 1) this.#serve();
    }
    while (this.#pending > 0) await this.#wait();
    const failure = produceError ?? this.#failure ?? this.#fatal;
    if (failure) {
      const count = this.#failed > 0 ? ` (${this.#failed} of ${messages.length} messages not delivered)` : "";
      throw new LibrdkafkaError(failure.code, `${failure.message}${count}`, { cause: failure });
    }
  }

  /** Serves every event ready now, without blocking. */
  #serve(): void {
    for (;;) {
      const event = this.#lib.rd_kafka_queue_poll(this.#queue, 0);
      if (event === null) return;
      this.#handle(event);
    }
  }

  /** Waits (off the event loop) up to `WAIT_MS` for an event, then serves all that are ready. */
  async #wait(): Promise<void> {
    const waiting = this.#lib.rd_kafka_queue_poll_wait(this.#queue, WAIT_MS);
    this.#waiting = waiting;
    const event = await waiting;
    this.#waiting = undefined;
    if (event !== null) this.#handle(event);
    this.#serve();
  }

  #handle(event: NonNullable<Deno.PointerValue>): void {
    const lib = this.#lib;
    const type = lib.rd_kafka_event_type(event);
    if (type === RD_KAFKA_EVENT_DR) {
      for (
        let m = lib.rd_kafka_event_message_next(event);
        m !== null;
        m = lib.rd_kafka_event_message_next(event)
      ) {
        this.#pending--;
        const err = new Deno.UnsafePointerView(m).getInt32(0);
        if (err !== 0) {
          this.#failed++;
          this.#failure ??= new LibrdkafkaError(
            err,
            `Kafka delivery failed: ${cString(lib.rd_kafka_err2str(err))}`,
          );
        }
      }
    } else if (type === RD_KAFKA_EVENT_LOG) {
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
    await this.#waiting;
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
