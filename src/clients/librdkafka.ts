/**
 * The FFI binding to Debian's librdkafka (`librdkafka1`, 2.0.2) used by `LibrdkafkaSink`: the few
 * non-variadic functions a producer needs, the constants and struct layouts they take (checked against
 * librdkafka 2.0.2's `rdkafka.h` on x86_64), and `openLibrdkafka()`, which fails with an error naming the
 * package when the library is missing. Nothing is loaded until `openLibrdkafka()` is called.
 *
 * @module
 */

/** Where Debian installs the library; `dlopen` also searches the usual paths for the bare name. */
export const LIBRDKAFKA_PATHS = ["/usr/lib/x86_64-linux-gnu/librdkafka.so.1", "librdkafka.so.1"] as const;

/** `rd_kafka_type_t` of a producer. */
export const RD_KAFKA_PRODUCER = 0;
/** Event type of a delivery-report batch (`RD_KAFKA_EVENT_DR`). */
export const RD_KAFKA_EVENT_DR = 0x1;
/** Event type of a log line (`RD_KAFKA_EVENT_LOG`, with `log.queue=true` and `rd_kafka_set_log_queue`). */
export const RD_KAFKA_EVENT_LOG = 0x4;
/** Event type of a client error (`RD_KAFKA_EVENT_ERROR`). */
export const RD_KAFKA_EVENT_ERROR = 0x8;
/** `RD_KAFKA_MSG_F_COPY`: librdkafka copies key and value, so the caller's buffer is free on return. */
export const RD_KAFKA_MSG_F_COPY = 0x2;
/** `RD_KAFKA_RESP_ERR__QUEUE_FULL`: the producer queue is full; serve delivery reports and try again. */
export const RD_KAFKA_RESP_ERR__QUEUE_FULL = -184;
/** `rd_kafka_conf_set` success (`RD_KAFKA_CONF_OK`). */
export const RD_KAFKA_CONF_OK = 0;

/** `rd_kafka_vtype_t`, the tags of `rd_kafka_vu_t` (order of the enum in `rdkafka.h`). */
export const VTYPE = {
  END: 0,
  TOPIC: 1,
  RKT: 2,
  PARTITION: 3,
  VALUE: 4,
  KEY: 5,
  OPAQUE: 6,
  MSGFLAGS: 7,
  TIMESTAMP: 8,
  HEADER: 9,
  HEADERS: 10,
} as const;

/**
 * `sizeof(rd_kafka_vu_t)` on x86_64: an `int` tag, padding, then a union whose `char _pad[64]` makes it
 * 64 bytes (8 + 64 = 72, not the 32 its largest real member suggests).
 */
export const VU_SIZE = 72;
/** Offset of the union in `rd_kafka_vu_t`. */
export const VU_UNION = 8;
/** Offset of `_private` (the per-message opaque) in `rd_kafka_message_t`; `err` is the int32 at 0. */
export const MESSAGE_OPAQUE = 64;

const SYMBOLS = {
  rd_kafka_version_str: { parameters: [], result: "pointer" },
  rd_kafka_conf_new: { parameters: [], result: "pointer" },
  rd_kafka_conf_set: { parameters: ["pointer", "buffer", "buffer", "buffer", "usize"], result: "i32" },
  rd_kafka_conf_set_events: { parameters: ["pointer", "i32"], result: "void" },
  rd_kafka_conf_destroy: { parameters: ["pointer"], result: "void" },
  rd_kafka_new: { parameters: ["i32", "pointer", "buffer", "usize"], result: "pointer" },
  rd_kafka_set_log_queue: { parameters: ["pointer", "pointer"], result: "i32" },
  rd_kafka_event_log: { parameters: ["pointer", "buffer", "buffer", "buffer"], result: "i32" },
  rd_kafka_queue_get_main: { parameters: ["pointer"], result: "pointer" },
  rd_kafka_queue_destroy: { parameters: ["pointer"], result: "void" },
  rd_kafka_produceva: { parameters: ["pointer", "buffer", "usize"], result: "pointer" },
  rd_kafka_queue_poll: { parameters: ["pointer", "i32"], result: "pointer" },
  rd_kafka_queue_poll_wait: {
    name: "rd_kafka_queue_poll",
    parameters: ["pointer", "i32"],
    result: "pointer",
    nonblocking: true,
  },
  rd_kafka_event_type: { parameters: ["pointer"], result: "i32" },
  rd_kafka_event_message_next: { parameters: ["pointer"], result: "pointer" },
  rd_kafka_event_error: { parameters: ["pointer"], result: "i32" },
  rd_kafka_event_error_string: { parameters: ["pointer"], result: "pointer" },
  rd_kafka_event_error_is_fatal: { parameters: ["pointer"], result: "i32" },
  rd_kafka_event_destroy: { parameters: ["pointer"], result: "void" },
  rd_kafka_flush: { parameters: ["pointer", "i32"], result: "i32", nonblocking: true },
  rd_kafka_destroy: { parameters: ["pointer"], result: "void", nonblocking: true },
  rd_kafka_topic_new: { parameters: ["pointer", "buffer", "pointer"], result: "pointer" },
  rd_kafka_topic_destroy: { parameters: ["pointer"], result: "void" },
  rd_kafka_metadata: {
    parameters: ["pointer", "i32", "pointer", "buffer", "i32"],
    result: "i32",
    nonblocking: true,
  },
  rd_kafka_metadata_destroy: { parameters: ["pointer"], result: "void" },
  rd_kafka_err2str: { parameters: ["i32"], result: "pointer" },
  rd_kafka_error_code: { parameters: ["pointer"], result: "i32" },
  rd_kafka_error_string: { parameters: ["pointer"], result: "pointer" },
  rd_kafka_error_destroy: { parameters: ["pointer"], result: "void" },
} as const satisfies Deno.ForeignLibraryInterface;

/** The loaded librdkafka functions. */
export type Librdkafka = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** librdkafka could not be loaded: not installed, or the process lacks `--allow-ffi`. */
export class LibrdkafkaUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LibrdkafkaUnavailableError";
  }
}

let loaded: Librdkafka | undefined;

/** Loads librdkafka once per process; throws `LibrdkafkaUnavailableError` naming the package and the flag. */
export function openLibrdkafka(paths: readonly string[] = LIBRDKAFKA_PATHS): Librdkafka {
  if (loaded && paths === LIBRDKAFKA_PATHS) return loaded;
  const failures: string[] = [];
  for (const path of paths) {
    try {
      const symbols = Deno.dlopen(path, SYMBOLS).symbols;
      if (paths === LIBRDKAFKA_PATHS) loaded = symbols;
      return symbols;
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
        throw new LibrdkafkaUnavailableError(
          "Cannot load librdkafka: KAFKA_CLIENT=librdkafka needs the --allow-ffi permission",
          { cause: error },
        );
      }
      failures.push(`${path}: ${error instanceof Error ? error.message : error}`);
    }
  }
  throw new LibrdkafkaUnavailableError(
    `Cannot load librdkafka for KAFKA_CLIENT=librdkafka: install the "librdkafka1" package ` +
      `(apt-get install -y librdkafka1) or set KAFKA_CLIENT=kafkajs (${failures.join("; ")})`,
  );
}

/** The C string at `pointer`, or "" for NULL. */
export function cString(pointer: Deno.PointerValue): string {
  return pointer === null ? "" : Deno.UnsafePointerView.getCString(pointer);
}

/** A NUL-terminated UTF-8 copy of `text`. */
export function cBuffer(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${text}\0`);
}
