/**
 * The fast path of the publisher: the JSON text of a row's envelope written straight from the row, with
 * the parts every row of one answer shares (schema, source, query identity, URLs and times) checked against
 * the zod schema and serialized once per answer, and the per-row fields checked by a hand-written check of
 * the same rules as `bronzeEnvelopeSchema` (the same regular expressions, taken from the zod schema). The
 * text equals `JSON.stringify(buildEnvelope(...))`. A row the check refuses takes the slow path
 * (`buildEnvelope` + zod), which gives the dead-letter reason, so the check can only be stricter than zod,
 * never more lenient (`envelope_encoder_test.ts` compares both on edge cases).
 *
 * @module
 */
import { hash } from "node:crypto";
import type { OasisRow } from "../oasis/row.ts";
import { type EnvelopeContext, type QueryIdentity, type RowRevision, sortedRaw } from "./envelope.ts";
import {
  answerConstantsSchema,
  ENVELOPE_SCHEMA,
  MAX_REVISION,
  OPR_DATE_PATTERN,
  REVISION_REASONS,
  SOURCE,
  UTC_INSTANT_PATTERN,
} from "./schema.ts";

/** sha-256 hex of `text` in one call (a `createHash` object per row costs more than the hashing). */
function sha256Hex(text: string): string {
  return hash("sha256", text, "hex");
}

/** The JSON text of an envelope and the content hash of its raw row. */
export interface EncodedEnvelope {
  readonly value: string;
  readonly contentHash: string;
}

const json = JSON.stringify;
/** Distinct values of repeating fields whose JSON is kept (more are written each time). */
const REPEATED_MAX = 64;

function isText(v: unknown): v is string {
  return typeof v === "string" && v.length > 0;
}

function isIntIn(v: unknown, min: number, max: number): boolean {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= min && v <= max;
}

/**
 * A pattern test that remembers the last text it passed: rows of one answer come interval by interval, so
 * consecutive rows share their times and operating date, and the date-time pattern is the costly one.
 */
class PatternCheck {
  readonly #pattern: RegExp;
  #passed: string | undefined;

  constructor(pattern: RegExp) {
    this.#pattern = pattern;
  }

  test(v: unknown): boolean {
    if (v === this.#passed) return true;
    if (typeof v !== "string" || !this.#pattern.test(v)) return false;
    this.#passed = v;
    return true;
  }
}

/** The per-row rules of `bronzeEnvelopeSchema` besides `raw` (checked while it is serialized). */
class RowRules {
  readonly #start = new PatternCheck(UTC_INSTANT_PATTERN);
  readonly #end = new PatternCheck(UTC_INSTANT_PATTERN);
  readonly #date = new PatternCheck(OPR_DATE_PATTERN);

  valid(row: OasisRow): boolean {
    return rowFieldsValid(row, this.#start, this.#end, this.#date);
  }
}

function rowFieldsValid(row: OasisRow, start: PatternCheck, end: PatternCheck, date: PatternCheck): boolean {
  return isText(row.report) && isText(row.node) && (row.qualifier === null || isText(row.qualifier)) &&
    start.test(row.interval_start) && end.test(row.interval_end) && row.interval_end > row.interval_start &&
    date.test(row.opr_date) &&
    (row.opr_hour === null || isIntIn(row.opr_hour, 1, 25)) &&
    (row.opr_interval === null || isIntIn(row.opr_interval, 0, 288)) &&
    isText(row.component) && (row.value === null || Number.isFinite(row.value)) &&
    isText(row.source_file) && isIntIn(row.row_number, 1, Number.MAX_SAFE_INTEGER);
}

/** The `revision` and `revision_reason` text, or null when they break the schema's rules. */
function revisionTail(revision: RowRevision | undefined): string | null {
  if (revision === undefined) return ',"revision":0,"revision_reason":null}';
  const { revision: n, reason } = revision;
  if (!isIntIn(n, 0, MAX_REVISION)) return null;
  if (reason !== null && !(REVISION_REASONS as readonly string[]).includes(reason)) return null;
  return `,"revision":${n},"revision_reason":${json(reason)}}`;
}

/** The canonical JSON of a row with the learnt columns, or null when a column is not a string. */
type RawSerializer = (stringify: typeof JSON.stringify, row: Record<string, unknown>) => string | null;

/**
 * The serializer of one column set, compiled once: the columns in canonical order, each value checked and
 * escaped by `JSON.stringify`. Column names enter the source only as JSON string literals, which cannot break
 * out of the code.
 */
function compileRaw(keys: readonly string[], canonical: readonly string[]): RawSerializer {
  if (keys.length === 0) return () => "{}";
  const lit = (prefix: string, name: string) => json(`${prefix}${json(name)}:`);
  const checks = keys.map((k, i) => `const v${i}=r[${json(k)}];if(typeof v${i}!=="string")return null;`);
  const text = canonical.map((k, i) => `${lit(i === 0 ? "{" : ",", k)}+J(v${keys.indexOf(k)})`).join("+");
  return new Function("J", "r", `${checks.join("")}return ${text}+"}";`) as RawSerializer;
}

/**
 * Serializes a raw row with its columns in canonical order (`canonicalRaw`): the envelope's `raw` and what
 * the content hash covers are one text. Rows of one file share their columns, so the canonical order and
 * the serializer are worked out once per column set.
 */
class RawWriter {
  #keys: string[] = [];
  #write: RawSerializer = compileRaw([], []);

  /** The canonical JSON of `raw`, or null when it is not a plain object of strings. */
  write(raw: unknown): string | null {
    if (typeof raw !== "object" || raw === null) return null;
    const proto = Object.getPrototypeOf(raw);
    if (proto !== Object.prototype && proto !== null) return null;
    const record = raw as Record<string, unknown>;
    const keys = Object.keys(record);
    if (!this.#same(keys)) this.#learn(keys, record);
    return this.#write(json, record);
  }

  #same(keys: string[]): boolean {
    if (keys.length !== this.#keys.length) return false;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== this.#keys[i]) return false;
    return true;
  }

  #learn(keys: string[], record: Record<string, unknown>): void {
    this.#keys = keys;
    this.#write = compileRaw(keys, Object.keys(sortedRaw(record)));
  }
}

/** Encodes the envelopes of one answer's rows. */
export class EnvelopeEncoder {
  readonly #ctx: EnvelopeContext;
  readonly #heads = new Map<QueryIdentity, string | null>();
  readonly #raw = new RawWriter();
  readonly #rules = new RowRules();
  readonly #provenanceHead: string;
  readonly #provenanceMid: string;
  /** JSON of the fields that repeat across an answer's rows (report, component, file, qualifier). */
  readonly #repeated = new Map<string | null, string>();

  constructor(ctx: EnvelopeContext) {
    this.#ctx = ctx;
    const { url, finalUrl } = ctx.fetch;
    this.#provenanceHead = `,"provenance":{"request_url":${json(url)},"final_url":${
      json(finalUrl || url)
    },"source_file":`;
    this.#provenanceMid = `,"fetched_at":${json(ctx.fetch.fetchedAt)},"ingested_at":${json(ctx.ingestedAt)}` +
      `,"content_hash":"`;
  }

  /** The envelope of `row`, or null when a field breaks a rule (then build it with `buildEnvelope`). */
  encode(row: OasisRow, query: QueryIdentity, revision?: RowRevision): EncodedEnvelope | null {
    const head = this.#head(query);
    const tail = revisionTail(revision);
    if (head === null || tail === null || !this.#rules.valid(row)) return null;
    const raw = this.#raw.write(row.raw);
    if (raw === null) return null;
    const hash = sha256Hex(raw);
    // One join writes one flat string (a chain of `+` leaves dozens of short-lived cons strings per row).
    const value = [
      head,
      this.#json(row.report),
      ',"node":',
      json(row.node),
      ',"qualifier":',
      this.#json(row.qualifier),
      ',"interval_start":"',
      row.interval_start,
      '","interval_end":"',
      row.interval_end,
      '","opr_date":"',
      row.opr_date,
      '","opr_hour":',
      json(row.opr_hour),
      ',"opr_interval":',
      json(row.opr_interval),
      ',"component":',
      this.#json(row.component),
      ',"value":',
      json(row.value),
      ',"raw":',
      raw,
      this.#provenanceHead,
      this.#json(row.source_file),
      ',"row_number":',
      String(row.row_number),
      this.#provenanceMid,
      hash,
      '"}',
      tail,
    ].join("");
    return { value, contentHash: hash };
  }

  /** `JSON.stringify(v)` of a field whose few values repeat row after row, worked out once per value. */
  #json(v: string | null): string {
    let text = this.#repeated.get(v);
    if (text === undefined) {
      text = json(v);
      if (this.#repeated.size < REPEATED_MAX) this.#repeated.set(v, text);
    }
    return text;
  }

  /** The text before the row's `report` value, once per query; null when the shared parts are invalid. */
  #head(query: QueryIdentity): string | null {
    let head = this.#heads.get(query);
    if (head !== undefined) return head;
    const { dataset, fetch, ingestedAt } = this.#ctx;
    const valid = answerConstantsSchema.safeParse({
      ...query,
      source: SOURCE,
      dataset,
      request_url: fetch.url,
      final_url: fetch.finalUrl || fetch.url,
      fetched_at: fetch.fetchedAt,
      ingested_at: ingestedAt,
    }).success;
    head = valid
      ? `{"schema":${json(ENVELOPE_SCHEMA)},"source":${json(SOURCE)},"dataset":${json(dataset)},` +
        `"query":${json(query.query)},"version":${json(query.version)},` +
        `"market_run_id":${json(query.market_run_id)},"report":`
      : null;
    this.#heads.set(query, head);
    return head;
  }
}
