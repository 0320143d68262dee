/**
 * OASIS outages as the request events show them: the first attempt that gets no answer at all (`network`
 * or `timeout`) starts an outage, the first attempt that gets any answer (data, no data, an HTTP or OASIS
 * error) ends it. The tracker says when each happens, so the cause is logged once per outage rather than
 * once per request, and which request events fall inside one (they are logged quietly).
 *
 * @module
 */
import type { NetworkCause } from "./network_cause.ts";
import type { OasisRequestEvent } from "./request_event.ts";

/** The start or the end of an outage. */
export type OutageChange =
  | {
    readonly kind: "down";
    /** Host of the URL that got no answer. */
    readonly host: string;
    readonly url: string;
    readonly cause: NetworkCause;
    readonly detail: string;
  }
  | {
    readonly kind: "up";
    readonly host: string;
    /** How long OASIS gave no answer, in ms. */
    readonly downForMs: number;
    /** Attempts that failed (or were not sent, the breaker being open) during the outage. */
    readonly failedAttempts: number;
  };

/** What one request event means for the outage. */
export interface OutageObservation {
  /** The outage starts or ends with this event. */
  readonly change: OutageChange | null;
  /** The event is one more failure of a known outage (log it quietly). */
  readonly quiet: boolean;
}

const NO_ANSWER = new Set(["network", "timeout"]);
const NEUTRAL = new Set(["aborted", "breaker_open"]);

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}

/** Follows the request events of one client. */
export class OutageTracker {
  #since: number | null = null;
  #failed = 0;

  /** Whether an outage is going on. */
  get down(): boolean {
    return this.#since !== null;
  }

  /** Takes one request event (at `nowMs`); says whether it starts or ends an outage. */
  observe(event: OasisRequestEvent, nowMs = Date.now()): OutageObservation {
    if (NO_ANSWER.has(event.outcome)) {
      if (this.#since !== null) {
        this.#failed++;
        return { change: null, quiet: true };
      }
      this.#since = nowMs;
      this.#failed = 1;
      const change: OutageChange = {
        kind: "down",
        host: hostOf(event.url),
        url: event.url,
        cause: event.cause ?? (event.outcome === "timeout" ? "timeout" : "other"),
        detail: event.detail ?? "",
      };
      return { change, quiet: true };
    }
    if (NEUTRAL.has(event.outcome)) {
      if (this.#since !== null && event.outcome === "breaker_open") this.#failed++;
      return { change: null, quiet: this.#since !== null };
    }
    if (this.#since === null) return { change: null, quiet: false };
    const change: OutageChange = {
      kind: "up",
      host: hostOf(event.url),
      downForMs: nowMs - this.#since,
      failedAttempts: this.#failed,
    };
    this.#since = null;
    this.#failed = 0;
    return { change, quiet: false };
  }
}
