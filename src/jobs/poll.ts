/**
 * One poll of one dataset: plan the requests for a window, fetch each through the shared client and hand
 * the parsed answer to a sink. A plain async function of its dependencies and `now`, so tests call it
 * directly instead of waiting for a cron tick.
 *
 * @module
 */
import type { FetchResult, OasisClient } from "../oasis/client.ts";
import { type DatasetName, DATASETS } from "../oasis/datasets.ts";
import { type NodeSelection, planWindows, type RequestWindow } from "../oasis/windows.ts";
import { recentWindow } from "./recent_window.ts";

/** Where parsed answers go (Bronze and the hot store in later issues; a log line by default). */
export interface PollSink {
  /** Receives one parsed answer. */
  accept(dataset: DatasetName, window: RequestWindow, fetched: FetchResult): Promise<void>;
}

/** Dependencies of a poll. */
export interface PollDeps {
  readonly client: Pick<OasisClient, "fetchWindow">;
  readonly sink: PollSink;
  readonly nodes: NodeSelection;
  readonly signal?: AbortSignal;
}

/** What one poll did. */
export interface PollSummary {
  readonly dataset: DatasetName;
  readonly requests: number;
  readonly rows: number;
  readonly problems: number;
  readonly noData: number;
  readonly failures: Array<{ url: string; message: string }>;
}

/** Polls `dataset` for the window `range` (default: the recent window at `now`). */
export async function pollDataset(
  dataset: DatasetName,
  deps: PollDeps,
  now: Date,
  range = recentWindow(DATASETS[dataset], now),
): Promise<PollSummary> {
  const windows = planWindows(DATASETS[dataset], range, deps.nodes);
  let rows = 0, problems = 0, noData = 0;
  const failures: Array<{ url: string; message: string }> = [];
  for (const window of windows) {
    deps.signal?.throwIfAborted();
    try {
      const fetched = await deps.client.fetchWindow(window, deps.signal);
      if (fetched.result.kind === "rows") {
        rows += fetched.result.rows.length;
        problems += fetched.result.problems.length;
      } else noData++;
      await deps.sink.accept(dataset, window, fetched);
    } catch (error) {
      if (deps.signal?.aborted) throw error;
      const e = error as Error & { url?: string };
      failures.push({ url: e.url ?? "", message: e.message });
    }
  }
  return { dataset, requests: windows.length, rows, problems, noData, failures };
}
