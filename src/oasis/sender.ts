/**
 * Sends one OASIS request at its gate ticket's start. `fetchSender` does it on the calling thread;
 * `WorkerSender` (`worker_sender.ts`) on a thread of its own, so that a long parse or delivery on the main
 * thread can neither make the request start late nor hold it back after it was started: either of those
 * lets it land next to another process's start.
 *
 * @module
 */
import type { GateTicket } from "./gate.ts";

/** A whole answer: the response (its body already read) and the body's bytes. */
export interface SentAnswer {
  readonly response: Response;
  readonly bytes: Uint8Array;
}

/** Sends a GET at `ticket.at`; resolves `null` when it could not start by `ticket.until` (ask the gate again). */
export interface Sender {
  send(url: string, ticket: GateTicket, signal: AbortSignal): Promise<SentAnswer | null>;
  /** Resolves when a send can start on time (a stopped thread started again); the client awaits it first. */
  ready?(): Promise<void>;
  /** Stops its thread, if any; sends in flight reject. */
  close(): void;
}

/** Waits until `at` on `Date.now()`'s clock (the timers may be faked). */
function sleepUntil(at: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const check = () => {
      if (signal.aborted) return reject(signal.reason);
      const wait = at - Date.now();
      if (wait <= 0) resolve();
      else setTimeout(check, wait);
    };
    check();
  });
}

/** Sends with `fetchFn` on this thread (tests inject a fake fetch; the service uses `WorkerSender`). */
export function fetchSender(fetchFn: typeof fetch): Sender {
  return {
    async send(url, ticket, signal) {
      await sleepUntil(ticket.at, signal);
      if (Date.now() > ticket.until) return null;
      const response = await fetchFn(url, { redirect: "follow", signal });
      return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
    },
    close() {},
  };
}
