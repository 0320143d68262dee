/**
 * The Bronze audit: reads each dataset's topic back from its beginning (`BronzeReader`: NDJSON files or
 * Kafka) and compares what it holds for operating days `from..to` (Pacific, inclusive) with the grid the
 * backfill expects (`completeness.ts`): each node asked for (with a node group: every node found) × each
 * interval that has ended × each component found. Per dataset and node it reports cells expected and
 * present, the missing ranges, true duplicates, revisions (a key with different values) and, per dataset,
 * the values that do not parse against the Bronze envelope schema. CRR has no interval grid: its clearing
 * prices are checked per node, auction period and time of use (`crr_completeness.ts`), each missing one
 * listed as a range over its period.
 *
 * @module
 */
import type { BronzeReader } from "../bronze/bronze_reader.ts";
import { type DatasetName, DATASETS } from "../oasis/datasets.ts";
import { nextDate, pacificMidnight } from "../oasis/time.ts";
import type { NodeSelection, RequestWindow } from "../oasis/windows.ts";
import { type AuditRevision, DatasetTally } from "./audit_tally.ts";
import { type BackfillMissing, missingRanges } from "./backfill_window.ts";
import { ANY_NODE, expectedComponents, intervalStarts, missingOfGrid } from "./completeness.ts";
import { crrGaps } from "./crr_completeness.ts";

/** What to audit. */
export interface AuditRequest {
  /** First operating day, `YYYY-MM-DD`. */
  readonly from: string;
  /** Last operating day (inclusive). */
  readonly to: string;
  readonly datasets: readonly DatasetName[];
  /** Nodes expected of LMP datasets (a node group: every node found in Bronze). */
  readonly nodes: NodeSelection;
  /** Bronze topic of each dataset. */
  readonly topics: Readonly<Record<DatasetName, string>>;
}

/** The audit of one node of a dataset. */
export interface NodeAudit {
  readonly node: string;
  /** Cells (interval × component) expected. */
  readonly expected: number;
  /** Of those, cells present. */
  readonly present: number;
  /** Missing ranges (the backfill's format). */
  readonly missing: readonly BackfillMissing[];
  /** Extra copies of a key with the same value and raw row. */
  readonly duplicates: number;
  /** Keys seen with different values (at most `AUDIT_MAX_REVISIONS` listed). */
  readonly revisions: readonly AuditRevision[];
  /** Revised keys in all. */
  readonly revisedKeys: number;
}

/** The audit of one dataset. */
export interface DatasetAudit {
  readonly dataset: DatasetName;
  readonly topic: string;
  /** Values read from the topic (every day). */
  readonly read: number;
  /** Valid envelopes outside `from..to` or the nodes asked for. */
  readonly outside: number;
  /** Values that are not a valid Bronze envelope of the dataset, with a few examples. */
  readonly unparsable: number;
  readonly unparsableExamples: readonly string[];
  /** Whether the interval grid is checked (CRR is checked per auction period and time of use instead). */
  readonly gridChecked: boolean;
  readonly nodes: readonly NodeAudit[];
}

/** What the audit found. */
export interface AuditReport {
  readonly from: string;
  readonly to: string;
  readonly source: BronzeReader["kind"];
  readonly datasets: readonly DatasetAudit[];
  /** Whether nothing expected is missing. */
  readonly complete: boolean;
}

/** Progress of the read. */
export interface AuditProgress {
  /** Called before a topic is read, with its size in the reader's unit. */
  begin(topic: string, total: number): void;
  /** Called as the topic is read. */
  update(done: number): void;
  /** Called after each topic. */
  end(): void;
}

/** Reads Bronze through `reader` and audits `request` at `now`. */
export async function runAudit(
  request: AuditRequest,
  reader: BronzeReader,
  now: Date,
  progress?: AuditProgress,
): Promise<AuditReport> {
  const start = pacificMidnight(request.from), end = pacificMidnight(nextDate(request.to));
  const nodes = "nodes" in request.nodes ? new Set(request.nodes.nodes) : null;
  const datasets: DatasetAudit[] = [];
  for (const dataset of request.datasets) {
    const spec = DATASETS[dataset];
    const topic = request.topics[dataset];
    const tally = new DatasetTally(
      dataset,
      { start: start.getTime(), end: end.getTime(), nodes },
      spec.queries[0]!.byNode,
    );
    progress?.begin(topic, await reader.size(topic));
    try {
      await reader.read(topic, (value, where) => tally.add(value, where), (done) => progress?.update(done));
    } finally {
      progress?.end();
    }
    const grid: RequestWindow = { dataset, query: spec.queries[0]!, start, end, ...request.nodes };
    datasets.push(auditOf(tally, topic, grid, now));
  }
  const complete = datasets.every((d) => d.nodes.every((n) => n.missing.length === 0));
  return { from: request.from, to: request.to, source: reader.kind, datasets, complete };
}

function auditOf(tally: DatasetTally, topic: string, grid: RequestWindow, now: Date): DatasetAudit {
  const family = grid.query.family;
  const gridChecked = family !== "crr_clearing" && family !== "crr_inventory";
  const head = {
    dataset: tally.dataset,
    topic,
    read: tally.read,
    outside: tally.outside,
    unparsable: tally.unparsable,
    unparsableExamples: tally.unparsableExamples,
    gridChecked,
  };
  if (!gridChecked) return { ...head, nodes: crrAudit(tally, grid) };
  const missing = missingRanges(tally.dataset, missingOfGrid(grid, tally, tally.known, now));
  const starts = intervalStarts(grid, now);
  const expected = expectedComponents(grid, tally.known);
  const names = new Set([
    ...expected.keys(),
    ...missing.map((m) => m.node),
    ...tally.duplicates.keys(),
    ...tally.revisions.keys(),
  ]);
  const nodes = [...names].sort().map((node): NodeAudit => {
    const components = expected.get(node) ?? [];
    let present = 0;
    for (const t of starts) for (const c of components) if (tally.has(node, c, t)) present++;
    return {
      node,
      expected: expected.has(node) || node === ANY_NODE ? starts.length * Math.max(1, components.length) : 0,
      present,
      missing: missing.filter((m) => m.node === node),
      ...repeats(tally, node),
    };
  });
  return { ...head, nodes };
}

/** The duplicates and revisions of `node`. */
function repeats(tally: DatasetTally, node: string) {
  return {
    duplicates: tally.duplicates.get(node) ?? 0,
    revisions: [...(tally.revisions.get(node)?.keys ?? [])].map(([key, v]) => ({ key, values: v.size })),
    revisedKeys: tally.revisions.get(node)?.count ?? 0,
  };
}

/**
 * CRR per node: cells are auction periods × times of use, each missing one a range over its period with
 * `market/term/time of use` as its component (`(none)` for a month no auction was seen for).
 */
function crrAudit(tally: DatasetTally, grid: RequestWindow): NodeAudit[] {
  const nodes = grid.nodes && grid.nodes.length > 0 ? grid.nodes : null;
  const found = crrGaps({ from: grid.start, to: grid.end }, tally.crrFacts, nodes);
  const byNode = new Map(found.map((n) => [n.node, n]));
  const names = new Set([...byNode.keys(), ...tally.duplicates.keys(), ...tally.revisions.keys()]);
  return [...names].sort().map((node): NodeAudit => {
    const n = byNode.get(node);
    const missing = (n?.gaps ?? []).map((g) => ({
      dataset: tally.dataset,
      node,
      start: new Date(g.start).toISOString(),
      end: new Date(g.end).toISOString(),
      intervals: 1,
      components: [`${g.auction ?? "(none)"}/${g.term}/${g.time_of_use}`],
    }));
    return { node, expected: n?.expected ?? 0, present: n?.present ?? 0, missing, ...repeats(tally, node) };
  });
}
