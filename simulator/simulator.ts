/**
 * A local OASIS: answers `/oasisapi/SingleZip` and `/oasisapi/GroupZip` like the real service for every
 * query in the dataset table (CSV or XML, any node list or `grp_type`, any window), with the BigIP
 * throttle, a simulated clock, programmatic fault injection and a request log. `handler` can be used
 * directly as an injected fetch; `startSimulator` serves it over HTTP with the `/sim/…` control routes.
 *
 * @example
 * ```ts
 * const sim = createSimulator({ now: () => new Date("2026-07-01T20:00:00Z") });
 * sim.faults.add({ kind: "http429", count: 2 });
 * const fetchOasis = (url: string) => sim.handler(new Request(url));
 * ```
 *
 * @module
 */
import { operatingDate } from "../src/oasis/time.ts";
import { answerRequest, SimulatedNetworkError } from "./answer.ts";
import { intervalPublishedAt } from "./availability.ts";
import { SimClock } from "./clock.ts";
import { FaultController } from "./faults.ts";
import { DAM_PRC_AS_GROUP } from "./group_zip.ts";
import { CorrectedPriceModel, CorrectionBook, correctionsRoute } from "./price_corrections.ts";
import type { ReportContext } from "./resolution.ts";
import { throttleResponse } from "./responses.ts";
import { handleSimRoute, type RequestLogEntry } from "./sim_routes.ts";
import { Throttle } from "./throttle.ts";

export type { Fault, FaultKind, PendingFault } from "./faults.ts";
export { FaultController } from "./faults.ts";
export type { RequestLogEntry } from "./sim_routes.ts";
export { SimulatedNetworkError } from "./answer.ts";

/** Options of a simulator. */
export interface SimulatorOptions {
  /** Base clock for the simulated now (default: the system clock). */
  now?: () => Date;
  /** Answer 429 when two OASIS requests start less than this many ms apart (real time); 0 (default) disables. */
  throttleMs?: number;
  /** Seed of every price (default 1). */
  seed?: number;
  /** Nodes in `grp_type=ALL_APNODES` (default 1700, as in the recorded 2020 file). */
  allApnodesCount?: number;
  /** Nodes in `grp_type=ALL` (default 2500). */
  allNodesCount?: number;
  /** Data retention in months (default 39). */
  retentionMonths?: number;
  /**
   * Fixed part of the delay after its end before a real-time (FMM, RTM) interval is published, in ms
   * (default 0: at its end; real OASIS takes about a minute or more).
   */
  publishDelayMs?: number;
  /** Random part of that delay, drawn per interval in `[0, publishJitterMs)` (default 0). */
  publishJitterMs?: number;
}

/** A running simulator. */
export interface Simulator {
  /** Answers one request; rejects with a `TypeError` for an injected network error, like `fetch`. */
  handler(req: Request): Promise<Response>;
  /** Fault queue. */
  readonly faults: FaultController;
  /** Log of OASIS requests (not `/sim/…`), oldest first. */
  readonly requests: ReadonlyArray<RequestLogEntry>;
  /** Simulated clock (also settable with `POST /sim/clock`). */
  readonly clock: SimClock;
  /**
   * When the interval of `minutes` (5 or 15: real-time; 60: day-ahead) starting at `start` is published,
   * so tests and benchmarks can measure latency against it (also `GET /sim/published`).
   */
  publishedAt(start: Date, minutes: number): Date;
  /** Price corrections (also settable with `POST /sim/corrections`). */
  readonly corrections: CorrectionBook;
}

const MAX_LOG = 10_000;

function nonNegative(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`Invalid ${name} "${value}": expected a non-negative integer`);
  }
  return value;
}

class OasisSimulator implements Simulator {
  readonly faults = new FaultController();
  readonly corrections = new CorrectionBook();
  readonly clock: SimClock;
  readonly #log: RequestLogEntry[] = [];
  readonly #throttle: Throttle;
  readonly #context: Omit<ReportContext, "now">;

  constructor(options: SimulatorOptions) {
    this.clock = new SimClock(options.now ?? (() => new Date()));
    this.#throttle = new Throttle(options.throttleMs ?? 0);
    const seed = options.seed ?? 1;
    this.#context = {
      seed,
      model: new CorrectedPriceModel(seed, this.corrections),
      allApnodesCount: options.allApnodesCount ?? 1700,
      allNodesCount: options.allNodesCount ?? 2500,
      retentionMonths: options.retentionMonths ?? 39,
      publishDelay: {
        fixedMs: nonNegative("publishDelayMs", options.publishDelayMs ?? 0),
        jitterMs: nonNegative("publishJitterMs", options.publishJitterMs ?? 0),
        seed,
      },
    };
    this.handler = this.handler.bind(this);
  }

  get requests(): ReadonlyArray<RequestLogEntry> {
    return this.#log;
  }

  publishedAt(start: Date, minutes: number): Date {
    if (![5, 15, 60].includes(minutes)) {
      throw new RangeError(`Invalid interval length "${minutes}": expected 5, 15 or 60`);
    }
    const interval = {
      start: start.getTime(),
      end: start.getTime() + minutes * 60_000,
      oprDate: operatingDate(start),
    };
    return new Date(intervalPublishedAt(interval, minutes === 60, this.#context.publishDelay));
  }

  async handler(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname === "/sim/corrections") return correctionsRoute(req, this.corrections, this.clock.now());
    if (url.pathname.startsWith("/sim/")) {
      const controls = {
        faults: this.faults,
        clock: this.clock,
        requests: this.#log,
        publishedAt: this.publishedAt.bind(this),
      };
      return handleSimRoute(req, { ...controls, clearRequests: () => void this.#log.splice(0) });
    }
    const single = url.pathname === "/oasisapi/SingleZip";
    if (!single && url.pathname !== "/oasisapi/GroupZip") {
      return new Response("Not Found", { status: 404, headers: { "Content-Type": "text/plain" } });
    }
    const at = this.clock.now();
    const log = (status: number) => {
      this.#log.push({ url: req.url, at, status });
      if (this.#log.length > MAX_LOG) this.#log.shift();
    };
    if (this.#throttle.refuses(req.url, Date.now())) {
      log(429);
      return throttleResponse();
    }
    const params = url.searchParams;
    const group = (params.get("groupid") ?? "").toUpperCase();
    const query = single ? (params.get("queryname") ?? "") : group === DAM_PRC_AS_GROUP ? "PRC_AS" : group;
    const fault = this.faults.take(query);
    const sources = { context: this.#context, now: () => this.clock.now(), corrections: this.corrections };
    try {
      const response = await answerRequest(req, single, fault, sources);
      if (response.status === 302) this.#throttle.redirectedTo(response.headers.get("Location")!);
      log(response.status);
      return response;
    } catch (error) {
      log(0);
      throw error;
    }
  }
}

/** A simulator answering requests through `handler`. */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  return new OasisSimulator(options);
}

/** A simulator served over HTTP (`port` 0 picks a free port). */
export function startSimulator(
  options: SimulatorOptions & { port?: number; hostname?: string },
): { url: string; simulator: Simulator; shutdown(): Promise<void> } {
  const simulator = createSimulator(options);
  const hostname = options.hostname ?? "127.0.0.1";
  const server = Deno.serve(
    { port: options.port ?? 8090, hostname, onListen: () => {} },
    async (req) => {
      try {
        return await simulator.handler(req);
      } catch (error) {
        if (!(error instanceof SimulatedNetworkError)) throw error;
        // A simulated network error: start the answer, then break the connection mid-body.
        const body = new ReadableStream({ start: (c) => c.error(error) });
        return new Response(body, {
          status: 200,
          headers: { "Content-Type": "application/x-zip-compressed" },
        });
      }
    },
  );
  return {
    url: `http://${hostname}:${server.addr.port}/oasisapi/SingleZip`,
    simulator,
    shutdown: () => server.shutdown(),
  };
}
