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
import { intervalPublishedAt } from "./availability.ts";
import { SimClock } from "./clock.ts";
import { csvBytes } from "./csv_report.ts";
import { type Fault, FaultController } from "./faults.ts";
import { dataTimeDate } from "./format.ts";
import { DAM_PRC_AS_GROUP, resolveGroupZip } from "./group_zip.ts";
import {
  CorrectedPriceModel,
  CorrectionBook,
  correctionsRoute,
  PRC_CORR_GROUP,
} from "./price_corrections.ts";
import { partialTable } from "./partial_answer.ts";
import { renameColumn, type ReportTable } from "./report_table.ts";
import { addColumn, dropColumn } from "./column_faults.ts";
import type { ReportContext, Resolution } from "./resolution.ts";
import {
  errorZip,
  htmlPageResponse,
  redirectResponse,
  serverErrorResponse,
  throttleResponse,
  zipResponse,
} from "./responses.ts";
import { handleSimRoute, type RequestLogEntry } from "./sim_routes.ts";
import { resolveSingleZip } from "./single_zip.ts";
import { xmlBytes } from "./xml_report.ts";
import { writeZip } from "./zip_writer.ts";

export type { Fault, FaultKind, PendingFault } from "./faults.ts";
export { FaultController } from "./faults.ts";
export type { RequestLogEntry } from "./sim_routes.ts";

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

/** The `TypeError` an injected `networkError` fault rejects with, worded like Deno's `fetch`. */
export class SimulatedNetworkError extends TypeError {
  constructor(url: string) {
    super(`error sending request for url (${url}): connection reset by peer (simulated)`);
    this.name = "TypeError";
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(id);
      reject(signal.reason);
    };
    const id = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

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
  readonly #throttleMs: number;
  #redirectTarget: string | undefined;
  readonly #context: Omit<ReportContext, "now">;
  #lastStart: number | undefined;

  constructor(options: SimulatorOptions) {
    this.clock = new SimClock(options.now ?? (() => new Date()));
    this.#throttleMs = options.throttleMs ?? 0;
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
    const started = Date.now();
    // fetch follows OASIS's own PRC_AS redirect at once; that second request is part of the first.
    const followsRedirect = this.#redirectTarget === req.url;
    this.#redirectTarget = undefined;
    const throttled = !followsRedirect && this.#throttleMs > 0 && this.#lastStart !== undefined &&
      started - this.#lastStart < this.#throttleMs;
    if (!followsRedirect) this.#lastStart = started;
    if (throttled) {
      log(429);
      return throttleResponse();
    }
    const params = url.searchParams;
    const group = (params.get("groupid") ?? "").toUpperCase();
    const query = single ? (params.get("queryname") ?? "") : group === DAM_PRC_AS_GROUP ? "PRC_AS" : group;
    const fault = this.faults.take(query);
    try {
      const response = await this.#answer(req, single, fault);
      log(response.status);
      return response;
    } catch (error) {
      log(0);
      throw error;
    }
  }

  async #answer(req: Request, single: boolean, fault: Fault | undefined): Promise<Response> {
    switch (fault?.kind) {
      case "networkError":
        throw new SimulatedNetworkError(req.url);
      case "http429":
        return throttleResponse();
      case "http500":
        return serverErrorResponse();
      case "htmlBody":
        return htmlPageResponse();
      case "slow":
        await delay(fault.delayMs, req.signal);
    }
    const ctx: ReportContext = { ...this.#context, now: this.clock.now() };
    const search = new URL(req.url).searchParams;
    const group = (search.get("groupid") ?? "").toUpperCase();
    const resolution: Resolution = single
      ? resolveSingleZip(search, ctx)
      : group === PRC_CORR_GROUP
      ? this.corrections.resolve(search, ctx.now)
      : resolveGroupZip(search, ctx);
    if (resolution.kind === "redirect") {
      this.#redirectTarget = new URL(resolution.location, req.url).href;
      return redirectResponse(this.#redirectTarget);
    }
    let zip: { body: Uint8Array; fileName: string };
    if (fault?.kind === "errorDocument") {
      const stem = resolution.kind === "report" ? resolution.zipName.replace(/\.zip$/, "") : resolution.stem;
      zip = errorZip(fault.code, ctx.now, stem);
    } else if (resolution.kind === "error") {
      zip = errorZip(resolution.code, ctx.now, resolution.stem);
    } else {
      const timeDate = dataTimeDate(ctx.now);
      const members = resolution.members.map(({ name, table }) => {
        const t = reshapeTable(table, fault);
        return { name, data: resolution.format === "csv" ? csvBytes(t) : xmlBytes(t, timeDate) };
      });
      zip = { body: writeZip(members, { modified: ctx.now }), fileName: resolution.zipName };
    }
    if (fault?.kind === "truncatedZip") {
      zip = { ...zip, body: zip.body.slice(0, fault.bytes ?? Math.floor(zip.body.length / 2)) };
    }
    return zipResponse(zip.body, zip.fileName);
  }
}

/** `table` as a column or partial-answer fault changes it. */
function reshapeTable(table: ReportTable, fault: Fault | undefined): ReportTable {
  switch (fault?.kind) {
    case "renamedColumn":
      return renameColumn(table, fault.from, fault.to);
    case "droppedColumn":
      return dropColumn(table, fault.column);
    case "addedColumn":
      return addColumn(table, fault.column, fault.value ?? "");
    case "partialAnswer":
      return partialTable(table, fault);
    default:
      return table;
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
