/**
 * What the audit holds of one dataset while it reads Bronze: per series (node, qualifier, component) the
 * interval starts seen, each with a 32-bit fingerprint of its value and raw row (never whole envelopes,
 * so a year of every hub fits), plus true duplicates (same key, same value and raw row), revisions (same
 * key, another value or raw row), and values that do not parse against the Bronze envelope schema. CRR
 * facts are per auction period: one is in scope when its period overlaps the days audited, and the
 * clearing prices are kept apart (`crrFacts`) for their completeness (`crr_completeness.ts`).
 *
 * @module
 */
import { bronzeKey } from "../bronze/envelope.ts";
import { validateEnvelope } from "../bronze/schema.ts";
import type { DatasetName } from "../oasis/datasets.ts";
import { GridKnowledge, type PresentCells } from "./completeness.ts";
import type { CrrFact } from "./crr_completeness.ts";

/** Most examples kept of unparsable values, and most revised keys kept per node. */
export const AUDIT_EXAMPLES = 5;
export const AUDIT_MAX_REVISIONS = 1000;

/** One key seen with more than one value. */
export interface AuditRevision {
  /** The Bronze key (dataset|node|[qualifier|]component|interval_start). */
  readonly key: string;
  /** Different values (value and raw row) seen for it. */
  readonly values: number;
}

/** The revised keys of one node: the first `AUDIT_MAX_REVISIONS` with their values, and how many in all. */
export interface NodeRevisions {
  readonly keys: Map<string, Set<number>>;
  /** Revised keys in all (past the listed ones: sightings that differed from the first value). */
  count: number;
}

/** What the audit selects: the range of interval starts and, for LMP datasets, the nodes. */
export interface AuditScope {
  /** First interval start, epoch ms. */
  readonly start: number;
  /** End of the last interval (exclusive), epoch ms. */
  readonly end: number;
  /** Nodes, or null for every node found. */
  readonly nodes: ReadonlySet<string> | null;
}

/** The tally of one dataset. */
export class DatasetTally implements PresentCells {
  readonly known = new GridKnowledge();
  /** Values read, in or out of scope. */
  read = 0;
  /** Envelopes outside the scope (other days or nodes). */
  outside = 0;
  /** Values that are not a valid Bronze envelope of this dataset. */
  unparsable = 0;
  /** The first few of them: where and why. */
  readonly unparsableExamples: string[] = [];
  /** Extra copies of a key with the same value, per node. */
  readonly duplicates = new Map<string, number>();
  /** Keys seen with different values, per node. */
  readonly revisions = new Map<string, NodeRevisions>();
  /** CRR clearing prices in scope (first sighting of each key). */
  readonly crrFacts: CrrFact[] = [];
  readonly #series = new Map<string, Map<number, number>>();

  constructor(readonly dataset: DatasetName, readonly scope: AuditScope, readonly byNode: boolean) {}

  /** Counts one value read from the dataset's topic. */
  add(text: string, where: string): void {
    this.read++;
    let candidate: unknown;
    try {
      candidate = JSON.parse(text);
    } catch {
      return this.#bad(where, "not JSON");
    }
    const v = validateEnvelope(candidate);
    if (!v.ok) return this.#bad(where, v.reason);
    const e = v.envelope;
    if (e.dataset !== this.dataset) {
      return this.#bad(where, `dataset "${e.dataset}" in the topic of ${this.dataset}`);
    }
    const start = Date.parse(e.interval_start);
    const outOfNodes = this.byNode && this.scope.nodes !== null && !this.scope.nodes.has(e.node);
    // A CRR period (an auction's month or season) counts when it overlaps the days audited.
    const last = this.dataset === "crr" ? Date.parse(e.interval_end) - 1 : start;
    if (last < this.scope.start || start >= this.scope.end || outOfNodes) {
      this.outside++;
      return;
    }
    this.known.learn([e]);
    // CRR facts differ by qualifier (market/term/time of use, and the inventory's CRR identity).
    const id = e.qualifier ? `${e.node}\t${e.component}\t${e.qualifier}` : `${e.node}\t${e.component}`;
    let series = this.#series.get(id);
    if (!series) this.#series.set(id, series = new Map());
    const fp = fingerprint(`${e.value}|${e.provenance.content_hash}`);
    const before = series.get(start);
    if (before === undefined) {
      series.set(start, fp);
      if (e.query === "CRR_CLEARING") {
        this.crrFacts.push({ node: e.node, qualifier: e.qualifier, start, end: Date.parse(e.interval_end) });
      }
    } else if (before === fp || !this.#revised(e.node, bronzeKey(this.dataset, e), before, fp)) {
      this.duplicates.set(e.node, (this.duplicates.get(e.node) ?? 0) + 1);
    }
  }

  /** Records another value `fp` of `key` (first seen with `first`); false when that value was seen already. */
  #revised(node: string, key: string, first: number, fp: number): boolean {
    let r = this.revisions.get(node);
    if (!r) this.revisions.set(node, r = { keys: new Map(), count: 0 });
    const values = r.keys.get(key);
    if (values?.has(fp)) return false;
    if (values) values.add(fp);
    else {
      r.count++;
      if (r.keys.size < AUDIT_MAX_REVISIONS) r.keys.set(key, new Set([first, fp]));
    }
    return true;
  }

  #bad(where: string, reason: string): void {
    this.unparsable++;
    if (this.unparsableExamples.length < AUDIT_EXAMPLES) this.unparsableExamples.push(`${where}: ${reason}`);
  }

  /** Whether `node` has `component` at `start`. */
  has(node: string, component: string, start: number): boolean {
    return this.#series.get(`${node}\t${component}`)?.has(start) ?? false;
  }

  /** Whether `node` has any row at `start`. */
  hasNode(node: string, start: number): boolean {
    for (const [id, series] of this.#series) if (id.startsWith(`${node}\t`) && series.has(start)) return true;
    return false;
  }

  /** Whether no envelope of the scope was read. */
  get empty(): boolean {
    return this.#series.size === 0;
  }
}

/** FNV-1a, 32 bits: enough to tell two values of one key apart. */
function fingerprint(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
