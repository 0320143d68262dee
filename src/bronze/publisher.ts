/**
 * Bronze publishing of one fetched OASIS answer: every row becomes a validated envelope keyed by its fact,
 * every row that cannot (a parser `RowProblem`, a schema failure, an oversized record) becomes a dead
 * letter with its reason and raw columns, and all of them are committed to the outbox (rows in source
 * order, then the parser's row problems). When `publish` resolves the rows are durable, so the caller may
 * move its watermark; the drainer takes them to the sink from there. A bad row never stops its siblings.
 *
 * @module
 */
import type { FetchResult } from "../oasis/client.ts";
import { type DatasetName, DATASETS, type DatasetSpec } from "../oasis/datasets.ts";
import type { OasisRow } from "../oasis/row.ts";
import { AnswerShaper } from "./answer_shaper.ts";
import type { RowRevision } from "./envelope.ts";
import type { BronzeMetrics } from "./metrics.ts";
import type { Outbox } from "./outbox.ts";
import type { BronzeMessage } from "./sink.ts";

/**
 * Rows built per chunk committed by `Outbox.appendChunks`: about 2.5 MB of envelopes. Smaller chunks leave
 * the garbage collector fewer young envelopes to copy (main-thread time of publish + drain on the 162,848-row
 * file, one process, six rounds: 1,280 ms with 5,000 rows, 1,210 ms with 2,000 or 1,000).
 */
const CHUNK_ROWS = 2_000;

/** What one `publish` committed to the outbox. */
export interface PublishCounts {
  /** Source rows seen (normalized rows plus row problems). */
  readonly rows: number;
  /** Envelopes committed for the Bronze topic. */
  readonly accepted: number;
  /** Dead letters committed for the `.dlq` topic. */
  readonly deadLettered: number;
}

/** Options of `BronzePublisher`. */
export interface BronzePublisherOptions {
  /** Where messages are committed (through `appendChunks` when it has it). */
  readonly outbox: Pick<Outbox, "append"> & Partial<Pick<Outbox, "appendChunks">>;
  /** Bronze topic of each dataset (default: the dataset table's). */
  readonly topics?: Readonly<Partial<Record<DatasetName, string>>>;
  readonly metrics?: BronzeMetrics;
  /** Clock for `ingested_at` (default `new Date()`). */
  readonly now?: () => Date;
}

/**
 * The fields of a `FetchResult` that publishing reads, and the revision of each row that republishes a fact
 * (a row not in `revisions` is a first publication, revision 0).
 */
export type PublishInput = Pick<FetchResult, "result" | "url" | "finalUrl" | "fetchedAt"> & {
  readonly revisions?: ReadonlyMap<OasisRow, RowRevision>;
};

/** Turns fetched answers into Bronze messages committed to the outbox. */
export class BronzePublisher {
  readonly #outbox: BronzePublisherOptions["outbox"];
  readonly #topics: Readonly<Partial<Record<DatasetName, string>>>;
  readonly #metrics?: BronzeMetrics;
  readonly #now: () => Date;

  constructor(options: BronzePublisherOptions) {
    this.#outbox = options.outbox;
    this.#topics = options.topics ?? {};
    this.#metrics = options.metrics;
    this.#now = options.now ?? (() => new Date());
  }

  /** Bronze topic of `dataset`. */
  topicOf(dataset: DatasetName): string {
    return this.#topics[dataset] ?? DATASETS[dataset].topic;
  }

  /**
   * Validates every row of `fetch` and commits envelopes and dead letters to the outbox, in source order.
   * Resolves once all are durable; rejects (e.g. `OutboxFullError`) when they are not, and then the
   * caller must not move its watermark.
   */
  async publish(fetch: PublishInput, dataset: DatasetName | DatasetSpec): Promise<PublishCounts> {
    const shaped = this.#shape(fetch, dataset);
    if (shaped.total === 0) return shaped.counts;
    // One call: the outbox checks its bound for the whole answer, so a full outbox takes none of it. With
    // `appendChunks` it commits each chunk as soon as it is built, and the drainer starts on the first.
    if (this.#outbox.appendChunks) await this.#outbox.appendChunks(shaped.total, shaped.chunks);
    else await this.#outbox.append([...shaped.chunks].flat());
    const { counts } = shaped;
    if (this.#metrics) {
      this.#metrics.accepted += counts.accepted;
      this.#metrics.dlq += counts.deadLettered;
    }
    return { ...counts };
  }

  /**
   * The Bronze messages of `fetch` without committing them: validated envelopes for the dataset's topic and
   * dead letters for its `.dlq` topic, in source order (what `publish` commits).
   */
  messages(
    fetch: PublishInput,
    dataset: DatasetName | DatasetSpec,
  ): { messages: BronzeMessage[]; counts: PublishCounts } {
    const shaped = this.#shape(fetch, dataset);
    const messages = [...shaped.chunks].flat();
    return { messages, counts: { ...shaped.counts } };
  }

  /** The messages of `fetch` in chunks of `CHUNK_ROWS`, built as they are taken (`counts` fills then). */
  #shape(fetch: PublishInput, dataset: DatasetName | DatasetSpec): {
    total: number;
    chunks: Iterable<BronzeMessage[]>;
    counts: { rows: number; accepted: number; deadLettered: number };
  } {
    const spec = typeof dataset === "string" ? DATASETS[dataset] : dataset;
    const counts = { rows: 0, accepted: 0, deadLettered: 0 };
    if (fetch.result.kind !== "rows") return { total: 0, chunks: [], counts };
    const { rows, problems } = fetch.result;
    const revisions = fetch.revisions;
    const total = rows.length + problems.length;
    counts.rows = total;
    const shaper = new AnswerShaper(fetch, spec, this.topicOf(spec.name), this.#now());
    function* chunks(): Generator<BronzeMessage[]> {
      for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
        const chunk = rows.slice(i, i + CHUNK_ROWS).map((row) => shaper.row(row, revisions?.get(row)));
        for (const m of chunk) {
          if (m.topic === shaper.topic) counts.accepted++;
          else counts.deadLettered++;
        }
        yield chunk;
      }
      if (problems.length > 0) {
        counts.deadLettered += problems.length;
        yield problems.map((problem) => shaper.problem(problem));
      }
    }
    return { total, chunks: chunks(), counts };
  }
}
