/**
 * The connector as a library: `CaisoOasisConnector` wraps the service's own pieces (the OASIS request
 * stack, the Bronze publisher and outbox, the hot store and the job coordination) behind the calls users
 * of the original connector know: `extract`, `transform`, `getOutputTopic`, `runBatch` and `runRealtime`.
 * The service (`main.ts`) runs its scheduled polls through `poll()`, so there is one code path.
 *
 * @module
 */
import type { Config } from "./config.ts";
import type { BronzeMessage } from "./bronze/sink.ts";
import { BronzePublisher } from "./bronze/publisher.ts";
import { type Backends, openBackends } from "./jobs/backends.ts";
import {
  type BackfillPlan,
  type BackfillProgress,
  type BackfillSummary,
  planBackfill,
  runBackfill,
} from "./jobs/backfill.ts";
import { digestRetentionMs } from "./jobs/digest_retention.ts";
import { nodeSelection } from "./jobs/node_selection.ts";
import { fetchWindows, replayClient } from "./jobs/fetch_windows.ts";
import { ackBaseline, awaitAcknowledged, type BronzeAck, BronzeHeldError } from "./jobs/bronze_ack.ts";
import { pollDataset, pollSettings, type PollSummary } from "./jobs/poll.ts";
import { correctionSettings, type CorrectionSummary, runPriceCorrections } from "./jobs/price_corrections.ts";
import { SchemaDriftTracker } from "./jobs/schema_drift.ts";
import { type Log, silentLog } from "./log.ts";
import type { FetchResult } from "./oasis/client.ts";
import { DATASET_NAMES, type DatasetName, DATASETS, isDatasetName } from "./oasis/datasets.ts";
import type { OasisRow, RowProblem } from "./oasis/row.ts";
import { nextDate, operatingDate, pacificMidnight, parseDate } from "./oasis/time.ts";
import { type NodeSelection, planWindows, type RequestWindow } from "./oasis/windows.ts";
import { createOasisStack, type OasisStack } from "./oasis_stack.ts";

/** What to fetch with `extract()`. */
export interface ExtractRequest {
  /** Dataset, e.g. `lmp_dam`. */
  readonly dataType: DatasetName;
  /** Start: an ISO-8601 instant with `Z` or an offset, a `Date`, or `YYYY-MM-DD` (Pacific midnight). */
  readonly start: string | Date;
  /** End (exclusive), in the same forms as `start`. */
  readonly end: string | Date;
  /** One pricing node; LMP datasets only (default: the configured nodes). */
  readonly node?: string;
  /** Several pricing nodes, or `ALL` / `ALL_APNODES`; LMP datasets only. */
  readonly nodes?: readonly string[] | "ALL" | "ALL_APNODES";
  /** Aborts the remaining requests. */
  readonly signal?: AbortSignal;
}

/** One answered request of an extraction. */
export interface ExtractedAnswer {
  /** The request window. */
  readonly window: RequestWindow;
  /** The parsed answer with its provenance. */
  readonly fetch: FetchResult;
}

/** A request of an extraction that failed after the client's retries. */
export interface ExtractFailure {
  /** The request window. */
  readonly window: RequestWindow;
  /** Requested URL, when known. */
  readonly url: string;
  /** Why it failed. */
  readonly message: string;
  /** OASIS error code, when OASIS answered with an error document. */
  readonly code?: number;
}

/** What `extract()` fetched: the parsed rows, each answer with its provenance, and any failed request. */
export interface ExtractResult {
  /** The dataset. */
  readonly dataType: DatasetName;
  /** Start actually asked of OASIS (the request's start, floored to the dataset's interval grid), UTC. */
  readonly start: string;
  /** End actually asked of OASIS (ceiled to the grid), UTC. */
  readonly end: string;
  /** Requests sent (windows planned within OASIS's limits). */
  readonly requests: number;
  /** Every normalized row, in answer order. */
  readonly rows: readonly OasisRow[];
  /** Source rows that could not be normalized (they become dead letters in `transform`). */
  readonly problems: readonly RowProblem[];
  /** The answers, for `transform` and `load`. */
  readonly answers: readonly ExtractedAnswer[];
  /** Requests that failed after retries; empty when every window arrived. */
  readonly failures: readonly ExtractFailure[];
}

/** One Bronze record as `transform()` gives it: what would be committed to the outbox, parsed. */
export interface BronzeRecord {
  /** Destination topic: the dataset's Bronze topic, or its `.dlq` topic for a dead letter. */
  readonly topic: string;
  /** Deterministic key of the fact (or of the dead letter). */
  readonly key: string;
  /** Message headers (content type, schema name and version, dataset). */
  readonly headers: Readonly<Record<string, string>>;
  /** True for a dead letter (a row that failed normalization or validation, with its reason). */
  readonly deadLetter: boolean;
  /** The validated envelope, or the dead-letter record. */
  readonly value: Readonly<Record<string, unknown>>;
}

/** What `runBatch()` loads. */
export interface BatchRequest {
  /** First Pacific operating day, `YYYY-MM-DD`. */
  readonly startDate: string;
  /** Last operating day, inclusive. */
  readonly endDate: string;
  /** Datasets (default: the configured ones). */
  readonly dataTypes?: readonly DatasetName[];
  /** Nodes (default: the configured ones). */
  readonly nodes?: readonly string[] | "ALL" | "ALL_APNODES";
  /** Called after each window. */
  readonly onProgress?: (progress: BackfillProgress) => void;
  /** Aborts the run; the same call later continues from its checkpoint. */
  readonly signal?: AbortSignal;
}

/** What `runBatch()` did: the backfill summary, the plan it ran and what the sink acknowledged. */
export interface BatchSummary extends BackfillSummary {
  /** The requests planned. */
  readonly plan: BackfillPlan;
  /** Rows committed to the outbox and rows acknowledged by the sink; `held > 0`: not all in Bronze yet. */
  readonly bronze: BronzeAck;
}

/** Options of `runRealtime()`. */
export interface RealtimeOptions {
  /** The time the pass runs at (default: now). */
  readonly now?: Date;
  /** Datasets (default: the configured ones). */
  readonly dataTypes?: readonly DatasetName[];
  /** Aborts the pass. */
  readonly signal?: AbortSignal;
}

/** Options of `CaisoOasisConnector`. */
export interface ConnectorOptions {
  /** Bronze outbox file when the connector opens its backends (default: the service's `BRONZE_OUTBOX_PATH`). */
  readonly outboxPath?: string;
  /** Structured log (default: silent). */
  readonly log?: Log;
  /** `fetch` for OASIS requests when the connector creates its stack (tests inject one). */
  readonly fetch?: typeof fetch;
  /** Clock (default: `new Date()`). */
  readonly now?: () => Date;
  /** Where changed report columns are logged and counted (default: one of its own, on `log`). */
  readonly schemaDrift?: SchemaDriftTracker;
}

const ZONED = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** `value` as an instant; a date alone is the Pacific midnight that starts that operating day. */
export function toInstant(value: string | Date, name: string): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RangeError(`Invalid ${name}: the Date is invalid`);
    return value;
  }
  if (typeof value !== "string") {
    throw new TypeError(`Invalid ${name}: expected an ISO-8601 string or a Date`);
  }
  const text = value.trim();
  if (DATE_ONLY.test(text)) {
    parseDate(text);
    return pacificMidnight(text);
  }
  if (!text.includes("T") || !ZONED.test(text)) {
    throw new RangeError(
      `Invalid ${name} "${value}": give an ISO-8601 instant with Z or an offset (2024-01-01T00:00:00Z, ` +
        `2024-01-01T00:00:00-08:00) or a date YYYY-MM-DD`,
    );
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new RangeError(`Invalid ${name} "${value}": not an ISO-8601 instant`);
  return new Date(ms);
}

/** `[start, end)` widened to whole intervals of `dataset` (Pacific operating days for daily data). */
export function alignToIntervals(dataset: DatasetName, start: Date, end: Date): { start: Date; end: Date } {
  const minutes = DATASETS[dataset].intervalMinutes;
  if (minutes >= 1440) {
    const first = pacificMidnight(operatingDate(start));
    const lastDay = operatingDate(new Date(end.getTime() - 1));
    return { start: first, end: pacificMidnight(nextDate(lastDay)) };
  }
  const step = minutes * 60_000;
  return {
    start: new Date(Math.floor(start.getTime() / step) * step),
    end: new Date(Math.ceil(end.getTime() / step) * step),
  };
}

function selection(
  request: { node?: string; nodes?: readonly string[] | "ALL" | "ALL_APNODES" },
  fallback: NodeSelection,
): NodeSelection {
  if (request.node !== undefined && request.nodes !== undefined) {
    throw new TypeError("Give node or nodes, not both");
  }
  const nodes = request.node !== undefined ? [request.node] : request.nodes;
  return nodes === undefined ? fallback : nodeSelection(nodes);
}

function checkDataset(name: string): DatasetName {
  if (!isDatasetName(name)) {
    throw new RangeError(`Unknown dataType "${name}" (known: ${DATASET_NAMES.join(", ")})`);
  }
  return name;
}

let share: (connector: CaisoOasisConnector, oasis: OasisStack, backends: Backends) => void;

/**
 * A connector on the service's own OASIS stack and backends (`main.ts`), which the service keeps and
 * closes in its shutdown order. Not part of `mod.ts`: library users let the connector open its own.
 */
export function serviceConnector(
  config: Config,
  shared: {
    readonly oasis: OasisStack;
    readonly backends: Backends;
    readonly log: Log;
    readonly schemaDrift?: SchemaDriftTracker;
  },
): CaisoOasisConnector {
  const connector = new CaisoOasisConnector(config, { log: shared.log, schemaDrift: shared.schemaDrift });
  share(connector, shared.oasis, shared.backends);
  return connector;
}

const NO_OUTBOX = {
  append: () => Promise.reject(new Error("transform() builds messages only; it never commits them")),
};

/** The CAISO OASIS connector: fetch, shape and deliver OASIS data from your own Deno program. */
export class CaisoOasisConnector {
  /** The configuration the connector was built with. */
  readonly config: Config;
  readonly #options: ConnectorOptions;
  readonly #log: Log;
  readonly #now: () => Date;
  readonly #shaper: BronzePublisher;
  readonly #schemaDrift: SchemaDriftTracker;
  #oasis: OasisStack | null = null;
  #backends: Promise<Backends> | null = null;
  /** Whether the stack and backends belong to the caller (the service), which closes them. */
  #shared = false;
  #closed = false;

  static {
    share = (connector, oasis, backends) => {
      connector.#oasis = oasis;
      connector.#backends = Promise.resolve(backends);
      connector.#shared = true;
    };
  }

  /** A connector for `config` (from `loadConfig`); nothing is opened until a call needs it. */
  constructor(config: Config, options: ConnectorOptions = {}) {
    this.config = config;
    this.#options = options;
    this.#log = options.log ?? silentLog;
    this.#now = options.now ?? (() => new Date());
    this.#schemaDrift = options.schemaDrift ?? new SchemaDriftTracker({ log: this.#log, now: this.#now });
    this.#shaper = new BronzePublisher({ outbox: NO_OUTBOX, topics: config.bronze.topics, now: this.#now });
  }

  /** The Bronze topic of `dataType`, e.g. `ingestion.market.caiso.lmp.dam.raw.v1`. */
  getOutputTopic(dataType: DatasetName): string {
    return this.config.bronze.topics[checkDataset(dataType)];
  }

  /**
   * Fetches `dataType` over `[start, end)` (widened to whole intervals) through the shared request gate,
   * retries and circuit breaker, in the fewest requests OASIS's limits allow. A request that still fails
   * is listed in `failures`; the others' rows are kept. Throws only for bad arguments or an abort.
   */
  async extract(request: ExtractRequest): Promise<ExtractResult> {
    this.#open();
    const dataType = checkDataset(request.dataType);
    const from = toInstant(request.start, "start");
    const to = toInstant(request.end, "end");
    if (to <= from) {
      throw new RangeError(`Invalid range: end ${to.toISOString()} is not after start ${from.toISOString()}`);
    }
    const range = alignToIntervals(dataType, from, to);
    const windows = planWindows(DATASETS[dataType], range, selection(request, this.config.nodes));
    const answers: ExtractedAnswer[] = [];
    const rows: OasisRow[] = [];
    const problems: RowProblem[] = [];
    const failures = await fetchWindows(windows, {
      client: this.#stack().client,
      signal: request.signal,
      onAnswer: ({ window, fetch }) => {
        answers.push({ window, fetch });
        if (fetch.result.kind === "rows") {
          rows.push(...fetch.result.rows);
          problems.push(...fetch.result.problems);
        }
      },
      onFailure: ({ window: _, ...failure }) => {
        this.#log("warn", "extract: window failed", { dataset: dataType, ...failure });
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

  /**
   * The Bronze records of `result`, exactly as the service publishes them: one validated envelope per row
   * (keyed by its fact), and a dead letter with its reason for each row that fails. Commits nothing.
   */
  transform(result: ExtractResult): Promise<BronzeRecord[]> {
    const records: BronzeRecord[] = [];
    for (const answer of result.answers) {
      const { messages } = this.#shaper.messages(answer.fetch, result.dataType);
      for (const m of messages) records.push(recordOf(m, this.getOutputTopic(result.dataType)));
    }
    return Promise.resolve(records);
  }

  /**
   * Delivers `result` like a scheduled poll: rows of new or changed intervals to the Bronze outbox (an
   * unchanged interval is not sent twice), prices to the hot store, then waits for the sink to acknowledge
   * them. Returns the rows committed; throws `BronzeHeldError` when the sink did not acknowledge them all
   * within `BACKFILL_DRAIN_TIMEOUT_S` (they stay in the outbox and are sent later).
   */
  async load(result: ExtractResult): Promise<number> {
    const b = await this.#openBackends();
    const bronze = b.backends.bronze;
    let published = 0;
    await fetchWindows(result.answers.map((a) => a.window), {
      client: replayClient(result.answers),
      delivery: {
        deps: b.bronzeDeps,
        options: { now: this.#now(), digestTtlMs: digestRetentionMs(this.config.jobs) },
      },
      onAnswer: ({ delivered }) => void (published += delivered!.published),
      onFailure: (_, error) => {
        throw error;
      },
    });
    const timeoutMs = this.config.jobs.backfillDrainTimeoutMs;
    const held = await bronze.drain(timeoutMs);
    if (held > 0) throw new BronzeHeldError(held, bronze.sink.kind, timeoutMs);
    return published;
  }

  /**
   * Loads Pacific operating days `startDate..endDate` (inclusive) into Bronze and the store, like
   * `deno task backfill`: resumable from its checkpoint, days beyond OASIS's retention cut off.
   */
  async runBatch(request: BatchRequest): Promise<BatchSummary> {
    parseDate(request.startDate);
    parseDate(request.endDate);
    if (request.endDate < request.startDate) {
      throw new RangeError(
        `Invalid range: endDate "${request.endDate}" is before startDate "${request.startDate}"`,
      );
    }
    const plan = planBackfill({
      from: request.startDate,
      to: request.endDate,
      datasets: (request.dataTypes ?? this.config.datasets).map(checkDataset),
      nodes: selection({ nodes: request.nodes }, this.config.nodes),
    }, this.#now());
    const b = await this.#openBackends();
    const baseline = ackBaseline(b.backends.bronze);
    const summary = await runBackfill(plan, {
      ...b.bronzeDeps,
      client: this.#stack().client,
      coordination: b.backends.coordination,
      signal: request.signal,
      onProgress: request.onProgress,
      now: this.#now,
      rerequests: this.config.jobs.backfillRerequests,
      digestTtlMs: digestRetentionMs(this.config.jobs),
    });
    const timeoutMs = this.config.jobs.backfillDrainTimeoutMs;
    const bronze = await awaitAcknowledged(b.backends.bronze, baseline, timeoutMs);
    return { ...summary, plan, bronze };
  }

  /** One pass of every configured dataset at the current time, as the scheduled jobs run it. */
  async runRealtime(options: RealtimeOptions = {}): Promise<PollSummary[]> {
    const now = options.now ?? this.#now();
    const out: PollSummary[] = [];
    for (const dataset of (options.dataTypes ?? this.config.datasets).map(checkDataset)) {
      out.push(await this.poll(dataset, now, options.signal));
    }
    return out;
  }

  /** One scheduled run of `dataset` at `now`: from its watermark to the newest interval OASIS can have. */
  async poll(dataset: DatasetName, now: Date, signal?: AbortSignal): Promise<PollSummary> {
    const b = await this.#openBackends();
    return await pollDataset(dataset, {
      ...b.bronzeDeps,
      client: this.#stack().client,
      coordination: b.backends.coordination,
      nodes: this.config.nodes,
      signal,
      log: this.#log,
      settings: pollSettings(this.config.jobs, dataset, now),
    }, now);
  }

  /** One run of the price-correction job at `now` over the configured LMP datasets. */
  async priceCorrections(now: Date, signal?: AbortSignal): Promise<CorrectionSummary> {
    const b = await this.#openBackends();
    const datasets: readonly DatasetName[] = this.config.datasets;
    return await runPriceCorrections({
      ...b.bronzeDeps,
      client: this.#stack().client,
      coordination: b.backends.coordination,
      nodes: (dataset) => datasets.includes(dataset) ? this.config.nodes : undefined,
      settings: correctionSettings(this.config.jobs),
      signal,
      log: this.#log,
    }, now);
  }

  /**
   * Drains the outbox (within `BRONZE_SHUTDOWN_TIMEOUT_MS`) and closes what the connector opened itself;
   * returns the rows left in the outbox (sent on the next start).
   */
  async close(): Promise<number> {
    if (this.#closed) return 0;
    this.#closed = true;
    if (this.#shared) return 0;
    let left = 0;
    const b = await this.#backends?.catch(() => null);
    if (b) {
      left = await b.closeBronze();
      await b.closeStore();
    }
    this.#oasis?.close();
    return left;
  }

  #open(): void {
    if (this.#closed) throw new Error("The connector is closed");
  }

  #stack(): OasisStack {
    this.#open();
    this.#oasis ??= createOasisStack(this.config.oasis, { fetch: this.#options.fetch });
    return this.#oasis;
  }

  async #openBackends() {
    this.#open();
    // A failed open (Redis or Kafka unreachable) is not kept: the next call tries again.
    this.#backends ??= openBackends(this.config, {
      outboxPath: this.#options.outboxPath ?? this.config.bronze.outbox.path,
      log: this.#log,
    }).then((opened) => {
      // Say where the connector writes: relative paths (DATA_DIR, ./data by default) are from the cwd.
      this.#log("info", "connector opened", { cwd: Deno.cwd(), ...opened.names });
      return opened;
    }, (e) => {
      this.#backends = null;
      throw e;
    });
    const backends = await this.#backends;
    // Requests are spaced together with the service and every other process on the same backends.
    if (!this.#shared) this.#stack().share(backends.gateSlots, this.#log);
    return {
      backends,
      bronzeDeps: {
        publisher: backends.bronze.publisher,
        store: backends.store,
        coordination: backends.coordination,
        schema: this.#schemaDrift,
      },
    };
  }
}

function recordOf(m: BronzeMessage, topic: string): BronzeRecord {
  return {
    topic: m.topic,
    key: m.key,
    headers: m.headers,
    deadLetter: m.topic !== topic,
    value: JSON.parse(m.value),
  };
}
