/**
 * The daily price-correction run: CAISO reprices published intervals days to two weeks later and lists
 * them in `PRC_CORR_GRP` (one report per trade date). The run reads that list for each of the last
 * `days` trade dates, and for every market and trade date with corrections not handled before it fetches
 * that day again through the shared client and gate and delivers it like a poll: the digests find the
 * intervals whose values changed, and only those go to Bronze, as revisions with the reason
 * `price_correction`, and to the hot store (which keeps the first published value for `as_of` and tells
 * WebSocket clients `revised` with the previous price). A market/day is marked handled only when all its
 * windows arrived, so a failed one is fetched again on the next run. A listed market the job does not
 * map to an LMP dataset (`CORRECTED_DATASET`; no source shows PRC_CORR_GRP listing AS markets, see
 * docs/bronze.md) is not fetched: it is named in the summary's `unmapped` and logged, and AS prices get
 * their revisions from the re-poll window (`JOB_REVISION_HOURS`) instead. A plain async function of its
 * dependencies and `now`; `main.ts` schedules it.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { OasisClient } from "../oasis/client.ts";
import { type DatasetName, DATASETS } from "../oasis/datasets.ts";
import { requestFailure } from "../oasis/errors.ts";
import type { PriceCorrection } from "../oasis/price_corrections.ts";
import { operatingDate, operatingDay, previousDate } from "../oasis/time.ts";
import { type NodeSelection, planWindows } from "../oasis/windows.ts";
import type { Coordination } from "../coordination/coordination.ts";
import { type Log, silentLog } from "../log.ts";
import type { DeliveryDeps } from "./deliver.ts";
import { digestRetentionMs } from "./digest_retention.ts";
import { fetchWindows } from "./fetch_windows.ts";
import type { JobsConfig } from "./settings.ts";

/** The LMP dataset each PRC_CORR_GRP market reprices (other markets are not re-fetched: `unmapped`). */
export const CORRECTED_DATASET: Readonly<Record<string, DatasetName>> = {
  DAM: "lmp_dam",
  RTPD: "lmp_fmm",
  RTD: "lmp_rtm",
  RTM: "lmp_rtm",
};

/** Numbers of a correction run. */
export interface CorrectionSettings {
  /** Trade dates read back from yesterday (0: the run does nothing). */
  readonly days: number;
  /** How long digests saved by the run are kept, ms (at least the correction horizon). */
  readonly digestTtlMs: number;
  /** Lease of the run's lock, ms. */
  readonly lockTtlMs: number;
}

/** The settings of a correction run under `jobs`. */
export function correctionSettings(jobs: JobsConfig): CorrectionSettings {
  return { days: jobs.correctionDays, digestTtlMs: digestRetentionMs(jobs), lockTtlMs: jobs.lockTtlMs };
}

/** Dependencies of a correction run. */
export interface CorrectionDeps extends DeliveryDeps {
  readonly client: Pick<OasisClient, "fetchWindow" | "fetchCorrections">;
  readonly coordination: Pick<Coordination, "digests" | "saveDigests" | "acquire">;
  /** The node selection of a dataset, or undefined when the service does not collect it. */
  readonly nodes: (dataset: DatasetName) => NodeSelection | undefined;
  readonly settings: CorrectionSettings;
  readonly signal?: AbortSignal;
  readonly log?: Log;
}

/** What one correction run did. */
export interface CorrectionSummary {
  /** `done`, `locked` (another instance runs it) or `partial` (some request failed; retried next run). */
  readonly outcome: "done" | "locked" | "partial";
  /** Corrected intervals listed for the trade dates read. */
  readonly listed: number;
  /** Market days fetched again, `dataset@YYYY-MM-DD`. */
  readonly refetched: readonly string[];
  /** Envelopes committed to the outbox (changed intervals only). */
  readonly published: number;
  /** Intervals whose value changed. */
  readonly revised: number;
  /** Listed `MARKET@trade date`s of markets not mapped to a dataset, so not fetched (e.g. `HASP@2026-06-25`). */
  readonly unmapped: readonly string[];
  /** Requests that failed. */
  readonly failures: readonly { readonly url: string; readonly message: string }[];
}

const HANDLED_SCOPE = "price_corrections|handled";

/** The trade dates to read at `now`: yesterday and the `days - 1` before it, newest first. */
export function correctionDates(now: Date, days: number): string[] {
  const out: string[] = [];
  let date = operatingDate(now);
  for (let i = 0; i < days; i++) out.push(date = previousDate(date));
  return out;
}

/** Groups corrections by the dataset and trade date to fetch again, with a digest of what was listed. */
function affected(list: readonly PriceCorrection[], nodes: CorrectionDeps["nodes"]) {
  const groups = new Map<string, { dataset: DatasetName; tradeDate: string; lines: string[] }>();
  for (const c of list) {
    const dataset = CORRECTED_DATASET[c.market];
    if (dataset === undefined || nodes(dataset) === undefined) continue;
    const id = `${dataset}@${c.tradeDate}`;
    let g = groups.get(id);
    if (!g) groups.set(id, g = { dataset, tradeDate: c.tradeDate, lines: [] });
    g.lines.push(`${c.hourEnding}|${c.interval}|${c.generated}|${c.reason}`);
  }
  return [...groups].map(([id, g]) => ({
    id,
    ...g,
    digest: createHash("sha256").update(g.lines.sort().join("\n")).digest("hex").slice(0, 16),
  }));
}

/** `MARKET@trade date` of the listed corrections whose market maps to no dataset, sorted. */
export function unmappedMarkets(list: readonly PriceCorrection[]): string[] {
  const out = list.filter((c) => !Object.hasOwn(CORRECTED_DATASET, c.market)).map((c) =>
    `${c.market}@${c.tradeDate}`
  );
  return [...new Set(out)].sort();
}

/** Runs the price-correction job at `now`. Throws only when `deps.signal` aborts it. */
export async function runPriceCorrections(deps: CorrectionDeps, now: Date): Promise<CorrectionSummary> {
  const log = deps.log ?? silentLog;
  const failures: { url: string; message: string }[] = [];
  const summary = {
    listed: 0,
    refetched: [] as string[],
    published: 0,
    revised: 0,
    unmapped: [] as string[],
    failures,
  };
  // Nothing to read when off, or when no LMP dataset a correction could change is collected.
  const collected = Object.values(CORRECTED_DATASET).some((d) => deps.nodes(d) !== undefined);
  if (deps.settings.days <= 0 || !collected) return { outcome: "done", ...summary };
  const lease = await deps.coordination.acquire(
    `price_corrections:${operatingDate(now)}`,
    deps.settings.lockTtlMs,
  );
  if (lease === null) return { outcome: "locked", ...summary };
  try {
    const listed: PriceCorrection[] = [];
    for (const date of correctionDates(now, deps.settings.days)) {
      deps.signal?.throwIfAborted();
      try {
        const fetched = await deps.client.fetchCorrections(date, deps.signal);
        if (fetched.result.kind === "corrections") listed.push(...fetched.result.corrections);
      } catch (error) {
        if (deps.signal?.aborted) throw error;
        failures.push(requestFailure(error));
        log("warn", "price correction list failed", { date, ...failures.at(-1)! });
      }
    }
    summary.listed = listed.length;
    summary.unmapped = unmappedMarkets(listed);
    if (summary.unmapped.length > 0) {
      log("warn", "price corrections of markets not re-fetched", { unmapped: summary.unmapped });
    }
    const groups = affected(listed, deps.nodes);
    const ids = groups.map((g) =>
      Date.parse(`${g.tradeDate}T00:00:00Z`) + Object.keys(DATASETS).indexOf(g.dataset)
    );
    const handled = await deps.coordination.digests(HANDLED_SCOPE, ids);
    const done = new Map<number, string>();
    for (const [i, g] of groups.entries()) {
      if (handled.get(ids[i]!) === g.digest) continue;
      if (await refetchDay(g.dataset, g.tradeDate, deps, now, summary)) done.set(ids[i]!, g.digest);
      summary.refetched.push(g.id);
    }
    if (done.size > 0) await deps.coordination.saveDigests(HANDLED_SCOPE, done, deps.settings.digestTtlMs);
    const outcome = failures.length === 0 ? "done" : "partial";
    log("info", "price corrections", { outcome, ...summary, failures: failures.length });
    return { outcome, ...summary };
  } finally {
    await lease.release().catch(() => {});
  }
}

/** Fetches one market day again and delivers it as corrections; true when every window arrived. */
async function refetchDay(
  dataset: DatasetName,
  tradeDate: string,
  deps: CorrectionDeps,
  now: Date,
  summary: { published: number; revised: number; failures: { url: string; message: string }[] },
): Promise<boolean> {
  const failed = await fetchWindows(
    planWindows(DATASETS[dataset], operatingDay(tradeDate), deps.nodes(dataset)!),
    {
      client: deps.client,
      signal: deps.signal,
      delivery: {
        deps,
        options: { now, digestTtlMs: deps.settings.digestTtlMs, revisionReason: "price_correction" },
      },
      onAnswer: ({ delivered }) => {
        summary.published += delivered!.published;
        summary.revised += delivered!.revised;
      },
      onFailure: ({ window: _, ...failure }) => {
        summary.failures.push(failure);
        (deps.log ?? silentLog)("warn", "price correction re-fetch failed", { dataset, tradeDate });
      },
    },
  );
  return failed.length === 0;
}
