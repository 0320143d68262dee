/**
 * Splits a time range into the fewest OASIS requests each dataset's limits allow, with windows aligned
 * to Pacific midnights (day-sized limits) or to whole hours (hour-sized limits), so that 23- and 25-hour
 * operating days come out whole.
 *
 * @module
 */
import type { DatasetSpec, GroupType, QuerySpec } from "./datasets.ts";
import { nextDate, operatingDate, pacificMidnight } from "./time.ts";

/** Which nodes to ask for: an explicit list (split by ten) or an OASIS group. */
export type NodeSelection =
  | { readonly nodes: readonly string[] }
  | { readonly grpType: GroupType };

/** One request: a query, a window `[start, end)` and, for LMP reports, the nodes. */
export interface RequestWindow {
  /** Dataset the request belongs to. */
  readonly dataset: DatasetSpec["name"];
  /** The query to send. */
  readonly query: QuerySpec;
  /** Window start (inclusive). */
  readonly start: Date;
  /** Window end (exclusive). */
  readonly end: Date;
  /** Node list (LMP reports with an explicit list). */
  readonly nodes?: readonly string[];
  /** Node group (LMP reports with `grp_type`). */
  readonly grpType?: GroupType;
}

const HOUR_MS = 3_600_000;

function addOperatingDays(instant: Date, days: number): Date {
  let date = operatingDate(instant);
  for (let i = 0; i < days; i++) date = nextDate(date);
  return pacificMidnight(date);
}

function chunkEnd(start: Date, unit: { hours: number } | { days: number }): Date {
  if ("hours" in unit) {
    const floored = Math.floor(start.getTime() / HOUR_MS) * HOUR_MS;
    return new Date(floored + unit.hours * HOUR_MS);
  }
  return addOperatingDays(start, unit.days);
}

/** Splits `[start, end)` at the boundaries of `unit`; empty when `end <= start`. */
export function splitRange(
  start: Date,
  end: Date,
  unit: { hours: number } | { days: number },
): Array<{ start: Date; end: Date }> {
  const out: Array<{ start: Date; end: Date }> = [];
  let cursor = start;
  while (cursor < end) {
    const next = chunkEnd(cursor, unit);
    const stop = next < end ? next : end;
    out.push({ start: cursor, end: stop });
    cursor = stop;
  }
  return out;
}

/** Splits `items` into groups of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Plans the requests for `spec` over `[start, end)`: every query of the dataset, node lists split by the
 * node limit, time split by the window limit for that selection.
 */
export function planWindows(
  spec: DatasetSpec,
  range: { readonly start: Date; readonly end: Date },
  selection: NodeSelection,
): RequestWindow[] {
  if (!(range.start instanceof Date) || Number.isNaN(range.start.getTime())) {
    throw new RangeError("Invalid range: start is not a date");
  }
  if (!(range.end instanceof Date) || Number.isNaN(range.end.getTime())) {
    throw new RangeError("Invalid range: end is not a date");
  }
  const out: RequestWindow[] = [];
  for (const query of spec.queries) {
    if (!query.byNode) {
      for (const w of splitRange(range.start, range.end, { days: spec.limits.nodeListDays })) {
        out.push({ dataset: spec.name, query, ...w });
      }
      continue;
    }
    if ("grpType" in selection) {
      for (const w of splitRange(range.start, range.end, spec.limits.allNodes)) {
        out.push({ dataset: spec.name, query, ...w, grpType: selection.grpType });
      }
      continue;
    }
    if (selection.nodes.length === 0) throw new RangeError("Invalid node selection: the node list is empty");
    const groups = chunk(selection.nodes, spec.limits.maxNodes);
    for (const w of splitRange(range.start, range.end, { days: spec.limits.nodeListDays })) {
      for (const nodes of groups) out.push({ dataset: spec.name, query, ...w, nodes });
    }
  }
  return out;
}
