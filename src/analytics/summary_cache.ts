/**
 * A bounded cache of computed answers that also coalesces concurrent requests: a value is kept under a key
 * with a fingerprint of the inputs it was computed from. A request with the same key and fingerprint gets
 * the same promise (finished, or still computing), so identical requests share one computation; a new
 * fingerprint (a price added or revised) replaces the value. The least recently used key goes first.
 *
 * @module
 */

/** Cache of values computed from inputs identified by a fingerprint. */
export class SummaryCache<T> {
  readonly #entries = new Map<string, { fingerprint: string; value: Promise<T> }>();
  readonly #maxEntries: number;

  /** Keeps at most `maxEntries` keys. */
  constructor(maxEntries = 32) {
    this.#maxEntries = Math.max(1, maxEntries);
  }

  /** Keys held. */
  get size(): number {
    return this.#entries.size;
  }

  /** The value of `key` computed from inputs `fingerprint`: shared when present, else `compute()`d. */
  get(key: string, fingerprint: string, compute: () => T | Promise<T>): Promise<T> {
    const held = this.#entries.get(key);
    this.#entries.delete(key);
    if (held !== undefined && held.fingerprint === fingerprint) {
      this.#entries.set(key, held); // most recently used last
      return held.value;
    }
    const entry = { fingerprint, value: Promise.resolve().then(compute) };
    // A failure is not kept: the next request computes again.
    entry.value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    this.#entries.set(key, entry);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
    }
    return entry.value;
  }
}
