/**
 * The simulated clock: the base clock (`options.now`, default the system clock) shifted by an offset, or
 * frozen at one instant. Tests and demos move it to "publish" new intervals.
 *
 * @module
 */

/** Options for `SimClock.set`. */
export interface SetClockOptions {
  /** Stop the clock at the given instant instead of letting it run on from there. */
  readonly frozen?: boolean;
}

/** A settable clock. */
export class SimClock {
  readonly #base: () => Date;
  #offsetMs = 0;
  #frozenAt: number | undefined;

  /** A clock that follows `base` until it is set. */
  constructor(base: () => Date) {
    this.#base = base;
  }

  /** The simulated now. */
  now(): Date {
    if (this.#frozenAt !== undefined) return new Date(this.#frozenAt);
    return new Date(this.#base().getTime() + this.#offsetMs);
  }

  /** Moves the clock to `at`; it runs on from there with the base clock unless `frozen`. */
  set(at: Date, options: SetClockOptions = {}): void {
    if (Number.isNaN(at.getTime())) throw new RangeError("Invalid clock time: not a date");
    if (options.frozen) {
      this.#frozenAt = at.getTime();
      return;
    }
    this.#frozenAt = undefined;
    this.#offsetMs = at.getTime() - this.#base().getTime();
  }

  /** Back to the base clock. */
  reset(): void {
    this.#frozenAt = undefined;
    this.#offsetMs = 0;
  }
}
