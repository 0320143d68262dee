/**
 * What ingestion sees happen: OASIS request attempts and their duration, rows parsed, intervals missing or
 * arriving late, CSV header drift and price-correction runs. Every label is a closed set (outcomes, dataset
 * names, drift kinds).
 *
 * @module
 */
import { Counter, Gauge, Histogram, type Registry } from "./_prom.ts";
import type { DriftKind } from "../jobs/schema_drift.ts";
import type { OasisRequestEvent } from "../oasis/client.ts";
import type { DatasetName } from "../oasis/datasets.ts";

/** The ingestion metrics, registered on `registers` in the order the scrape lists them. */
export class OasisMetrics {
  readonly #requests: Counter<"outcome">;
  readonly #duration: Histogram<"outcome">;
  readonly #rows: Counter<"dataset">;
  readonly #arrival: Histogram<"dataset">;
  readonly #missing: Gauge<"dataset">;
  readonly #schemaDrift: Counter<"dataset" | "kind">;
  readonly #corrections: Counter<"outcome">;
  readonly #correctionRevisions: Counter;

  /** Registers the ingestion metrics. */
  constructor(registers: Registry[]) {
    this.#requests = new Counter({
      name: "oasis_requests_total",
      help: "OASIS request attempts by outcome",
      labelNames: ["outcome"],
      registers,
    });
    this.#duration = new Histogram({
      name: "oasis_request_duration_seconds",
      help: "OASIS request attempt duration, after the rate gate",
      labelNames: ["outcome"],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.#rows = new Counter({
      name: "ingest_rows_total",
      help: "Rows parsed from OASIS answers, by dataset",
      labelNames: ["dataset"],
      registers,
    });
    this.#arrival = new Histogram({
      name: "oasis_publication_latency_seconds",
      help: "Seconds from a real-time interval's end until a poll first had it (OASIS publication delay " +
        "plus polling delay), by dataset",
      labelNames: ["dataset"],
      buckets: [5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 1800],
      registers,
    });
    this.#missing = new Gauge({
      name: "ingest_missing_intervals",
      help: "Node-intervals (ended, within the last poll's range) that OASIS answers lacked, by dataset; " +
        "the watermark waits before the first",
      labelNames: ["dataset"],
      registers,
    });
    this.#schemaDrift = new Counter({
      name: "oasis_schema_drift_total",
      help: "OASIS CSV headers found changed (a new difference from the expected columns), by dataset and " +
        "kind: added, dropped or renamed columns",
      labelNames: ["dataset", "kind"],
      registers,
    });
    this.#corrections = new Counter({
      name: "price_correction_runs_total",
      help: "Runs of the daily price-correction job (PRC_CORR_GRP), by outcome: done, partial or locked",
      labelNames: ["outcome"],
      registers,
    });
    this.#correctionRevisions = new Counter({
      name: "price_correction_revisions_total",
      help: "Intervals whose value a CAISO price correction changed, published again as revisions",
      registers,
    });
  }

  /** Counts one OASIS request attempt, and its duration when it reached OASIS. */
  request(event: OasisRequestEvent): void {
    this.#requests.inc({ outcome: event.outcome });
    if (event.durationMs > 0) {
      this.#duration.observe({ outcome: event.outcome }, event.durationMs / 1000);
    }
  }

  /** Counts rows parsed for `dataset`. */
  rowsIngested(dataset: DatasetName, rows: number): void {
    this.#rows.inc({ dataset }, rows);
  }

  /** Sets the node-intervals the last poll of `dataset` found missing. */
  missingIntervals(dataset: DatasetName, count: number): void {
    this.#missing.set({ dataset }, count);
  }

  /** Records how long after its end the newest interval of `dataset` first reached this service. */
  intervalArrived(dataset: DatasetName, lateMs: number): void {
    this.#arrival.observe({ dataset }, lateMs / 1000);
  }

  /** Counts one new header difference of `dataset` showing columns of `kind`. */
  schemaDrift(dataset: DatasetName, kind: DriftKind): void {
    this.#schemaDrift.inc({ dataset, kind });
  }

  /** Counts one run of the price-correction job and the intervals it revised. */
  priceCorrectionRun(outcome: "done" | "partial" | "locked", revised: number): void {
    this.#corrections.inc({ outcome });
    this.#correctionRevisions.inc(revised);
  }
}
