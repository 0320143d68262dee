/**
 * One backfill window made complete as far as OASIS allows: each answer is delivered, compared with the
 * grid asked for (`completeness.ts`), and the missing cells are asked again in the smallest windows, a
 * bounded number of rounds (`BACKFILL_REREQUESTS`), through the same client and request gate. What is
 * still missing after that is returned with the requests a later run should send, never dropped.
 *
 * @module
 */
import type { OasisClient } from "../oasis/client.ts";
import type { OasisRow } from "../oasis/row.ts";
import type { RequestWindow } from "../oasis/windows.ts";
import type { DatasetName } from "../oasis/datasets.ts";
import {
  type GridKnowledge,
  intervalMs,
  type MissingCells,
  missingCells,
  retryWindows,
  runsOf,
} from "./completeness.ts";
import type { DeliveryDeps } from "./deliver.ts";
import { fetchWindows } from "./fetch_windows.ts";

/** What completing one window did. */
export interface WindowOutcome {
  /** Requests sent (the first asks and the re-requests). */
  readonly requests: number;
  /** Source rows received. */
  readonly rows: number;
  /** Rows committed to the outbox. */
  readonly published: number;
  /** Rows already in Bronze unchanged. */
  readonly unchanged: number;
  /** Whether the first answer was OASIS's "no data". */
  readonly noData: boolean;
  /** Cells still missing after the last round. */
  readonly missing: readonly MissingCells[];
  /** The requests that would ask for them (what a re-run sends). */
  readonly residual: readonly RequestWindow[];
}

/** What `completeWindow` needs. */
export interface CompleteDeps extends DeliveryDeps {
  readonly client: Pick<OasisClient, "fetchWindow">;
  readonly signal?: AbortSignal;
  /** What earlier windows of the dataset taught (updated). */
  readonly known: GridKnowledge;
  /** Rounds of re-requests after the first answers. */
  readonly rerequests: number;
  readonly now: Date;
  readonly digestTtlMs: number;
}

/**
 * Fetches and delivers `asks` (a planned window, or what an earlier run left missing of it), then asks
 * again for missing cells. A failure of a first ask is thrown (the window failed); a failed re-request
 * leaves its cells missing.
 */
export async function completeWindow(
  asks: readonly RequestWindow[],
  deps: CompleteDeps,
): Promise<WindowOutcome> {
  let requests = 0, rows = 0, published = 0, unchanged = 0, noData = false;
  let missing: Array<{ ask: RequestWindow; cells: MissingCells[] }> = [];
  let current = [...asks];
  for (let round = 0; round <= deps.rerequests && current.length > 0; round++) {
    missing = [];
    const learn = (ask: RequestWindow, answer: readonly OasisRow[]) => {
      deps.known.learn(answer);
      const cells = missingCells(ask, answer, deps.known, deps.now);
      if (cells.length > 0) missing.push({ ask, cells });
    };
    await fetchWindows(current, {
      client: deps.client,
      signal: deps.signal,
      background: true, // a live poll of this process goes first (another process's already does)
      delivery: { deps, options: { now: deps.now, digestTtlMs: deps.digestTtlMs } },
      onAnswer: ({ window, fetch, delivered }) => {
        requests++;
        rows += delivered!.rows;
        published += delivered!.published;
        unchanged += delivered!.unchanged;
        if (fetch.result.kind !== "rows" && round === 0) noData = true;
        learn(window, fetch.result.kind === "rows" ? fetch.result.rows : []);
      },
      onFailure: ({ window }, error) => {
        requests++;
        if (round === 0) throw error;
        learn(window, []);
      },
    });
    current = missing.flatMap((m) => retryWindows(m.ask, m.cells));
  }
  return {
    requests,
    rows,
    published,
    unchanged,
    noData,
    missing: missing.flatMap((m) => m.cells),
    residual: current,
  };
}

const PENDING = "missing|";

/** A stable id of one window, for checkpoints. */
export function windowId(w: RequestWindow): string {
  const who = w.grpType ?? w.nodes?.join(",") ?? "-";
  return `${w.dataset}|${w.query.queryName}|${w.start.toISOString()}|${w.end.toISOString()}|${who}`;
}

/**
 * What an earlier run left missing of `window` (checkpoint id `id`): the requests of its latest round
 * and that round's number, or null when no run left anything.
 */
export function pendingAsks(
  checkpoint: ReadonlySet<string>,
  id: string,
  window: RequestWindow,
): { readonly round: number; readonly asks: RequestWindow[] } | null {
  const prefix = `${PENDING}${id}|g`;
  let round = -1, asks: RequestWindow[] = [];
  for (const entry of checkpoint) {
    if (!entry.startsWith(prefix)) continue;
    const rest = entry.slice(prefix.length);
    const cut = rest.indexOf("|");
    const n = Number(rest.slice(0, cut));
    const [, , start, end, who] = rest.slice(cut + 1).split("|") as [string, string, string, string, string];
    const { grpType: _, nodes: __, ...base } = window;
    const ask: RequestWindow = who === window.grpType
      ? { ...window, start: new Date(start), end: new Date(end) }
      : who === "-"
      ? { ...base, start: new Date(start), end: new Date(end) }
      : { ...base, start: new Date(start), end: new Date(end), nodes: who.split(",") };
    if (n > round) [round, asks] = [n, []];
    if (n === round) asks.push(ask);
  }
  return round < 0 ? null : { round, asks };
}

/** Checkpoint entries recording `residual` as what round `round` of window `id` left missing. */
export function pendingIds(id: string, round: number, residual: readonly RequestWindow[]): string[] {
  return residual.map((w) => `${PENDING}${id}|g${round}|${windowId(w)}`);
}

/** Intervals of one node that OASIS did not answer, after re-requests. */
export interface BackfillMissing {
  /** Dataset of the range. */
  readonly dataset: DatasetName;
  /** Node (AS region), or `*` when the answer had no row and no node was known. */
  readonly node: string;
  /** First missing interval start, UTC ISO-8601. */
  readonly start: string;
  /** End of the last missing interval (exclusive). */
  readonly end: string;
  /** Intervals missing in the range. */
  readonly intervals: number;
  /** Components missing (empty: all, or none known). */
  readonly components: readonly string[];
}

/** One missing range as a line: `MISSING lmp_dam TH_SP15_GEN-APND 2025-11-03T08:00Z..2025-11-05T08:00Z: 48 intervals missing`. */
export function formatMissing(m: BackfillMissing): string {
  const what = m.components.length > 0 ? ` (${m.components.join(", ")})` : "";
  return `MISSING ${m.dataset} ${m.node} ${m.start.slice(0, 16)}Z..${m.end.slice(0, 16)}Z: ${m.intervals} ` +
    `intervals missing${what}`;
}

/** The missing cells of one window as ranges per node (cells of several requests merged). */
export function missingRanges(dataset: DatasetName, cells: readonly MissingCells[]): BackfillMissing[] {
  const byNode = new Map<string, { starts: Set<number>; components: Set<string> }>();
  for (const m of cells) {
    const n = byNode.get(m.node) ?? { starts: new Set<number>(), components: new Set<string>() };
    byNode.set(m.node, n);
    m.starts.forEach((t) => n.starts.add(t));
    m.components.forEach((x) => n.components.add(x));
  }
  const out: BackfillMissing[] = [];
  for (const [node, n] of [...byNode].sort(([a], [b]) => a.localeCompare(b))) {
    for (const r of runsOf([...n.starts].sort((a, b) => a - b), intervalMs(dataset))) {
      out.push({
        dataset,
        node,
        start: new Date(r.start).toISOString(),
        end: new Date(r.end).toISOString(),
        intervals: r.intervals,
        components: [...n.components].sort(),
      });
    }
  }
  return out;
}
