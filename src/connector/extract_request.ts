/**
 * The arguments of the library connector's `extract()`, checked and turned into requests: instants in
 * the forms users give them, the range widened to whole intervals, the node selection (`node_selection.ts`)
 * and the dataset name; and the shapes `extract()` returns. Pure: no clock, I/O or logging.
 *
 * @module
 */
import type { FetchResult } from "../oasis/client.ts";
import { DATASET_NAMES, type DatasetName, DATASETS, isDatasetName } from "../oasis/datasets.ts";
import type { OasisRow, RowProblem } from "../oasis/row.ts";
import { nextDate, operatingDate, pacificMidnight, parseDate } from "../oasis/time.ts";
import { type NodeSelection, planWindows, type RequestWindow } from "../oasis/windows.ts";
import { nodeSelection } from "../jobs/node_selection.ts";

/** What to fetch with `extract()`. */
export interface ExtractRequest {
  /** Dataset, e.g. `lmp_dam`. */
  readonly dataType: DatasetName;
  /** Start: an ISO-8601 instant with `Z` or an offset, a `Date`, or `YYYY-MM-DD` (Pacific midnight). */
  readonly start: string | Date;
  /** End (exclusive), in the same forms as `start`. */
  readonly end: string | Date;
  /** One pricing node; LMP datasets only (default: the configured nodes). */
  readonly node?: string;
  /** Several pricing nodes, or `ALL` / `ALL_APNODES`; LMP datasets only. */
  readonly nodes?: readonly string[] | "ALL" | "ALL_APNODES";
  /** Aborts the remaining requests. */
  readonly signal?: AbortSignal;
}

/** One answered request of an extraction. */
export interface ExtractedAnswer {
  /** The request window. */
  readonly window: RequestWindow;
  /** The parsed answer with its provenance. */
  readonly fetch: FetchResult;
}

/** A request of an extraction that failed after the client's retries. */
export interface ExtractFailure {
  /** The request window. */
  readonly window: RequestWindow;
  /** Requested URL, when known. */
  readonly url: string;
  /** Why it failed. */
  readonly message: string;
  /** OASIS error code, when OASIS answered with an error document. */
  readonly code?: number;
}

/** What `extract()` fetched: the parsed rows, each answer with its provenance, and any failed request. */
export interface ExtractResult {
  /** The dataset. */
  readonly dataType: DatasetName;
  /** Start actually asked of OASIS (the request's start, floored to the dataset's interval grid), UTC. */
  readonly start: string;
  /** End actually asked of OASIS (ceiled to the grid), UTC. */
  readonly end: string;
  /** Requests sent (windows planned within OASIS's limits). */
  readonly requests: number;
  /** Every normalized row, in answer order. */
  readonly rows: readonly OasisRow[];
  /** Source rows that could not be normalized (they become dead letters in `transform`). */
  readonly problems: readonly RowProblem[];
  /** The answers, for `transform` and `load`. */
  readonly answers: readonly ExtractedAnswer[];
  /** Requests that failed after retries; empty when every window arrived. */
  readonly failures: readonly ExtractFailure[];
}

const ZONED = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** `value` as an instant; a date alone is the Pacific midnight that starts that operating day. */
export function toInstant(value: string | Date, name: string): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RangeError(`Invalid ${name}: the Date is invalid`);
    return value;
  }
  if (typeof value !== "string") {
    throw new TypeError(`Invalid ${name}: expected an ISO-8601 string or a Date`);
  }
  const text = value.trim();
  if (DATE_ONLY.test(text)) {
    parseDate(text);
    return pacificMidnight(text);
  }
  if (!text.includes("T") || !ZONED.test(text)) {
    throw new RangeError(
      `Invalid ${name} "${value}": give an ISO-8601 instant with Z or an offset (2024-01-01T00:00:00Z, ` +
        `2024-01-01T00:00:00-08:00) or a date YYYY-MM-DD`,
    );
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new RangeError(`Invalid ${name} "${value}": not an ISO-8601 instant`);
  return new Date(ms);
}

/** `[start, end)` widened to whole intervals of `dataset` (Pacific operating days for daily data). */
export function alignToIntervals(dataset: DatasetName, start: Date, end: Date): { start: Date; end: Date } {
  const minutes = DATASETS[dataset].intervalMinutes;
  if (minutes >= 1440) {
    const first = pacificMidnight(operatingDate(start));
    const lastDay = operatingDate(new Date(end.getTime() - 1));
    return { start: first, end: pacificMidnight(nextDate(lastDay)) };
  }
  const step = minutes * 60_000;
  return {
    start: new Date(Math.floor(start.getTime() / step) * step),
    end: new Date(Math.ceil(end.getTime() / step) * step),
  };
}

/** The nodes of a request: `node` or `nodes`, else `fallback` (the configured ones). */
export function requestedNodes(
  request: { node?: string; nodes?: readonly string[] | "ALL" | "ALL_APNODES" },
  fallback: NodeSelection,
): NodeSelection {
  if (request.node !== undefined && request.nodes !== undefined) {
    throw new TypeError("Give node or nodes, not both");
  }
  const nodes = request.node !== undefined ? [request.node] : request.nodes;
  return nodes === undefined ? fallback : nodeSelection(nodes);
}

/** `name` as a dataset name; throws a `RangeError` naming the known ones otherwise. */
export function checkDataset(name: string): DatasetName {
  if (!isDatasetName(name)) {
    throw new RangeError(`Unknown dataType "${name}" (known: ${DATASET_NAMES.join(", ")})`);
  }
  return name;
}

/** The requests of `request`: its dataset, the range asked of OASIS and the windows within OASIS's limits. */
export function planExtract(
  request: ExtractRequest,
  fallback: NodeSelection,
): { dataType: DatasetName; range: { start: Date; end: Date }; windows: RequestWindow[] } {
  const dataType = checkDataset(request.dataType);
  const from = toInstant(request.start, "start");
  const to = toInstant(request.end, "end");
  if (to <= from) {
    throw new RangeError(`Invalid range: end ${to.toISOString()} is not after start ${from.toISOString()}`);
  }
  const range = alignToIntervals(dataType, from, to);
  return {
    dataType,
    range,
    windows: planWindows(DATASETS[dataType], range, requestedNodes(request, fallback)),
  };
}
