/**
 * What the drainer reads from the outbox: the messages of whole entries in commit order, as the groups they
 * were held in (packed bytes for a sink that sends from bytes), with what `Outbox.remove` needs.
 *
 * @module
 */
import { groupMessages } from "./outbox_entry.ts";
import type { BronzeMessage, MessageGroup } from "./sink.ts";

/** Messages read from the outbox in commit order, with what `remove` needs. */
export interface OutboxBatch {
  /** The messages, by entry. */
  readonly groups: readonly MessageGroup[];
  /** Number of messages. */
  readonly count: number;
  /** The messages as objects (decoded on first use from packed groups). */
  readonly messages: readonly BronzeMessage[];
  /** KV keys of the entries holding them. */
  readonly keys: readonly Deno.KvKey[];
  /** Commit time of the oldest entry, ms. */
  readonly oldestAt: number;
  /** Sequence number of the last entry, for reading ahead. */
  readonly lastSeq: number;
}

/** A batch of `groups`, `count` messages in all. */
export function outboxBatch(
  groups: readonly MessageGroup[],
  count: number,
  keys: readonly Deno.KvKey[],
  oldestAt: number,
  lastSeq: number,
): OutboxBatch {
  let messages: readonly BronzeMessage[] | undefined;
  return {
    groups,
    count,
    get messages() {
      return messages ??= groups.length === 1 ? groupMessages(groups[0]!) : groups.flatMap(groupMessages);
    },
    keys,
    oldestAt,
    lastSeq,
  };
}
