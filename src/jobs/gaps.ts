/**
 * Missing intervals, computed from the hot store against the expected interval grid of a dataset: every
 * 5, 15 or 60 minutes between two instants, so a 23- or 25-hour operating day simply has 276/300 (RTM) or
 * 23/25 (DAM) intervals. Listed per node as ranges of consecutive missing intervals.
 *
 * @module
 */
import { type DatasetName, DATASETS, type DatasetSpec } from "../oasis/datasets.ts";
import { toIso } from "../oasis/time.ts";
import type { NodeSelection } from "../oasis/windows.ts";
import { MARKET_OF_DATASET } from "../store/price_points.ts";
import type { Market, PriceStore } from "../store/store.ts";
import { zoneOf } from "../store/zone.ts";
import { crrGaps, type CrrNodeGaps } from "./crr_completeness.ts";

/** Consecutive missing intervals `[start, end)`. */
export interface GapRange {
  readonly start: string;
  readonly end: string;
  readonly intervals: number;
}

/** The gaps of one node. */
export interface NodeGaps {
  readonly node: string;
  readonly zone: string;
  readonly expected: number;
  readonly present: number;
  readonly missing: number;
  readonly gaps: readonly GapRange[];
}

/** The gaps of one dataset over `[from, to)`. */
export interface DatasetGaps {
  readonly dataset: DatasetName;
  readonly market: Market;
  readonly interval_minutes: number;
  readonly from: string;
  readonly to: string;
  readonly nodes: readonly NodeGaps[];
}

/**
 * Every dataset, as `GET /api/gaps` offers them: LMP gaps come from the hot store (`findGaps`), AS gaps
 * from the record of what reached Bronze (`delivered_intervals.ts`), CRR gaps (per auction period and
 * time of use, `crr_completeness.ts`) from the CRR clearing prices the hot store keeps (`findCrrGaps`).
 */
export const GAP_DATASETS: readonly DatasetName[] = Object.keys(DATASETS) as DatasetName[];

/** Interval starts (epoch ms) of `spec`'s grid within `[from, to)`. */
export function expectedStarts(spec: DatasetSpec, from: Date, to: Date): number[] {
  const step = spec.intervalMinutes * 60_000;
  const out: number[] = [];
  for (let t = Math.ceil(from.getTime() / step) * step; t < to.getTime(); t += step) out.push(t);
  return out;
}

/** The expected starts absent from `present`, merged into ranges. */
export function missingRanges(
  expected: readonly number[],
  present: ReadonlySet<number>,
  stepMs: number,
): GapRange[] {
  const out: GapRange[] = [];
  let open: { start: number; n: number } | null = null;
  const close = () => {
    if (open) {
      out.push({
        start: toIso(new Date(open.start)),
        end: toIso(new Date(open.start + open.n * stepMs)),
        intervals: open.n,
      });
    }
    open = null;
  };
  for (const t of expected) {
    if (present.has(t)) close();
    else if (open && open.start + open.n * stepMs === t) open.n++;
    else {
      close();
      open = { start: t, n: 1 };
    }
  }
  close();
  return out;
}

/** What `findGaps` reads. */
export interface GapDeps {
  readonly store: Pick<PriceStore, "history" | "zones">;
  readonly nodes: NodeSelection;
}

/**
 * The gaps of `dataset` (an LMP dataset) over `[from, to)`; `stale` when the store answered from memory. An
 * empty or inverted range expects nothing and reads no prices (a reversed store range is an error in KV).
 */
export async function findGaps(
  deps: GapDeps,
  dataset: DatasetName,
  range: { readonly from: Date; readonly to: Date },
): Promise<{ value: DatasetGaps; stale: boolean }> {
  const spec = DATASETS[dataset];
  const market = MARKET_OF_DATASET[dataset];
  if (market === undefined) throw new RangeError(`Dataset "${dataset}" is not kept in the hot store`);
  const step = spec.intervalMinutes * 60_000;
  const expected = expectedStarts(spec, range.from, range.to);
  let stale = false;
  let targets: Array<{ node: string; zone: string }>;
  if ("nodes" in deps.nodes) {
    targets = deps.nodes.nodes.flatMap((node) => {
      const zone = zoneOf(node);
      return zone === undefined ? [] : [{ node, zone }];
    });
  } else {
    const zones = await deps.store.zones();
    stale ||= zones.stale;
    targets = zones.value.map((zone) => ({ node: zone, zone }));
  }
  const nodes: NodeGaps[] = [];
  const empty = range.to.getTime() <= range.from.getTime();
  for (const { node, zone } of targets) {
    const history = empty
      ? { value: [], stale: false }
      : await deps.store.history(zone, market, { from: range.from, to: new Date(range.to.getTime() - 1) });
    stale ||= history.stale;
    const present = new Set(history.value.map((p) => p.ms));
    const have = expected.filter((t) => present.has(t)).length;
    nodes.push({
      node,
      zone,
      expected: expected.length,
      present: have,
      missing: expected.length - have,
      gaps: missingRanges(expected, present, step),
    });
  }
  return {
    value: {
      dataset,
      market,
      interval_minutes: spec.intervalMinutes,
      from: toIso(range.from),
      to: toIso(range.to),
      nodes,
    },
    stale,
  };
}

/**
 * The CRR auction periods and times of use missing per node over `[from, to)`, from the CRR clearing
 * prices the hot store keeps (`PriceStore.values("CRR")`, kept `VALUE_RETENTION_MS.CRR`): periods that
 * start before `keptSince` are not expected (the store no longer holds them).
 */
export async function findCrrGaps(
  deps: { readonly store: Pick<PriceStore, "values">; readonly nodes: NodeSelection },
  range: { readonly from: Date; readonly to: Date },
  keptSince: Date,
): Promise<{ value: CrrNodeGaps[]; stale: boolean }> {
  if (range.to <= range.from) return { value: [], stale: false };
  const read = await deps.store.values("CRR", { from: keptSince, to: new Date(range.to.getTime() - 1) });
  const facts = read.value.map((v) => ({
    node: v.node,
    qualifier: v.qualifier,
    start: v.ms,
    end: Date.parse(v.end),
  }));
  const nodes = "nodes" in deps.nodes && deps.nodes.nodes.length > 0 ? deps.nodes.nodes : null;
  return { value: crrGaps({ ...range, since: keptSince }, facts, nodes), stale: read.stale };
}
