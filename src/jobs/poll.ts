/**
 * One scheduled run of one dataset: read the shared watermark, plan the range from it (bounded by the
 * lookback, widened by the revision horizon) to the newest interval OASIS can have, take the lock of that
 * dataset and range (so that of several instances one does the work), fetch each window through the shared
 * client, deliver it to Bronze and the store, and move the watermark only over what arrived for every
 * requested node and component (`completeness.ts`). A run with a failed window releases the lock rather
 * than leaving its "done" marker, so its retry can run. A plain async function of its dependencies and
 * `now`, so tests call it directly instead of waiting for a cron tick.
 *
 * @module
 */
import type { OasisClient } from "../oasis/client.ts";
import { type DatasetName, DATASETS } from "../oasis/datasets.ts";
import { type NodeSelection, planWindows, type RequestWindow } from "../oasis/windows.ts";
import type { Coordination } from "../coordination/coordination.ts";
import { type Log, silentLog } from "../log.ts";
import { completeStarts, countMissing, GridKnowledge, missingCells } from "./completeness.ts";
import { type Delivered, type DeliveryDeps, DeliveryError } from "./deliver.ts";
import { digestRetentionMs } from "./digest_retention.ts";
import { fetchWindows } from "./fetch_windows.ts";
import { activePeriodMs } from "./peak_window.ts";
import type { JobsConfig } from "./settings.ts";
import { isDayGrained, nextWatermark, runRange, stepMs, type WindowOutcome } from "./watermark.ts";

/** Per-dataset numbers of a run. */
export interface PollSettings {
  /** Furthest back for intervals not yet received. */
  readonly lookbackMs: number;
  /** Re-polled for revisions on every run (0: none). */
  readonly revisionMs: number;
  /** Lease of the run's lock. */
  readonly lockTtlMs: number;
  /** How long the lock stays as a "done" marker after a run without failed windows (half the schedule period). */
  readonly holdMs: number;
  /** How long the run's digests are kept (`digestRetentionMs`), ms. */
  readonly digestTtlMs: number;
}

/** The settings of a run of `dataset` at `now` under `jobs`. */
export function pollSettings(jobs: JobsConfig, dataset: DatasetName, now: Date): PollSettings {
  return {
    lookbackMs: jobs.lookbackMs,
    revisionMs: jobs.revisionMs[dataset],
    lockTtlMs: jobs.lockTtlMs,
    // The "done" marker lasts half the period of the schedule in force (off-peak polls are sparser).
    holdMs: activePeriodMs(dataset, now, jobs.schedules[dataset], jobs.peak) / 2,
    // A price correction comes up to PRICE_CORRECTION_DAYS later: its digests must still be there.
    digestTtlMs: digestRetentionMs(jobs),
  };
}

/** Dependencies of a poll. */
export interface PollDeps extends DeliveryDeps {
  readonly client: Pick<OasisClient, "fetchWindow">;
  readonly coordination: Coordination;
  readonly nodes: NodeSelection;
  readonly settings: PollSettings;
  readonly signal?: AbortSignal;
  readonly log?: Log;
}

/** A window that failed after retries. */
export interface PollFailure {
  /** URL requested. */
  readonly url: string;
  /** Why it failed. */
  readonly message: string;
  /** OASIS error code, when OASIS answered with an error document. */
  readonly code?: number;
  /** Window start, UTC ISO-8601. */
  readonly start: string;
  /** Window end (exclusive), UTC ISO-8601. */
  readonly end: string;
}

/** What one poll did. */
export interface PollSummary {
  /** The dataset polled. */
  readonly dataset: DatasetName;
  /** `up-to-date`: nothing to ask for; `locked`: another run (or instance) has this range. */
  readonly outcome: "done" | "partial" | "failed" | "up-to-date" | "locked";
  /** Interval range asked for, or null when there was nothing to ask. */
  readonly range: { readonly start: string; readonly end: string } | null;
  /** OASIS requests sent. */
  readonly requests: number;
  /** Source rows received. */
  readonly rows: number;
  /** Rows committed to Bronze (new or revised). */
  readonly published: number;
  /** Intervals that came back with another value. */
  readonly revised: number;
  /** Windows OASIS answered "no data" (not yet published, for the newest). */
  readonly noData: number;
  /** Windows that failed after retries. */
  readonly failures: PollFailure[];
  /** Node-intervals (ended by now) that answers lacked for a requested node or component, unpublished ones included. */
  readonly missing: number;
  /** The watermark after the run: end of the newest interval in Bronze and the store. */
  readonly watermark: string | null;
}

/** "Done" marker of a run still waiting for its newest interval: shorter than any follow-up spacing. */
const WAITING_HOLD_MS = 4_000;

/** What the windows of one run brought. */
interface RunTally {
  rows: number;
  published: number;
  revised: number;
  noData: number;
  missing: number;
  readonly outcomes: WindowOutcome[];
  readonly failures: PollFailure[];
}

/** Fetches and delivers the windows of one run of `dataset`, judging each answer's completeness. */
async function fetchRun(
  dataset: DatasetName,
  windows: readonly RequestWindow[],
  deps: PollDeps,
  now: Date,
): Promise<RunTally> {
  const log = deps.log ?? silentLog;
  const t: RunTally = {
    rows: 0,
    published: 0,
    revised: 0,
    noData: 0,
    missing: 0,
    outcomes: [],
    failures: [],
  };
  const known = new GridKnowledge();
  const tally = (d: Delivered) => {
    t.rows += d.rows;
    t.published += d.published;
    t.revised += d.revised;
  };
  await fetchWindows(windows, {
    client: deps.client,
    signal: deps.signal,
    delivery: { deps, options: { now, digestTtlMs: deps.settings.digestTtlMs } },
    onAnswer: ({ window, fetch, delivered }) => {
      if (fetch.result.kind === "no-data") t.noData++;
      tally(delivered!);
      // The watermark passes an interval only once every requested node and component has it.
      const answer = fetch.result.kind === "rows" ? fetch.result.rows : [];
      known.learn(answer);
      const gaps = missingCells(window, answer, known, now);
      t.missing += countMissing(gaps);
      t.outcomes.push({ window, ok: true, starts: completeStarts(delivered!.starts, gaps) });
    },
    onFailure: ({ window, ...failure }, error) => {
      // Bronze has these rows (the store is down): count them; the window is fetched again next run.
      if (error instanceof DeliveryError) tally(error.delivered);
      t.failures.push({ ...failure, start: window.start.toISOString(), end: window.end.toISOString() });
      t.outcomes.push({ window, ok: false });
      log("warn", "window failed", { dataset, ...t.failures.at(-1)! });
    },
  });
  return t;
}

/** Runs one poll of `dataset` at `now`. Throws only when `deps.signal` aborts it. */
export async function pollDataset(dataset: DatasetName, deps: PollDeps, now: Date): Promise<PollSummary> {
  const spec = DATASETS[dataset];
  const before = await deps.coordination.watermark(dataset);
  const range = runRange(spec, now, before, deps.settings);
  const base = {
    dataset,
    requests: 0,
    rows: 0,
    published: 0,
    revised: 0,
    noData: 0,
    failures: [],
    missing: 0,
  };
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  if (range === null) return { ...base, outcome: "up-to-date", range: null, watermark: iso(before) };
  const shown = { start: range.start.toISOString(), end: range.end.toISOString() };
  const lease = await deps.coordination.acquire(
    `poll:${dataset}:${shown.start}:${shown.end}`,
    deps.settings.lockTtlMs,
  );
  if (lease === null) return { ...base, outcome: "locked", range: shown, watermark: iso(before) };
  let finished = false;
  try {
    const windows = planWindows(spec, range, deps.nodes);
    const { outcomes, failures, ...counts } = await fetchRun(dataset, windows, deps, now);
    const moved = nextWatermark(spec, range, before, outcomes);
    const after = moved === null ? before : await deps.coordination.advanceWatermark(dataset, moved);
    // Only a complete run leaves its "done" marker: a failed window must stay open to the retry (and to the
    // other instances) instead of blocking the range until the marker expires.
    // A real-time run missing only its newest interval (not yet published) holds its marker briefly, so that
    // the follow-up some seconds later (`follow_ups.ts`) is not taken for a repeat of this run.
    const waiting = !isDayGrained(spec) && after !== null &&
      after.getTime() === range.end.getTime() - stepMs(spec);
    if (failures.length === 0) {
      await lease.finish(waiting ? Math.min(deps.settings.holdMs, WAITING_HOLD_MS) : deps.settings.holdMs);
    } else await lease.release();
    finished = true;
    const outcome = failures.length === 0
      ? "done"
      : failures.length === windows.length
      ? "failed"
      : "partial";
    return {
      dataset,
      outcome,
      range: shown,
      requests: windows.length,
      rows: counts.rows,
      published: counts.published,
      revised: counts.revised,
      noData: counts.noData,
      failures,
      missing: counts.missing,
      watermark: iso(after),
    };
  } finally {
    if (!finished) await lease.release().catch(() => {});
  }
}
