/**
 * What `LibrdkafkaSink` does with one event of librdkafka's main queue: delivery reports go to the send
 * their message belongs to (by the opaque id), log lines and errors to the log function, a fatal error is
 * kept so later sends fail at once. The event is destroyed here.
 *
 * @module
 */
import {
  cString,
  type Librdkafka,
  MESSAGE_OPAQUE,
  RD_KAFKA_EVENT_DR,
  RD_KAFKA_EVENT_ERROR,
  RD_KAFKA_EVENT_LOG,
} from "../clients/librdkafka.ts";
import type { BronzeLog } from "./sink.ts";

/** Where the outcome of an event goes. */
export interface EventHandlers {
  /** One delivery report: the send id the message carried, and its error code (0: delivered). */
  readonly delivered: (id: number, err: number) => void;
  /** A fatal error of the producer. */
  readonly fatal: (code: number, message: string) => void;
  readonly log: BronzeLog;
}

/** Handles and destroys `event`. */
export function handleEvent(lib: Librdkafka, event: NonNullable<Deno.PointerValue>, on: EventHandlers): void {
  const type = lib.rd_kafka_event_type(event);
  if (type === RD_KAFKA_EVENT_DR) {
    for (
      let m = lib.rd_kafka_event_message_next(event);
      m !== null;
      m = lib.rd_kafka_event_message_next(event)
    ) {
      const view = new Deno.UnsafePointerView(m);
      on.delivered(Number(view.getBigUint64(MESSAGE_OPAQUE)), view.getInt32(0));
    }
  } else if (type === RD_KAFKA_EVENT_LOG) {
    const facility = new BigUint64Array(1), line = new BigUint64Array(1), level = new Int32Array(1);
    if (lib.rd_kafka_event_log(event, facility, line, level) === 0) {
      const at = (word: BigUint64Array) => cString(Deno.UnsafePointer.create(word[0]!));
      // librdkafka logs every failed connection attempt at syslog "error"; the drainer reports the outcome.
      on.log(level[0]! <= 4 ? "warn" : "info", `librdkafka ${at(facility)}: ${at(line)}`);
    }
  } else if (type === RD_KAFKA_EVENT_ERROR) {
    const code = lib.rd_kafka_event_error(event);
    const message = cString(lib.rd_kafka_event_error_string(event));
    if (lib.rd_kafka_event_error_is_fatal(event) !== 0) {
      on.fatal(code, message);
      on.log("error", "librdkafka fatal error", { code, error: message });
    } else {
      on.log("warn", "librdkafka error", { code, error: message });
    }
  }
  lib.rd_kafka_event_destroy(event);
}
