/**
 * The simulator's control API over HTTP, for tests and demos that run it as a separate process:
 *
 * - `GET /sim/faults` pending faults; `POST /sim/faults` a fault or an array of faults (same shape as
 *   `FaultController.add`); `DELETE /sim/faults` clears them;
 * - `GET /sim/requests` the request log; `DELETE /sim/requests` clears it;
 * - `GET /sim/clock`; `POST /sim/clock` `{ "now": ISO, "frozen"?: boolean }` sets the simulated clock;
 *   `DELETE /sim/clock` returns to the system clock;
 * - `GET /sim/published?start=ISO&minutes=5|15|60` when that interval is (or was) published.
 *
 * @module
 */
import type { SimClock } from "./clock.ts";
import type { Fault, FaultController } from "./faults.ts";

/** One logged OASIS request. */
export interface RequestLogEntry {
  /** Full request URL. */
  readonly url: string;
  /** Simulated time the request arrived. */
  readonly at: Date;
  /** HTTP status answered (0 when the request failed like a network error). */
  readonly status: number;
}

/** What the control routes act on. */
export interface SimControls {
  /** Fault queue. */
  readonly faults: FaultController;
  /** Simulated clock. */
  readonly clock: SimClock;
  /** Request log. */
  readonly requests: ReadonlyArray<RequestLogEntry>;
  /** Empties the request log. */
  clearRequests(): void;
  /** When the interval of `minutes` starting at `start` is published; RangeError for another length. */
  publishedAt(start: Date, minutes: number): Date;
}

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), { status, headers: { "Content-Type": "application/json" } });
}

function badRequest(message: string): Response {
  return json({ error: message }, 400);
}

async function readJson(req: Request): Promise<unknown> {
  try {
    return await req.json();
  } catch (cause) {
    throw new TypeError("Invalid body: expected JSON", { cause });
  }
}

async function faultsRoute(req: Request, controls: SimControls): Promise<Response> {
  if (req.method === "GET") return json(controls.faults.pending);
  if (req.method === "DELETE") {
    controls.faults.clear();
    return new Response(null, { status: 204 });
  }
  if (req.method !== "POST") return json({ error: "Method not allowed" }, 405);
  const body = await readJson(req);
  controls.faults.add(...(Array.isArray(body) ? body : [body]) as Fault[]);
  return json(controls.faults.pending, 201);
}

function requestsRoute(req: Request, controls: SimControls): Response {
  if (req.method === "DELETE") {
    controls.clearRequests();
    return new Response(null, { status: 204 });
  }
  if (req.method !== "GET") return json({ error: "Method not allowed" }, 405);
  return json(controls.requests.map((r) => ({ ...r, at: r.at.toISOString() })));
}

async function clockRoute(req: Request, controls: SimControls): Promise<Response> {
  if (req.method === "DELETE") controls.clock.reset();
  else if (req.method === "POST") {
    const body = await readJson(req);
    const record = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof record.now !== "string" || Number.isNaN(Date.parse(record.now))) {
      throw new TypeError('Invalid clock: "now" must be an ISO-8601 time');
    }
    controls.clock.set(new Date(record.now), { frozen: record.frozen === true });
  } else if (req.method !== "GET") return json({ error: "Method not allowed" }, 405);
  return json({ now: controls.clock.now().toISOString() });
}

function publishedRoute(req: Request, controls: SimControls): Response {
  if (req.method !== "GET") return json({ error: "Method not allowed" }, 405);
  const params = new URL(req.url).searchParams;
  const start = params.get("start") ?? "";
  if (start.length > 40 || Number.isNaN(Date.parse(start))) {
    throw new TypeError('Invalid "start": expected an ISO-8601 time');
  }
  const at = controls.publishedAt(new Date(start), Number(params.get("minutes") ?? "5"));
  return json({ published_at: at.toISOString() });
}

/** Answers a `/sim/…` request. */
export async function handleSimRoute(req: Request, controls: SimControls): Promise<Response> {
  const path = new URL(req.url).pathname;
  try {
    if (path === "/sim/faults") return await faultsRoute(req, controls);
    if (path === "/sim/requests") return requestsRoute(req, controls);
    if (path === "/sim/clock") return await clockRoute(req, controls);
    if (path === "/sim/published") return publishedRoute(req, controls);
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) return badRequest(error.message);
    throw error;
  }
  return json({ error: `Unknown simulator route "${path}"` }, 404);
}
