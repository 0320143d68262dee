/**
 * The outbox's bounds: how it sizes a Bronze message and the largest it stores (a message over it becomes a
 * dead letter in the publisher and is refused by the outbox), the sizes of its entries and commits under
 * Deno KV's limits, and the error of a full outbox.
 *
 * @module
 */
import type { BronzeMessage } from "./sink.ts";

/** Largest message the outbox stores, in characters of topic, key, value and headers. */
export const MAX_MESSAGE_CHARS = 29_800;

/** Size of a message as the outbox counts it (characters of topic, key, value and headers). */
export function messageChars(m: BronzeMessage): number {
  let n = m.topic.length + m.key.length + m.value.length + 32;
  for (const k in m.headers) n += k.length + m.headers[k]!.length + 8;
  return n;
}

/** The error for the first message over `MAX_MESSAGE_CHARS`, if any. */
export function tooBig(messages: readonly BronzeMessage[]): RangeError | undefined {
  const big = messages.find((m) => messageChars(m) > MAX_MESSAGE_CHARS);
  return big &&
    new RangeError(
      `Bronze message "${big.key}" is ${messageChars(big)} characters, over ${MAX_MESSAGE_CHARS}`,
    );
}

/** Bytes of one packed entry, below Deno KV's 64 KiB value limit. */
export const ENTRY_BYTES = 60_000;
/** Bytes of entries per atomic commit, below Deno KV's 800 KiB commit limit. */
export const COMMIT_BYTES = 720_000;
/** Range of characters of messages packed into one entry; the target adapts to how well they compress. */
export const PACK_MIN_CHARS = 8_000, PACK_MAX_CHARS = 4_000_000;

/** The outbox cannot take the rows without passing its bound; nothing of the call was written. */
export class OutboxFullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutboxFullError";
  }
}
