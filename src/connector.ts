/**
 * The connector as a library: `CaisoOasisConnector` wraps the service's own pieces (the OASIS request
 * stack, the Bronze publisher and outbox, the hot store and the job coordination) behind the calls users
 * of the original connector know: `extract`, `transform`, `getOutputTopic`, `runBatch` and `runRealtime`.
 * It opens its parts with `openService` on first use, like the service and the backfill CLI, and runs
 * `poll()` and `priceCorrections()` through the same job functions as the service's cron table.
 *
 * @module
 */
import type { Config } from "./config.ts";
import { BronzePublisher } from "./bronze/publisher.ts";
import {
  type BatchRequest,
  type BatchSummary,
  planBatch,
  type RealtimeOptions,
} from "./connector/batch_request.ts";
import { type BronzeRecord, recordOf } from "./connector/bronze_record.ts";
import { extractWindows } from "./connector/extract.ts";
import { checkDataset, type ExtractRequest, type ExtractResult } from "./connector/extract_request.ts";
import { runBackfill } from "./jobs/backfill.ts";
import { digestRetentionMs } from "./jobs/digest_retention.ts";
import { deliverAnswers } from "./jobs/fetch_windows.ts";
import { ackBaseline, awaitAcknowledged, BronzeHeldError } from "./jobs/bronze_ack.ts";
import type { PollSummary } from "./jobs/poll.ts";
import type { CorrectionSummary } from "./jobs/price_corrections.ts";
import { correctPricesOnce, pollOnce } from "./jobs/service_runs.ts";
import { type Log, silentLog } from "./log.ts";
import type { DatasetName } from "./oasis/datasets.ts";
import type { OasisClient } from "./oasis/client.ts";
import { openService, type Service } from "./service.ts";

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
}

type FetchArgs = Parameters<OasisClient["fetchWindow"]>;

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
  /** Opened on the first call that needs it; a failed open is not kept (the next call tries again). */
  #service: Promise<Service> | null = null;
  #closed = false;

  /** A connector for `config` (from `loadConfig`); nothing is opened until a call needs it. */
  constructor(config: Config, options: ConnectorOptions = {}) {
    this.config = config;
    this.#options = options;
    this.#log = options.log ?? silentLog;
    this.#now = options.now ?? (() => new Date());
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
    // The service is opened at the first request, after the arguments are checked.
    const client = {
      fetchWindow: async (...a: FetchArgs) => (await this.#opened()).oasis.client.fetchWindow(...a),
    };
    return await extractWindows(client, request, this.config.nodes, this.#log);
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
    const service = await this.#opened();
    const bronze = service.bronze;
    const published = await deliverAnswers(result.answers, {
      deps: service.deliver,
      options: { now: this.#now(), digestTtlMs: digestRetentionMs(this.config.jobs) },
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
    const plan = planBatch(request, this.config, this.#now());
    const service = await this.#opened();
    const baseline = ackBaseline(service.bronze);
    const summary = await runBackfill(plan, {
      ...service.deliver,
      client: service.oasis.client,
      coordination: service.coordination,
      signal: request.signal,
      onProgress: request.onProgress,
      now: this.#now,
      rerequests: this.config.jobs.backfillRerequests,
      digestTtlMs: digestRetentionMs(this.config.jobs),
    });
    const timeoutMs = this.config.jobs.backfillDrainTimeoutMs;
    const bronze = await awaitAcknowledged(service.bronze, baseline, timeoutMs);
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
    return await pollOnce(await this.#opened(), dataset, now, signal);
  }

  /** One run of the price-correction job at `now` over the configured LMP datasets. */
  async priceCorrections(now: Date, signal?: AbortSignal): Promise<CorrectionSummary> {
    return await correctPricesOnce(await this.#opened(), now, signal);
  }

  /**
   * Drains the outbox (within `BRONZE_SHUTDOWN_TIMEOUT_MS`) and closes what the connector opened itself;
   * returns the rows left in the outbox (sent on the next start).
   */
  async close(): Promise<number> {
    if (this.#closed) return 0;
    this.#closed = true;
    const service = await this.#service?.catch(() => null);
    return (await service?.close()) ?? 0;
  }

  #open(): void {
    if (this.#closed) throw new Error("The connector is closed");
  }

  /** The service's parts, opened on first use; requests are spaced with every process on the same backends. */
  #opened(): Promise<Service> {
    this.#open();
    this.#service ??= openService(this.config, {
      log: this.#log,
      fetch: this.#options.fetch,
      outboxPath: this.#options.outboxPath,
      now: this.#now,
    }).then((service) => {
      // Say where the connector writes: relative paths (DATA_DIR, ./data by default) are from the cwd.
      this.#log("info", "connector opened", { cwd: Deno.cwd(), ...service.names });
      return service;
    }, (e) => {
      this.#service = null;
      throw e;
    });
    return this.#service;
  }
}
