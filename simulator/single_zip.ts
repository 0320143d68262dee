/**
 * Resolves a `/oasisapi/SingleZip` request the way OASIS behaves (OASIS.md §2–§4): unknown query → 1001,
 * bad datetime → 1002, bad version → 1020, more than 10 nodes → 1017, more than 31 days → 1004;
 * `grp_type` requests ignore `enddatetime` (one operating day for PRC_LMP, one hour for the RT
 * reports); PRC_AS answers one operating day, and the all-types DAM request is redirected to GroupZip;
 * unpublished or expired intervals are left out, and nothing left → 1000.
 *
 * @module
 */
import { querySpec } from "../src/oasis/datasets.ts";
import { operatingDate, operatingDay, pacificMidnight } from "../src/oasis/time.ts";
import { AS_REPORTS, type AsQuery, buildAsTable } from "./as_report.ts";
import { crrMonthPublishedAt, isIntervalPublished, retentionFloor } from "./availability.ts";
import {
  buildCrrClearingTable,
  buildCrrInventoryTable,
  datesOverlapping,
  monthsOverlapping,
} from "./crr_report.ts";
import { type Interval, intervalsIn } from "./intervals.ts";
import { buildLmpTables, LMP_REPORTS, type LmpQuery } from "./lmp_report.ts";
import { allApnodes, allNodes } from "./nodes.ts";
import { ANC_REGIONS, ANC_TYPES } from "./prices.ts";
import {
  isParamError,
  lowerCaseParams,
  readDateTime,
  readFormat,
  readVersion,
  type SimFormat,
} from "./query_params.ts";
import { type ReportContext, reportOrNoData, type Resolution } from "./resolution.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** 31 days, plus the extra hour of a fall-back day inside the window. */
const MAX_WINDOW_MS = 31 * DAY_MS + HOUR_MS;

/** A SingleZip request whose common parameters have been checked. */
export interface CheckedRequest {
  /** Query name. */
  readonly query: string;
  /** Market run id (from the dataset table). */
  readonly marketRunId?: string;
  /** Version. */
  readonly version: number;
  /** CSV or XML. */
  readonly format: SimFormat;
  /** `startdatetime`. */
  readonly start: Date;
  /** `enddatetime`. */
  readonly end: Date;
  /** All parameters, keys lower-cased. */
  readonly params: Map<string, string>;
}

function published(intervals: Interval[], dayAhead: boolean, ctx: ReportContext): Interval[] {
  const floor = retentionFloor(ctx.now, ctx.retentionMonths);
  const now = ctx.now.getTime();
  return intervals.filter((iv) =>
    iv.start >= floor && isIntervalPublished(iv, dayAhead, now, ctx.publishDelay)
  );
}

function resolveLmp(c: CheckedRequest, ctx: ReportContext): Resolution {
  const query = c.query as LmpQuery;
  const spec = LMP_REPORTS[query];
  const grpType = c.params.get("grp_type")?.toUpperCase();
  let nodes: readonly string[];
  const start = c.start.getTime();
  let end: number;
  let endDate: string;
  if (grpType) {
    if (grpType !== "ALL" && grpType !== "ALL_APNODES") return { kind: "error", code: 1001 };
    nodes = grpType === "ALL"
      ? allNodes(ctx.allNodesCount, ctx.allApnodesCount)
      : allApnodes(ctx.allApnodesCount);
    // enddatetime is ignored: one operating day (DAM) or one hour (RT) from startdatetime.
    if (spec.minutes === 60) {
      const date = operatingDate(c.start);
      const aligned = pacificMidnight(date).getTime() === start;
      end = aligned ? operatingDay(date).end.getTime() : start + DAY_MS;
    } else {
      end = start + HOUR_MS;
    }
    endDate = operatingDate(c.start);
  } else {
    nodes = (c.params.get("node") ?? "").split(",").map((n) => n.trim()).filter((n) => n !== "");
    if (nodes.length === 0) return { kind: "error", code: 1001 };
    if (nodes.length > 10) return { kind: "error", code: 1017 };
    end = c.end.getTime();
    if (end - start > MAX_WINDOW_MS) return { kind: "error", code: 1004 };
    endDate = operatingDate(c.end);
  }
  const intervals = published(intervalsIn(start, end, spec.minutes), spec.minutes === 60, ctx);
  const tables = buildLmpTables({
    query,
    version: c.version,
    nodes,
    intervals,
    model: ctx.model,
    seed: ctx.seed,
  });
  const parts = { ...c, startDate: operatingDate(c.start), endDate };
  return reportOrNoData(tables, parts, c.format, ctx.now);
}

/** Resolves the PRC_AS / PRC_INTVL_AS request in `c` (PRC_AS: the whole operating day of the start). */
export function resolveAs(c: CheckedRequest, ctx: ReportContext): Resolution {
  const query = c.query as AsQuery;
  const spec = AS_REPORTS[query];
  const ancType = (c.params.get("anc_type") ?? "ALL").toUpperCase();
  const ancRegion = (c.params.get("anc_region") ?? "ALL").toUpperCase();
  if (ancType !== "ALL" && !(ANC_TYPES as readonly string[]).includes(ancType)) {
    return { kind: "error", code: 1001 };
  }
  if (ancRegion !== "ALL" && !(ANC_REGIONS as readonly string[]).includes(ancRegion)) {
    return { kind: "error", code: 1001 };
  }
  let window: { start: Date; end: Date };
  if (query === "PRC_AS") {
    window = operatingDay(operatingDate(c.start));
  } else {
    if (c.end.getTime() - c.start.getTime() > MAX_WINDOW_MS) return { kind: "error", code: 1004 };
    window = c;
  }
  const all = intervalsIn(window.start.getTime(), window.end.getTime(), spec.minutes);
  const intervals = published(all, query === "PRC_AS", ctx);
  const table = buildAsTable({ query, intervals, ancType, ancRegion, model: ctx.model });
  const startDate = operatingDate(c.start);
  const parts = { ...c, startDate, endDate: query === "PRC_AS" ? startDate : operatingDate(c.end) };
  return reportOrNoData([table], parts, c.format, ctx.now);
}

function resolveCrr(c: CheckedRequest, ctx: ReportContext): Resolution {
  if (c.end.getTime() - c.start.getTime() > MAX_WINDOW_MS) return { kind: "error", code: 1004 };
  const filters = {
    marketName: c.params.get("market_name") ?? "ALL",
    marketTerm: (c.params.get("market_term") ?? "ALL").toUpperCase(),
    timeOfUse: (c.params.get("time_of_use") ?? "ALL").toUpperCase(),
  };
  const now = ctx.now.getTime();
  const floor = retentionFloor(ctx.now, ctx.retentionMonths);
  const nodes = allApnodes(ctx.allApnodesCount);
  const table = c.query === "CRR_CLEARING"
    ? buildCrrClearingTable(
      monthsOverlapping(c.start, c.end).filter((m) =>
        m.end.getTime() > floor && crrMonthPublishedAt(m) <= now
      ),
      nodes,
      filters,
      ctx.model,
    )
    : buildCrrInventoryTable(
      datesOverlapping(c.start, c.end).filter((d) => {
        const t = pacificMidnight(d).getTime();
        return t >= floor && t <= now;
      }),
      nodes,
      filters,
      ctx.model,
    );
  const parts = {
    ...c,
    marketRunId: undefined,
    startDate: operatingDate(c.start),
    endDate: operatingDate(c.end),
  };
  return reportOrNoData([table], parts, c.format, ctx.now);
}

/** Resolves a SingleZip query string. */
export function resolveSingleZip(search: URLSearchParams, ctx: ReportContext): Resolution {
  const params = lowerCaseParams(search);
  const query = (params.get("queryname") ?? "").toUpperCase();
  const spec = querySpec(query);
  if (!spec) return { kind: "error", code: 1001 };
  const start = readDateTime(params, "startdatetime");
  const end = readDateTime(params, "enddatetime");
  if (isParamError(start)) return { kind: "error", code: start.error };
  if (isParamError(end)) return { kind: "error", code: end.error };
  const version = readVersion(params, spec.version);
  if (isParamError(version)) return { kind: "error", code: version.error };
  const format = readFormat(params);
  if (isParamError(format)) return { kind: "error", code: format.error };
  const marketRunId = params.get("market_run_id")?.toUpperCase();
  if (spec.marketRunId && marketRunId !== spec.marketRunId) return { kind: "error", code: 1001 };
  const common: CheckedRequest = {
    query,
    marketRunId: spec.marketRunId,
    version,
    format,
    start,
    end,
    params,
  };
  switch (spec.family) {
    case "lmp":
      return resolveLmp(common, ctx);
    case "as": {
      const everything = ["anc_type", "anc_region"].every((k) =>
        (params.get(k) ?? "ALL").toUpperCase() === "ALL"
      );
      if (query === "PRC_AS" && everything) {
        const target = new URLSearchParams({ groupid: "DAM_PRC_AS_GRP" });
        target.set("startdatetime", params.get("startdatetime") as string);
        if (format === "csv") target.set("resultformat", "6");
        target.set("version", String(version));
        return {
          kind: "redirect",
          location: `/oasisapi/GroupZip?${target.toString().replaceAll("%3A", ":")}`,
        };
      }
      return resolveAs(common, ctx);
    }
    default:
      return resolveCrr(common, ctx);
  }
}
