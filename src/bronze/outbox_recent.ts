/**
 * The messages of the outbox entries this process committed and the drainer has not removed yet, kept in
 * memory up to a bound, so that the drainer sends what was just built without unpacking it again from KV
 * (decompressing and decoding was about a fifth of the full path's main-thread time). KV stays the
 * record: entries past the bound, and everything after a restart, are read from there.
 *
 * @module
 */
import { groupSize } from "./outbox_entry.ts";
import type { MessageGroup } from "./sink.ts";

/** Messages held at most (about 1 KB each for OASIS envelopes). */
export const RECENT_MAX_ROWS = 50_000;

/** Messages of recently committed entries by sequence number, at most `maxRows` in all. */
export class RecentEntries {
  readonly #entries = new Map<number, MessageGroup>();
  readonly #maxRows: number;
  #rows = 0;

  constructor(maxRows = RECENT_MAX_ROWS) {
    this.#maxRows = maxRows;
  }

  /** Keeps the messages of committed entry `seq` if they fit in the bound. */
  add(seq: number, messages: MessageGroup): void {
    const size = groupSize(messages);
    if (this.#rows + size > this.#maxRows) return;
    this.#entries.set(seq, messages);
    this.#rows += size;
  }

  /** The messages of entry `seq`, if held. */
  get(seq: number): MessageGroup | undefined {
    return this.#entries.get(seq);
  }

  /** Forgets entry `seq` (removed from the outbox). */
  delete(seq: number): void {
    const messages = this.#entries.get(seq);
    if (!messages) return;
    this.#entries.delete(seq);
    this.#rows -= groupSize(messages);
  }

  /** Messages held. */
  get rows(): number {
    return this.#rows;
  }
}
