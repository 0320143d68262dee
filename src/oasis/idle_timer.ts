/**
 * A timer that stops an idle worker: `arm()` (re)starts the countdown, `cancel()` stops it. It never keeps
 * the process alive. Used by `WorkerParser` and `WorkerSender`, whose workers are isolates of their own
 * (20-30 MB resident each) and are worth stopping between polls.
 *
 * @module
 */

/** Calls `onIdle` `ms` after the last `arm()`, unless `cancel()` came since. */
export class IdleTimer {
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #ms: number;
  readonly #onIdle: () => void;

  constructor(ms: number, onIdle: () => void) {
    this.#ms = ms;
    this.#onIdle = onIdle;
  }

  /** Starts the countdown again. */
  arm(): void {
    this.cancel();
    const timer = setTimeout(() => {
      this.#timer = undefined;
      this.#onIdle();
    }, this.#ms);
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  /** Stops the countdown. */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
