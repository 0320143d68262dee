/**
 * The Bronze messages of one fetched answer, row by row: a validated envelope keyed by its fact for every
 * row that passes, else a dead letter with the reason and the raw columns. The parts all rows share (query
 * identity, headers, provenance) are worked out once per answer; envelopes take the fast path of
 * `EnvelopeEncoder` and fall back to `buildEnvelope` + zod, which names the field a bad row breaks.
 *
 * @module
 */
import type { DatasetSpec } from "../oasis/datasets.ts";
import type { OasisRow, RowProblem } from "../oasis/row.ts";
import {
  bronzeKey,
  buildDeadLetter,
  buildEnvelope,
  deadLetterKey,
  type EnvelopeContext,
  type FetchProvenance,
  type QueryIdentity,
  queryIdentity,
  type RowRevision,
} from "./envelope.ts";
import { EnvelopeEncoder } from "./envelope_encoder.ts";
import { MAX_MESSAGE_CHARS, messageChars } from "./outbox_limits.ts";
import {
  DEAD_LETTER_SCHEMA_NAME,
  DEAD_LETTER_SCHEMA_VERSION,
  ENVELOPE_SCHEMA_NAME,
  ENVELOPE_SCHEMA_VERSION,
  validateEnvelope,
} from "./schema.ts";
import { bronzeHeaders, type BronzeMessage, dlqTopic } from "./sink.ts";

/** Turns the rows and row problems of one answer into Bronze messages. */
export class AnswerShaper {
  /** The Bronze topic of the answer's dataset (dead letters go to its `.dlq`). */
  readonly topic: string;
  readonly #spec: DatasetSpec;
  readonly #url: string;
  readonly #ctx: EnvelopeContext;
  readonly #encoder: EnvelopeEncoder;
  readonly #queries = new Map<string, QueryIdentity>();
  readonly #rowHeaders: Readonly<Record<string, string>>;
  readonly #dlqHeaders: Readonly<Record<string, string>>;

  constructor(fetch: FetchProvenance, spec: DatasetSpec, topic: string, ingestedAt: Date) {
    this.topic = topic;
    this.#spec = spec;
    this.#url = fetch.url;
    this.#ctx = { dataset: spec.name, fetch, ingestedAt: ingestedAt.toISOString() };
    this.#encoder = new EnvelopeEncoder(this.#ctx);
    this.#rowHeaders = bronzeHeaders(ENVELOPE_SCHEMA_NAME, ENVELOPE_SCHEMA_VERSION, spec.name);
    this.#dlqHeaders = bronzeHeaders(DEAD_LETTER_SCHEMA_NAME, DEAD_LETTER_SCHEMA_VERSION, spec.name);
  }

  /** The envelope message of `row` (carrying `revision`, when it republishes a fact), or its dead letter. */
  row(row: OasisRow, revision?: RowRevision): BronzeMessage {
    const query = this.#query(row.report);
    try {
      let value = this.#encoder.encode(row, query, revision)?.value;
      if (value === undefined) {
        // The slow path names the field a row breaks (and takes any row the fast check is unsure of).
        const envelope = buildEnvelope(row, query, this.#ctx, revision);
        const checked = validateEnvelope(envelope);
        if (!checked.ok) return this.#deadLetter({ ...row, reason: checked.reason }, query);
        value = JSON.stringify(envelope);
      }
      const message = {
        topic: this.topic,
        key: bronzeKey(this.#spec.name, row),
        value,
        headers: this.#rowHeaders,
      };
      const chars = messageChars(message);
      if (chars <= MAX_MESSAGE_CHARS) return message;
      const reason = `Envelope is ${chars} characters, over the ${MAX_MESSAGE_CHARS} limit`;
      return this.#deadLetter({ ...row, reason }, query);
    } catch (error) {
      const reason = `Cannot build envelope: ${error instanceof Error ? error.message : String(error)}`;
      return this.#deadLetter({ ...row, reason }, query);
    }
  }

  /** The dead letter of a row the parser could not normalize. */
  problem(problem: RowProblem): BronzeMessage {
    return this.#deadLetter(problem, this.#query(this.#spec.queries[0]!.queryName));
  }

  #query(report: string): QueryIdentity {
    let q = this.#queries.get(report);
    if (!q) this.#queries.set(report, q = queryIdentity(this.#spec, this.#url, report));
    return q;
  }

  #deadLetter(problem: RowProblem, query: QueryIdentity): BronzeMessage {
    const record = buildDeadLetter(problem, query, this.topic, this.#ctx);
    let value = JSON.stringify(record);
    if (value.length > MAX_MESSAGE_CHARS - 1000) {
      record.reason = `${record.reason} (raw row of ${value.length} characters omitted)`;
      value = JSON.stringify({ ...record, raw: {} });
    }
    const key = deadLetterKey(this.#spec.name, record.provenance.content_hash);
    return { topic: dlqTopic(this.topic), key, value, headers: this.#dlqHeaders };
  }
}
