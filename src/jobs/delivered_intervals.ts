/**
 * What reached Bronze of the ancillary-service datasets, per interval and (region, type) pair, so that
 * `GET /api/gaps` can list their missing cells the way it lists LMP gaps from the hot store (which keeps
 * LMP prices only). Kept in the job coordination (Redis or Deno KV, whichever the service shares) as one
 * entry per interval start under the scope `delivered|{dataset}`: the sorted `region\ttype` pairs that
 * reached Bronze, expiring after `DELIVERED_TTL_MS`. The delivery digests cannot serve: they are hashed
 * per (region, type) slot, scoped by query and node selection, and kept only for the revision window.
 *
 * @module
 */
import { type DatasetName, DATASETS } from "../oasis/datasets.ts";
import type { OasisRow } from "../oasis/row.ts";
import type { Coordination } from "../coordination/coordination.ts";
import { ANY_NODE } from "./completeness.ts";
import { expectedStarts, type GapRange, missingRanges } from "./gaps.ts";

/** How long the record of one interval is kept: the gaps route's longest range and a margin. */
export const DELIVERED_TTL_MS = 35 * 86_400_000;

/** Most interval entries read or written in one coordination call. */
const BATCH = 1_000;

/** Coordination scope of `dataset`'s delivery record. */
export function deliveredScope(dataset: DatasetName): string {
  return `delivered|${dataset}`;
}

const pairOf = (row: Pick<OasisRow, "node" | "component">) => `${row.node}\t${row.component}`;
const parse = (value: string | undefined) => new Set(value ? value.split("\n") : []);

async function readAll(
  coordination: Pick<Coordination, "digests">,
  scope: string,
  starts: readonly number[],
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let i = 0; i < starts.length; i += BATCH) {
    for (const [id, v] of await coordination.digests(scope, starts.slice(i, i + BATCH))) out.set(id, v);
  }
  return out;
}

/**
 * Adds the (region, type) pairs of `rows` (an AS answer that reached Bronze) to the record of their
 * intervals. Two instances merging the same interval at once may drop a pair; the next poll of that
 * interval adds it again, so the record errs towards a gap, never towards completeness.
 */
export async function recordDelivered(
  coordination: Pick<Coordination, "digests" | "saveDigests">,
  dataset: DatasetName,
  rows: readonly Pick<OasisRow, "node" | "component" | "interval_start">[],
  ttlMs = DELIVERED_TTL_MS,
): Promise<void> {
  const byStart = new Map<number, Set<string>>();
  for (const row of rows) {
    const ms = Date.parse(row.interval_start);
    if (!Number.isFinite(ms)) continue;
    let pairs = byStart.get(ms);
    if (!pairs) byStart.set(ms, pairs = new Set());
    pairs.add(pairOf(row));
  }
  if (byStart.size === 0) return;
  const scope = deliveredScope(dataset);
  const known = await readAll(coordination, scope, [...byStart.keys()]);
  const changed = new Map<number, string>();
  for (const [ms, pairs] of byStart) {
    const before = known.get(ms);
    const merged = [...new Set([...parse(before), ...pairs])].sort().join("\n");
    if (merged !== before) changed.set(ms, merged);
  }
  if (changed.size > 0) await coordination.saveDigests(scope, changed, ttlMs);
}

/** The missing intervals of one (region, type) pair. */
export interface PairGaps {
  /** AS region, or `*` when nothing at all is recorded in the range. */
  readonly node: string;
  /** AS type, or `*`. */
  readonly component: string;
  readonly expected: number;
  readonly present: number;
  readonly missing: number;
  readonly gaps: readonly GapRange[];
}

/**
 * The missing cells of `dataset` (an AS dataset) over `[from, to)`: the expected grid is every interval ×
 * every (region, type) pair that reached Bronze somewhere in the range (as the completeness check learns
 * them); a range with no delivery at all is one `*`/`*` entry missing every interval.
 */
export async function findDeliveredGaps(
  coordination: Pick<Coordination, "digests">,
  dataset: DatasetName,
  range: { readonly from: Date; readonly to: Date },
): Promise<PairGaps[]> {
  const spec = DATASETS[dataset];
  const step = spec.intervalMinutes * 60_000;
  const expected = expectedStarts(spec, range.from, range.to);
  if (expected.length === 0) return [];
  const record = await readAll(coordination, deliveredScope(dataset), expected);
  const byPair = new Map<string, Set<number>>();
  for (const [ms, value] of record) {
    for (const pair of parse(value)) {
      let starts = byPair.get(pair);
      if (!starts) byPair.set(pair, starts = new Set());
      starts.add(ms);
    }
  }
  if (byPair.size === 0) {
    const gaps = missingRanges(expected, new Set(), step);
    const n = expected.length;
    return [{ node: ANY_NODE, component: ANY_NODE, expected: n, present: 0, missing: n, gaps }];
  }
  return [...byPair.keys()].sort().map((pair) => {
    const [node, component] = pair.split("\t") as [string, string];
    const present = byPair.get(pair)!;
    const have = expected.filter((t) => present.has(t)).length;
    return {
      node,
      component,
      expected: expected.length,
      present: have,
      missing: expected.length - have,
      gaps: missingRanges(expected, present, step),
    };
  });
}
