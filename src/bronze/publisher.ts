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
import type { OasisRow, RowProblem } from "../oasis/row.ts";
import {
  bronzeKey,
  buildDeadLetter,
  buildEnvelope,
  deadLetterKey,
  type EnvelopeContext,
  type QueryIdentity,
  queryIdentity,
} from "./envelope.ts";
import type { BronzeMetrics } from "./metrics.ts";
import { MAX_MESSAGE_CHARS, messageChars, type Outbox } from "./outbox.ts";
import {
  DEAD_LETTER_SCHEMA_NAME,
  DEAD_LETTER_SCHEMA_VERSION,
  ENVELOPE_SCHEMA_NAME,
  ENVELOPE_SCHEMA_VERSION,
  validateEnvelope,
} from "./schema.ts";
import { bronzeHeaders, type BronzeMessage, dlqTopic } from "./sink.ts";

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
  /** Where messages are committed. */
  readonly outbox: Pick<Outbox, "append">;
  /** Bronze topic of each dataset (default: the dataset table's). */
  readonly topics?: Readonly<Partial<Record<DatasetName, string>>>;
  readonly metrics?: BronzeMetrics;
  /** Clock for `ingested_at` (default `new Date()`). */
  readonly now?: () => Date;
}

/** The fields of a `FetchResult` that publishing reads. */
export type PublishInput = Pick<FetchResult, "result" | "url" | "finalUrl" | "fetchedAt">;

/** Turns fetched answers into Bronze messages committed to the outbox. */
export class BronzePublisher {
  readonly #outbox: Pick<Outbox, "append">;
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
    const { messages, counts } = this.messages(fetch, dataset);
    if (messages.length === 0) return counts;
    // One call: the outbox checks its bound for the whole answer, so a full outbox takes none of it.
    await this.#outbox.append(messages);
    if (this.#metrics) {
      this.#metrics.accepted += counts.accepted;
      this.#metrics.dlq += counts.deadLettered;
    }
    return counts;
  }

  /**
   * The Bronze messages of `fetch` without committing them: validated envelopes for the dataset's topic and
   * dead letters for its `.dlq` topic, in source order (what `publish` commits).
   */
  messages(
    fetch: PublishInput,
    dataset: DatasetName | DatasetSpec,
  ): { messages: BronzeMessage[]; counts: PublishCounts } {
    const spec = typeof dataset === "string" ? DATASETS[dataset] : dataset;
    if (fetch.result.kind !== "rows") {
      return { messages: [], counts: { rows: 0, accepted: 0, deadLettered: 0 } };
    }
    const topic = this.topicOf(spec.name);
    const ctx: EnvelopeContext = { dataset: spec.name, fetch, ingestedAt: this.#now().toISOString() };
    const queries = new Map<string, QueryIdentity>();
    const queryOf = (report: string) => {
      let q = queries.get(report);
      if (!q) queries.set(report, q = queryIdentity(spec, fetch.url, report));
      return q;
    };
    const rowHeaders = bronzeHeaders(ENVELOPE_SCHEMA_NAME, ENVELOPE_SCHEMA_VERSION, spec.name);
    const dlqHeaders = bronzeHeaders(DEAD_LETTER_SCHEMA_NAME, DEAD_LETTER_SCHEMA_VERSION, spec.name);
    const deadLetter = (problem: RowProblem, query: QueryIdentity): BronzeMessage => {
      const record = buildDeadLetter(problem, query, topic, ctx);
      let value = JSON.stringify(record);
      if (value.length > MAX_MESSAGE_CHARS - 1000) {
        record.reason = `${record.reason} (raw row of ${value.length} characters omitted)`;
        value = JSON.stringify({ ...record, raw: {} });
      }
      const key = deadLetterKey(spec.name, record.provenance.content_hash);
      return { topic: dlqTopic(topic), key, value, headers: dlqHeaders };
    };

    const { rows, problems } = fetch.result;
    const messages: BronzeMessage[] = [];
    let accepted = 0, deadLettered = 0;
    const toRow = (row: OasisRow): BronzeMessage => {
      const query = queryOf(row.report);
      try {
        const envelope = buildEnvelope(row, query, ctx);
        const checked = validateEnvelope(envelope);
        if (!checked.ok) return deadLetter({ ...row, reason: checked.reason }, query);
        const message = {
          topic,
          key: bronzeKey(spec.name, row),
          value: JSON.stringify(envelope),
          headers: rowHeaders,
        };
        if (messageChars(message) <= MAX_MESSAGE_CHARS) return message;
        const reason = `Envelope is ${messageChars(message)} characters, over the ${MAX_MESSAGE_CHARS} limit`;
        return deadLetter({ ...row, reason }, query);
      } catch (error) {
        const reason = `Cannot build envelope: ${error instanceof Error ? error.message : String(error)}`;
        return deadLetter({ ...row, reason }, query);
      }
    };
    for (const row of rows) {
      const message = toRow(row);
      if (message.topic === topic) accepted++;
      else deadLettered++;
      messages.push(message);
    }
    for (const problem of problems) {
      messages.push(deadLetter(problem, queryOf(spec.queries[0]!.queryName)));
      deadLettered++;
    }
    return { messages, counts: { rows: rows.length + problems.length, accepted, deadLettered } };
  }
}
