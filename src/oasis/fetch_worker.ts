/**
 * The worker behind `WorkerSender`: waits for each request's start on its own event loop (it does nothing
 * else, so its timers fire on time), refuses a start past the ticket's `until`, fetches and posts the
 * whole answer back, the body transferred.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import type { SendRequest, SendResponse } from "./worker_sender.ts";

const inFlight = new Map<number, AbortController>();

function post(message: SendResponse, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

async function send(request: Extract<SendRequest, { type: "send" }>, abort: AbortController) {
  const { id, url, at, until } = request;
  try {
    const wait = at - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (abort.signal.aborted) return;
    if (Date.now() > until) return post({ id, type: "missed" });
    const response = await fetch(url, { redirect: "follow", signal: abort.signal });
    const body = await response.arrayBuffer();
    const headers = [...response.headers];
    const { status, statusText } = response;
    post({ id, type: "answer", status, statusText, headers, url: response.url, body }, [body]);
  } catch (error) {
    if (!abort.signal.aborted) {
      post({ id, type: "error", messages: errorMessages(error) });
    }
  } finally {
    inFlight.delete(id);
  }
}

/** The messages of `error` and its causes, outermost first (at most 8 deep). */
function errorMessages(error: unknown): string[] {
  const messages: string[] = [];
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    messages.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return messages;
}

self.onmessage = (event: MessageEvent<SendRequest>) => {
  const request = event.data;
  if (request.type === "abort") {
    inFlight.get(request.id)?.abort();
    inFlight.delete(request.id);
    return;
  }
  const abort = new AbortController();
  inFlight.set(request.id, abort);
  void send(request, abort);
};
post({ id: 0, type: "ready" });
