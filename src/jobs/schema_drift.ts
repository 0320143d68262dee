/**
 * Schema drift: OASIS changes report columns with little or no notice. The parser compares every CSV
 * header with the report's expected one (`oasis/report_columns.ts`); this tracker remembers, per dataset
 * and report, the last difference seen, so that a new difference is logged once (with the columns added,
 * dropped and renamed, and those whose loss leaves rows unreadable) and counted once per kind, and
 * `/health` shows the datasets whose last answer drifted until an answer with the expected header comes.
 *
 * @module
 */
import type { Log } from "../log.ts";
import type { DatasetName } from "../oasis/datasets.ts";
import { hasDifference, type HeaderCheck, type SchemaDrift } from "../oasis/report_columns.ts";

export type { SchemaDrift } from "../oasis/report_columns.ts";

/** How a header differs: the `kind` label of `oasis_schema_drift_total`. */
export type DriftKind = "added" | "dropped" | "renamed";

/** The drift kinds, a closed set. */
export const DRIFT_KINDS: readonly DriftKind[] = ["added", "dropped", "renamed"];

/** Most column names listed per kind in logs and `/health`, each cut to 64 characters (a header is OASIS's). */
const MAX_LISTED = 20;

/** Options of `SchemaDriftTracker`. */
export interface SchemaDriftOptions {
  /** Where a new difference is logged (default: nowhere). */
  readonly log?: Log;
  /** Called once per new difference and kind it shows (the metric). */
  readonly count?: (dataset: DatasetName, kind: DriftKind) => void;
  /** Clock for `since` (default `new Date()`). */
  readonly now?: () => Date;
}

const name = (text: string): string => (text.length > 64 ? `${text.slice(0, 64)}…` : text);
const listed = (names: readonly string[]): string[] => names.slice(0, MAX_LISTED).map(name);

/** Remembers the last header difference of each dataset and report. */
export class SchemaDriftTracker {
  readonly #options: SchemaDriftOptions;
  /** Key `dataset|report` → signature of the last difference ("" for none) and the drift shown. */
  readonly #last = new Map<string, { signature: string; drift?: SchemaDrift }>();

  /** A tracker with no difference seen yet. */
  constructor(options: SchemaDriftOptions = {}) {
    this.#options = options;
  }

  /** Takes the header checks of one answer of `dataset`. */
  observe(dataset: DatasetName, checks: readonly HeaderCheck[] | undefined): void {
    for (const check of checks ?? []) this.#observe(dataset, check);
  }

  /** The reports whose last answer had a header other than the expected one. */
  get drifted(): SchemaDrift[] {
    return [...this.#last.values()].flatMap((e) => (e.drift ? [e.drift] : []));
  }

  #observe(dataset: DatasetName, check: HeaderCheck): void {
    const key = `${dataset}|${check.report}`;
    const drifted = hasDifference(check) || check.missing.length > 0;
    const signature = drifted
      ? JSON.stringify([check.added, check.dropped, check.renamed, check.missing]).slice(0, 4096)
      : "";
    const last = this.#last.get(key);
    if ((last?.signature ?? "") === signature) return;
    const log = this.#options.log;
    if (!drifted) {
      this.#last.delete(key);
      log?.("info", "OASIS report columns are as expected again", { dataset, report: check.report });
      return;
    }
    const drift: SchemaDrift = {
      dataset,
      report: check.report,
      since: (this.#options.now?.() ?? new Date()).toISOString(),
      added: listed(check.added),
      dropped: listed(check.dropped),
      renamed: check.renamed.slice(0, MAX_LISTED).map((r) => ({ from: r.from, to: name(r.to) })),
      unreadable: listed(check.missing),
    };
    this.#last.set(key, { signature, drift });
    log?.("warn", "OASIS report columns changed", {
      ...drift,
      file: check.file,
      action: drift.unreadable.length > 0
        ? "rows go to the dead-letter topic until the parser knows the new columns"
        : "rows are still read by column name",
    });
    for (const kind of DRIFT_KINDS) {
      if (check[kind].length > 0) this.#options.count?.(dataset, kind);
    }
  }
}
