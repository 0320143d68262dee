/**
 * What the library connector's `extract()` does once its arguments are checked: the windows fetched
 * through the shared loop (`fetch_windows.ts`), without delivering, gathered into an `ExtractResult`.
 *
 * @module
 */
import { fetchWindows } from "../jobs/fetch_windows.ts";
import type { Log } from "../log.ts";
import type { OasisClient } from "../oasis/client.ts";
import type { OasisRow, RowProblem } from "../oasis/row.ts";
import type { NodeSelection } from "../oasis/windows.ts";
import {
  type ExtractedAnswer,
  type ExtractRequest,
  type ExtractResult,
  planExtract,
} from "./extract_request.ts";

/**
 * Fetches what `request` asks for (nodes default to `nodes`) through `client`; a window that fails after
 * retries is logged and listed in `failures`. Throws only for bad arguments or an abort.
 */
export async function extractWindows(
  client: Pick<OasisClient, "fetchWindow">,
  request: ExtractRequest,
  nodes: NodeSelection,
  log: Log,
): Promise<ExtractResult> {
  const { dataType, range, windows } = planExtract(request, nodes);
  const answers: ExtractedAnswer[] = [];
  const rows: OasisRow[] = [];
  const problems: RowProblem[] = [];
  const failures = await fetchWindows(windows, {
    client,
    signal: request.signal,
    onAnswer: ({ window, fetch }) => {
      answers.push({ window, fetch });
      if (fetch.result.kind === "rows") {
        rows.push(...fetch.result.rows);
        problems.push(...fetch.result.problems);
      }
    },
    onFailure: ({ window: _, ...failure }) => {
      log("warn", "extract: window failed", { dataset: dataType, ...failure });
    },
  });
  return {
    dataType,
    start: range.start.toISOString(),
    end: range.end.toISOString(),
    requests: windows.length,
    rows,
    problems,
    answers,
    failures,
  };
}
