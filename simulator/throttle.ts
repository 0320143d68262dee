/**
 * OASIS's BigIP throttle: a request starting less than the interval after the previous one (in real time)
 * is refused with the 429 page, and that refused request restarts the wait. The request that follows
 * OASIS's own redirect is part of the one that was redirected, so it is never throttled.
 *
 * @module
 */

/** The throttle state of one simulator. */
export class Throttle {
  readonly #intervalMs: number;
  #lastStart: number | undefined;
  #redirectTarget: string | undefined;

  /** A throttle refusing requests less than `intervalMs` apart; 0 never refuses. */
  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** Whether the request for `url` starting at `started` (epoch ms) is refused. */
  refuses(url: string, started: number): boolean {
    // fetch follows OASIS's own PRC_AS redirect at once; that second request is part of the first.
    const followsRedirect = this.#redirectTarget === url;
    this.#redirectTarget = undefined;
    if (followsRedirect) return false;
    const refused = this.#intervalMs > 0 && this.#lastStart !== undefined &&
      started - this.#lastStart < this.#intervalMs;
    this.#lastStart = started;
    return refused;
  }

  /** The last answer redirected to `url`: the next request, if it is for `url`, is never refused. */
  redirectedTo(url: string): void {
    this.#redirectTarget = url;
  }
}
