/**
 * Completeness of one OASIS answer: what was asked for is a grid of node × interval × component, and
 * OASIS may answer part of it (hours not yet published, a node missing from a group file, a hiccup). The
 * grid of a window is each requested node (for a `grp_type` answer: every node learned from this answer
 * and earlier ones) × each interval of the window that has ended by `now` (the dataset's 5, 15 or 60
 * minutes, so 23- and 25-hour days count right) × each component learned for the dataset. AS reports
 * are checked per (region, type) pair learned; CRR reports (per auction, not per interval) are not
 * checked per answer: their completeness is per auction period and time of use (`crr_completeness.ts`,
 * used by `/api/gaps` and the audit). Pure: rows in, missing cells out.
 *
 * @module
 */
import { DATASETS } from "../oasis/datasets.ts";
import type { OasisRow } from "../oasis/row.ts";
import { chunk, type RequestWindow } from "../oasis/windows.ts";

/** Node used when an answer had no row at all and no node of the selection is known. */
export const ANY_NODE = "*";

/** What earlier answers of a dataset taught: its nodes, components and (AS) region-type pairs. */
export class GridKnowledge {
  readonly nodes = new Set<string>();
  readonly components = new Set<string>();
  readonly pairs = new Set<string>();

  /** Learns from the rows of one answer. */
  learn(rows: readonly Pick<OasisRow, "node" | "component">[]): void {
    for (const r of rows) {
      this.nodes.add(r.node);
      this.components.add(r.component);
      this.pairs.add(`${r.node}\t${r.component}`);
    }
  }
}

/** The intervals of one node missing from an answer. */
export interface MissingCells {
  /** Node (AS region), or `ANY_NODE`. */
  readonly node: string;
  /** Starts (epoch ms, ascending) of the intervals with at least one expected component missing. */
  readonly starts: readonly number[];
  /** The components missing in those intervals (sorted); empty when none is known yet. */
  readonly components: readonly string[];
}

/** Length of one interval of `dataset`, ms. */
export function intervalMs(dataset: RequestWindow["dataset"]): number {
  return DATASETS[dataset].intervalMinutes * 60_000;
}

/** Starts (epoch ms) of the intervals of `window` that have ended by `now`. */
export function intervalStarts(window: RequestWindow, now: Date): number[] {
  const step = intervalMs(window.dataset);
  const out: number[] = [];
  const end = Math.min(window.end.getTime(), now.getTime());
  for (let t = window.start.getTime(); t + step <= end; t += step) out.push(t);
  return out;
}

/** What is present of a grid: an answer's rows, or the cells the audit read back from Bronze. */
export interface PresentCells {
  /** Whether `node` has `component` at interval start `start` (epoch ms). */
  has(node: string, component: string, start: number): boolean;
  /** Whether `node` has any row at `start`. */
  hasNode(node: string, start: number): boolean;
  /** Whether there is no row at all. */
  readonly empty: boolean;
}

/** The cells of `rows` as `PresentCells`. */
export function presentIn(
  rows: readonly Pick<OasisRow, "node" | "component" | "interval_start">[],
): PresentCells {
  const cells = new Set(rows.map((r) => `${r.node}\t${r.component}\t${Date.parse(r.interval_start)}`));
  return {
    has: (node, component, start) => cells.has(`${node}\t${component}\t${start}`),
    hasNode: (node, start) => rows.some((r) => r.node === node && Date.parse(r.interval_start) === start),
    empty: rows.length === 0,
  };
}

/** The cells of `window`'s grid that `rows` (its answer; learned into `known` first) lack. */
export function missingCells(
  window: RequestWindow,
  rows: readonly OasisRow[],
  known: GridKnowledge,
  now: Date,
): MissingCells[] {
  return missingOfGrid(window, presentIn(rows), known, now);
}

/** The cells of `window`'s grid (nodes and components as `known` has them) that `present` lacks. */
export function missingOfGrid(
  window: RequestWindow,
  present: PresentCells,
  known: GridKnowledge,
  now: Date,
): MissingCells[] {
  const query = window.query;
  if (query.family === "crr_clearing" || query.family === "crr_inventory") return [];
  const starts = intervalStarts(window, now);
  if (starts.length === 0) return [];
  const expected = expectedComponents(window, known);
  if (expected.size === 0) return present.empty ? [{ node: ANY_NODE, starts, components: [] }] : [];
  const out: MissingCells[] = [];
  for (const [node, components] of expected) {
    const lacking = new Set<string>();
    const gaps: number[] = [];
    for (const t of starts) {
      const absent = components.length === 0
        ? !present.hasNode(node, t)
        : components.filter((c) => !present.has(node, c, t)).map((c) => lacking.add(c)).length > 0;
      if (absent) gaps.push(t);
    }
    const some = lacking.size < components.length ? [...lacking].sort() : []; // [] when all are missing
    if (gaps.length > 0) out.push({ node, starts: gaps, components: some });
  }
  return out;
}

/** The nodes of `window`'s grid with the components expected of each. */
export function expectedComponents(
  window: RequestWindow,
  known: GridKnowledge,
): Map<string, readonly string[]> {
  const expected = new Map<string, readonly string[]>();
  if (window.query.byNode) {
    for (const node of window.nodes ?? known.nodes) expected.set(node, [...known.components].sort());
  } else {
    for (const pair of known.pairs) {
      const [node, component] = pair.split("\t") as [string, string];
      expected.set(node, [...(expected.get(node) ?? []), component].sort());
    }
  }
  return expected;
}

/** Contiguous runs of `starts` (ascending) as `[start, end)` ranges with their interval counts. */
export function runsOf(
  starts: readonly number[],
  stepMs: number,
): Array<{ start: number; end: number; intervals: number }> {
  const out: Array<{ start: number; end: number; intervals: number }> = [];
  for (const t of starts) {
    const last = out.at(-1);
    if (last && last.end === t) {
      last.end += stepMs;
      last.intervals++;
    } else out.push({ start: t, end: t + stepMs, intervals: 1 });
  }
  return out;
}

const HOUR_MS = 3_600_000;
/** Most re-requests one window's gaps turn into; past it the window's missing span is asked again whole. */
const MAX_RETRY_WINDOWS = 24;
/** Most separate ranges of one node; past it one range spans them all. */
const MAX_RUNS_PER_NODE = 4;

/**
 * The smallest requests that ask again for `missing` (cells of `window`): per range of whole hours, the
 * nodes lacking it in lists of at most the dataset's node limit; a `grp_type` window's missing nodes are
 * asked by name. Past `MAX_RETRY_WINDOWS` requests, the window is asked again over the missing span.
 */
export function retryWindows(window: RequestWindow, missing: readonly MissingCells[]): RequestWindow[] {
  if (missing.length === 0) return [];
  const step = intervalMs(window.dataset);
  const clip = (start: number, end: number) => ({
    start: new Date(Math.max(window.start.getTime(), Math.floor(start / HOUR_MS) * HOUR_MS)),
    end: new Date(Math.min(window.end.getTime(), Math.ceil(end / HOUR_MS) * HOUR_MS)),
  });
  const all = missing.flatMap((m) => m.starts);
  const span = clip(Math.min(...all), Math.max(...all) + step);
  const whole = [{ ...window, ...span }];
  if (!window.query.byNode || missing.some((m) => m.node === ANY_NODE)) {
    if (window.query.byNode) return whole;
    const runs = runsOf([...new Set(all)].sort((a, b) => a - b), step);
    if (runs.length > MAX_RETRY_WINDOWS) return whole;
    return runs.map((r) => ({ ...window, ...clip(r.start, r.end) }));
  }
  const byRange = new Map<string, string[]>();
  for (const m of missing) {
    let runs = runsOf(m.starts, step);
    if (runs.length > MAX_RUNS_PER_NODE) {
      runs = [{ start: runs[0]!.start, end: runs.at(-1)!.end, intervals: 0 }];
    }
    for (const r of runs) {
      const c = clip(r.start, r.end);
      const key = `${c.start.getTime()}|${c.end.getTime()}`;
      byRange.set(key, [...(byRange.get(key) ?? []), m.node]);
    }
  }
  const { grpType: _, ...base } = window;
  const out: RequestWindow[] = [];
  for (const [key, nodes] of byRange) {
    const [start, end] = key.split("|").map(Number) as [number, number];
    for (const group of chunk(nodes.sort(), DATASETS[window.dataset].limits.maxNodes)) {
      out.push({ ...base, start: new Date(start), end: new Date(end), nodes: group });
    }
  }
  return out.length > MAX_RETRY_WINDOWS ? whole : out;
}

/** `starts` without the intervals `missing` lacks for some node: the ones complete enough for a watermark. */
export function completeStarts(starts: ReadonlySet<number>, missing: readonly MissingCells[]): Set<number> {
  const out = new Set(starts);
  for (const m of missing) for (const t of m.starts) out.delete(t);
  return out;
}

/** Node-intervals in `missing`. */
export function countMissing(missing: readonly MissingCells[]): number {
  return missing.reduce((n, m) => n + m.starts.length, 0);
}
