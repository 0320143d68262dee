/**
 * One OASIS answer: a request, resolved to report tables, an error code or a redirect, written as the ZIP
 * OASIS would send, with the fault drawn for it applied (a failure page instead, a delay, a reshaped
 * table, an error document, a truncated ZIP, or a rejection like a broken connection).
 *
 * @module
 */
import type { Fault } from "./faults.ts";
import { addColumn, dropColumn } from "./column_faults.ts";
import { csvBytes } from "./csv_report.ts";
import { dataTimeDate } from "./format.ts";
import { resolveGroupZip } from "./group_zip.ts";
import { partialTable } from "./partial_answer.ts";
import { type CorrectionBook, PRC_CORR_GROUP } from "./price_corrections.ts";
import { renameColumn, type ReportTable } from "./report_table.ts";
import type { ReportContext, Resolution } from "./resolution.ts";
import {
  errorZip,
  htmlPageResponse,
  redirectResponse,
  serverErrorResponse,
  throttleResponse,
  zipResponse,
} from "./responses.ts";
import { resolveSingleZip } from "./single_zip.ts";
import { xmlBytes } from "./xml_report.ts";
import { writeZip } from "./zip_writer.ts";

/** The `TypeError` an injected `networkError` fault rejects with, worded like Deno's `fetch`. */
export class SimulatedNetworkError extends TypeError {
  constructor(url: string) {
    super(`error sending request for url (${url}): connection reset by peer (simulated)`);
    this.name = "TypeError";
  }
}

/** What an answer reads besides the request: the report inputs, the simulated clock and the corrections. */
export interface AnswerSources {
  /** Report inputs but the time. */
  readonly context: Omit<ReportContext, "now">;
  /** Simulated now, read once the answer is due (after a `slow` fault's delay). */
  now(): Date;
  /** Price corrections (answers the `PRC_CORR` GroupZip). */
  readonly corrections: CorrectionBook;
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

/** The resolution of a SingleZip (`single`) or GroupZip request. */
function resolve(
  search: URLSearchParams,
  single: boolean,
  ctx: ReportContext,
  corrections: CorrectionBook,
): Resolution {
  if (single) return resolveSingleZip(search, ctx);
  const group = (search.get("groupid") ?? "").toUpperCase();
  return group === PRC_CORR_GROUP ? corrections.resolve(search, ctx.now) : resolveGroupZip(search, ctx);
}

/** The ZIP body and file name of `resolution`, or of the error document an `errorDocument` fault asks for. */
function zipOf(resolution: Exclude<Resolution, { kind: "redirect" }>, fault: Fault | undefined, now: Date) {
  if (fault?.kind === "errorDocument") {
    const stem = resolution.kind === "report" ? resolution.zipName.replace(/\.zip$/, "") : resolution.stem;
    return errorZip(fault.code, now, stem);
  }
  if (resolution.kind === "error") return errorZip(resolution.code, now, resolution.stem);
  const timeDate = dataTimeDate(now);
  const members = resolution.members.map(({ name, table }) => {
    const t = reshapeTable(table, fault);
    return { name, data: resolution.format === "csv" ? csvBytes(t) : xmlBytes(t, timeDate) };
  });
  return { body: writeZip(members, { modified: now }), fileName: resolution.zipName };
}

/**
 * The answer to the SingleZip (`single`) or GroupZip request `req` under `fault`: a 302 (its `Location` is
 * absolute), a ZIP, or a failure page; rejects with a {@linkcode SimulatedNetworkError} for `networkError`.
 */
export async function answerRequest(
  req: Request,
  single: boolean,
  fault: Fault | undefined,
  sources: AnswerSources,
): Promise<Response> {
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
  const ctx: ReportContext = { ...sources.context, now: sources.now() };
  const resolution = resolve(new URL(req.url).searchParams, single, ctx, sources.corrections);
  if (resolution.kind === "redirect") return redirectResponse(new URL(resolution.location, req.url).href);
  let zip = zipOf(resolution, fault, ctx.now);
  if (fault?.kind === "truncatedZip") {
    zip = { ...zip, body: zip.body.slice(0, fault.bytes ?? Math.floor(zip.body.length / 2)) };
  }
  return zipResponse(zip.body, zip.fileName);
}
