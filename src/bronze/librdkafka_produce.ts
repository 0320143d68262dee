/**
 * The produce loop of `LibrdkafkaSink`: every message of the groups (objects, or packed bytes read where
 * they lie) is handed to `rd_kafka_produceva` with its send's id as the opaque, in order; a full local
 * queue waits (`waitForRoom`) and tries the same message again. Delivery reports are served by the sink.
 *
 * @module
 */
import { cString, type Librdkafka, RD_KAFKA_RESP_ERR__QUEUE_FULL } from "../clients/librdkafka.ts";
import { address, type ProduceArgs } from "./librdkafka_produce_args.ts";
import { groupSize, isPacked } from "./outbox_entry.ts";
import type { BronzeMessage, MessageGroup } from "./sink.ts";

/** What a produce loop did: messages handed to librdkafka, and the error that stopped it, if any. */
export interface ProduceOutcome {
  readonly produced: number;
  readonly error?: { readonly code: number; readonly message: string };
}

/** Hooks of `produceGroups`. */
export interface ProduceHooks {
  /** Resolves when the local queue may have room again. */
  readonly waitForRoom: () => Promise<void>;
  /** Called every `every` messages (the main thread serves delivery reports there). */
  readonly every?: { readonly count: number; readonly run: () => void };
}

/** Hands every message of `groups` to librdkafka, tagged with `id`; stops at the first error. */
export async function produceGroups(
  lib: Librdkafka,
  rk: Deno.PointerValue,
  args: ProduceArgs,
  groups: readonly MessageGroup[],
  id: number,
  hooks: ProduceHooks,
): Promise<ProduceOutcome> {
  let produced = 0;
  for (const group of groups) {
    const packed = isPacked(group) ? group : undefined;
    const messages = group as readonly BronzeMessage[];
    const base = packed ? address(packed.bytes) : 0;
    for (let i = 0; i < groupSize(group); i++) {
      const count = args.tag(packed ? args.fillPacked(packed, i, base) : args.fill(messages[i]!), id);
      for (;;) {
        const error = lib.rd_kafka_produceva(rk, args.vu, BigInt(count));
        if (error === null) break;
        const code = lib.rd_kafka_error_code(error);
        const message = cString(lib.rd_kafka_error_string(error));
        lib.rd_kafka_error_destroy(error);
        if (code !== RD_KAFKA_RESP_ERR__QUEUE_FULL) {
          const topic = packed ? packed.topics[packed.refs[2 * i]!] : messages[i]!.topic;
          return { produced, error: { code, message: `Cannot produce to "${topic}": ${message}` } };
        }
        await hooks.waitForRoom();
      }
      produced++;
      if (hooks.every && produced % hooks.every.count === 0) hooks.every.run();
    }
  }
  return { produced };
}
