/**
 * Delivering one fetched window, the step the scheduled poll and the backfill share: compare each
 * interval's digest with what already reached Bronze, commit the rows of new or changed intervals to the
 * outbox (a revised value goes out again under the same key; an unchanged one is not sent twice), record
 * the digests, then hand the LMP rows to the hot store (which keeps one value per interval and publishes
 * only changes). Resolves once the rows are in the outbox and the store; throws otherwise, and then the
 * caller must not move its watermark or checkpoint.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { bronzeKey, canonicalRaw, type RowRevision } from "../bronze/envelope.ts";
import type { RevisionReason } from "../bronze/schema.ts";
import type { BronzePublisher } from "../bronze/publisher.ts";
import type { FetchResult } from "../oasis/client.ts";
import type { OasisRow, RowProblem } from "../oasis/row.ts";
import type { RequestWindow } from "../oasis/windows.ts";
import type { Coordination } from "../coordination/coordination.ts";
import { MARKET_OF_DATASET } from "../store/price_points.ts";
import type { PriceStore } from "../store/store.ts";
import { recordDelivered } from "./delivered_intervals.ts";
import type { SchemaDriftTracker } from "./schema_drift.ts";

/** Where a fetched window goes. */
export interface DeliveryDeps {
  readonly publisher: Pick<BronzePublisher, "publish">;
  readonly store: Pick<PriceStore, "ingest"> & Partial<Pick<PriceStore, "keepValues">>;
  readonly coordination: Pick<Coordination, "digests" | "saveDigests">;
  /** Told each answer's CSV headers, to log, count and show a changed report schema. */
  readonly schema?: Pick<SchemaDriftTracker, "observe">;
}

/** What delivering one window did. */
export interface Delivered {
  /** Rows in the answer. */
  readonly rows: number;
  /** Rows committed to the outbox (new or changed intervals), dead letters included. */
  readonly published: number;
  /** Rows not sent again because their interval reached Bronze before with the same values. */
  readonly unchanged: number;
  /** Digest groups (intervals; with node lists and AS reports, facts) that reached Bronze before with other values. */
  readonly revised: number;
  /** Interval starts (epoch ms) present in the answer. */
  readonly starts: ReadonlySet<number>;
}

/**
 * The hot store did not accept the rows (backend down): the window must be fetched again. Bronze has its
 * rows by then (`delivered` counts them) and their digests are saved, so the re-fetch sends none again.
 */
export class DeliveryError extends Error {
  /** What reached Bronze before the store refused. */
  readonly delivered: Delivered;

  constructor(message: string, delivered: Delivered, options?: ErrorOptions) {
    super(message, options);
    this.name = "DeliveryError";
    this.delivered = delivered;
  }
}

const digest = (lines: string[]): string =>
  createHash("sha256").update(lines.sort().join("\n")).digest("hex").slice(0, 16);

/** Digest scope of a window's query and node selection. */
export function digestScope(window: RequestWindow): string {
  const selection = window.grpType ?? (window.nodes ? digest([...window.nodes]).slice(0, 8) : "-");
  return `${window.dataset}|${window.query.queryName}|${selection}`;
}

/** 32-bit FNV-1a of `text`. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * Digest group of a row: its interval start, plus, for node lists and AS reports (a few dozen facts per
 * interval), a slot in the interval's first minute for its node and component, so that an answer that
 * adds a node or component missing before does not send the others again. A `grp_type` answer (thousands
 * of nodes) keeps one digest per interval.
 */
function groupOf(ms: number, row: OasisRow, fine: boolean): number {
  return fine && Number.isFinite(ms) ? ms + 1 + fnv1a(`${row.node}\t${row.component}`) % 59_999 : ms;
}

function byInterval(rows: readonly OasisRow[], window: RequestWindow) {
  const fine = window.nodes !== undefined || window.query.family === "as";
  const groups = new Map<number, { rows: OasisRow[]; lines: string[] }>();
  for (const row of rows) {
    const ms = groupOf(Date.parse(row.interval_start), row, fine);
    let g = groups.get(ms);
    if (!g) groups.set(ms, g = { rows: [], lines: [] });
    g.rows.push(row);
    g.lines.push(`${bronzeKey(window.dataset, row)}\t${row.value}`);
  }
  return groups;
}

/**
 * The row problems of an answer not sent before, and their digests to save. Problems are digested per
 * interval when the parser could read the row's start (a header that lost its value column makes every row
 * a problem, and a poll range growing by one interval must not send all of them again), else per window.
 */
async function newProblems(
  window: RequestWindow,
  all: readonly RowProblem[],
  deps: DeliveryDeps,
  problemScope: string,
): Promise<{ problems: RowProblem[]; freshProblems: Map<number, string> }> {
  const problems: RowProblem[] = [];
  const freshProblems = new Map<number, string>();
  if (all.length === 0) return { problems, freshProblems };
  const groups = new Map<number, RowProblem[]>();
  for (const p of all) {
    const ms = p.interval_start === undefined ? NaN : Date.parse(p.interval_start);
    const id = Number.isFinite(ms) ? ms : window.start.getTime();
    let g = groups.get(id);
    if (!g) groups.set(id, g = []);
    g.push(p);
  }
  const known = await deps.coordination.digests(problemScope, [...groups.keys()]);
  for (const [id, g] of groups) {
    const d = digest(g.map((p) => `${p.reason}\t${canonicalRaw(p.raw ?? {})}`));
    if (known.get(id) === d) continue;
    freshProblems.set(id, d);
    problems.push(...g);
  }
  return { problems, freshProblems };
}

/**
 * A saved digest: the hex digest of a group's values and the revision number they were published under,
 * written `hex` at revision 0 and `hex.N` above (so digests saved before revisions were numbered still read).
 */
function readDigest(saved: string | undefined): { hex: string; revision: number } | undefined {
  if (saved === undefined) return undefined;
  const dot = saved.indexOf(".");
  if (dot < 0) return { hex: saved, revision: 0 };
  const revision = Number(saved.slice(dot + 1));
  return { hex: saved.slice(0, dot), revision: Number.isSafeInteger(revision) ? revision : 0 };
}

/** Options of `deliverWindow`. */
export interface DeliverOptions {
  readonly now: Date;
  /** How long the window's digests are kept. */
  readonly digestTtlMs: number;
  /** Why a changed interval is republished (default `revision_repoll`). */
  readonly revisionReason?: RevisionReason;
}

/** Delivers `fetched` (the answer to `window`); a changed interval goes out with its next revision number. */
export async function deliverWindow(
  window: RequestWindow,
  fetched: FetchResult,
  deps: DeliveryDeps,
  options: DeliverOptions,
): Promise<Delivered> {
  const result = fetched.result;
  if (result.kind !== "rows") return { rows: 0, published: 0, unchanged: 0, revised: 0, starts: new Set() };
  deps.schema?.observe(window.dataset, result.schema);
  const scope = digestScope(window);
  const groups = byInterval(result.rows, window);
  const known = await deps.coordination.digests(scope, [...groups.keys()].filter(Number.isFinite));
  const fresh = new Map<number, string>();
  const rows: OasisRow[] = [];
  const revisions = new Map<OasisRow, RowRevision>();
  const reason = options.revisionReason ?? "revision_repoll";
  let revised = 0;
  for (const [ms, g] of groups) {
    if (!Number.isFinite(ms)) {
      rows.push(...g.rows); // never digested: such a row becomes a dead letter each time it comes
      continue;
    }
    const d = digest(g.lines);
    const before = readDigest(known.get(ms));
    if (before?.hex === d) continue;
    rows.push(...g.rows);
    if (before === undefined) {
      fresh.set(ms, d);
      continue;
    }
    revised++;
    const revision = { revision: before.revision + 1, reason };
    fresh.set(ms, `${d}.${revision.revision}`);
    for (const row of g.rows) revisions.set(row, revision);
  }
  const problemScope = `${scope}|problems`;
  const { problems, freshProblems } = await newProblems(window, result.problems, deps, problemScope);
  let published = 0;
  if (rows.length > 0 || problems.length > 0) {
    const counts = await deps.publisher.publish(
      { ...fetched, result: { ...result, rows, problems }, revisions },
      window.dataset,
    );
    published = counts.accepted + counts.deadLettered;
  }
  if (fresh.size > 0) await deps.coordination.saveDigests(scope, fresh, options.digestTtlMs);
  if (freshProblems.size > 0) {
    await deps.coordination.saveDigests(problemScope, freshProblems, options.digestTtlMs);
  }
  // The hot store keeps no AS series (only their latest values): record what reached Bronze for the gaps.
  if (window.query.family === "as") await recordDelivered(deps.coordination, window.dataset, result.rows);
  // AS and CRR clearing prices are kept for the dashboard; a refusal only leaves its panels older.
  if (window.query.family !== "lmp") await deps.store.keepValues?.(result.rows, options.now);
  const delivered: Delivered = {
    rows: result.rows.length + result.problems.length,
    published,
    unchanged: result.rows.length - rows.length,
    revised,
    starts: new Set(result.rows.map((r) => Date.parse(r.interval_start)).filter(Number.isFinite)),
  };
  if (MARKET_OF_DATASET[window.dataset] !== undefined && result.rows.length > 0) {
    const ingested = await deps.store.ingest(result.rows, options.now);
    if (!ingested.stored) {
      throw new DeliveryError(
        `Hot store did not accept the rows of ${window.dataset} ${window.start.toISOString()}..` +
          `${window.end.toISOString()} (they are in Bronze); the window is fetched again next run`,
        delivered,
      );
    }
  }
  return delivered;
}
