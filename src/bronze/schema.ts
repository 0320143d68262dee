/**
 * The Bronze record contract: zod schemas of the envelope published per source row and of the dead-letter
 * record, their versioned names, and the JSON Schemas derived from them for the schema registry. Every
 * envelope is validated against `bronzeEnvelopeSchema` before it reaches the outbox.
 *
 * @module
 */
import { z } from "../zod.ts";
import { DATASET_NAMES } from "../oasis/datasets.ts";

/** Name of the envelope schema (without version). */
export const ENVELOPE_SCHEMA_NAME = "caiso_oasis.bronze.raw_row";
/** Version of the envelope schema; bump it (and the topic's `vN`) on a breaking change. */
export const ENVELOPE_SCHEMA_VERSION = 1;
/** Versioned envelope schema id written in every envelope's `schema` field. */
export const ENVELOPE_SCHEMA = `${ENVELOPE_SCHEMA_NAME}.v${ENVELOPE_SCHEMA_VERSION}`;

/** Name of the dead-letter schema (without version). */
export const DEAD_LETTER_SCHEMA_NAME = "caiso_oasis.bronze.dead_letter";
/** Version of the dead-letter schema. */
export const DEAD_LETTER_SCHEMA_VERSION = 1;
/** Versioned dead-letter schema id written in every dead-letter record's `schema` field. */
export const DEAD_LETTER_SCHEMA = `${DEAD_LETTER_SCHEMA_NAME}.v${DEAD_LETTER_SCHEMA_VERSION}`;

/** Value of every record's `source` field. */
export const SOURCE = "caiso_oasis";

const utcInstant = z.iso.datetime().describe("UTC instant, ISO-8601 ending in Z");
const text = z.string().min(1);
const oprDate = /^\d{4}-\d{2}-\d{2}$/;

/** The pattern zod checks `interval_start`, `interval_end` and the provenance times against. */
export const UTC_INSTANT_PATTERN: RegExp = utcInstant._zod.def.pattern ??
  (() => {
    throw new Error("zod's ISO datetime schema has no pattern");
  })();
/** The pattern of `opr_date`. */
export const OPR_DATE_PATTERN: RegExp = oprDate;

/** Where a record came from: request, ZIP member and row, times, and the hash of the raw row. */
export const provenanceSchema = z.strictObject({
  request_url: text.describe("OASIS URL requested"),
  final_url: text.describe("URL that answered, after redirects"),
  source_file: text.describe("ZIP member (or file) name"),
  row_number: z.int().min(1).describe("1-based data row within source_file"),
  fetched_at: utcInstant.describe("When OASIS answered"),
  ingested_at: utcInstant.describe("When the record was built"),
  content_hash: z.string().regex(/^[0-9a-f]{64}$/).describe("sha-256 hex of the canonical raw row"),
});

const identity = {
  source: z.literal(SOURCE),
  dataset: z.enum(DATASET_NAMES),
  query: text.describe("OASIS queryname"),
  version: z.int().min(1).describe("OASIS report version requested"),
  market_run_id: text.nullable().describe("OASIS market_run_id, null for CRR"),
};

/**
 * The envelope fields every row of one answer shares (identity, URLs, times), checked once per answer by
 * the publisher's fast path (`envelope_encoder.ts`); `schema` and `source` are its own constants.
 */
export const answerConstantsSchema = z.object({
  ...identity,
  request_url: text,
  final_url: text,
  fetched_at: utcInstant,
  ingested_at: utcInstant,
});

/** Why an envelope republishes a fact that reached Bronze before. */
export const REVISION_REASONS = ["price_correction", "revision_repoll"] as const;
/** A value of `revision_reason`. */
export type RevisionReason = typeof REVISION_REASONS[number];
/** Highest revision number an envelope may carry. */
export const MAX_REVISION = 1_000_000;

const raw = z.record(z.string(), z.string()).describe("Every source column, verbatim");

/** One normalized OASIS row with its raw columns and provenance: the value of a Bronze message. */
export const bronzeEnvelopeSchema = z.strictObject({
  schema: z.literal(ENVELOPE_SCHEMA),
  ...identity,
  report: text.describe("OASIS report name from the file"),
  node: text.describe("LMP node, AS region, CRR node or resource"),
  qualifier: text.nullable().describe("Extra identity of the fact (CRR: market/term/time_of_use)"),
  interval_start: utcInstant,
  interval_end: utcInstant,
  opr_date: z.string().regex(oprDate).describe("Pacific operating date"),
  opr_hour: z.int().min(1).max(25).nullable().describe("Hour ending 1-25"),
  opr_interval: z.int().min(0).max(288).nullable(),
  component: text.describe("LMP component, AS type or CRR data item"),
  value: z.number().nullable().describe("The value; null when the source cell is empty"),
  raw,
  provenance: provenanceSchema,
  // Optional so that records published before these fields existed still validate.
  revision: z.int().min(0).max(MAX_REVISION).optional()
    .describe("0 when the fact is first published, then 1, 2, … for each changed value of it"),
  revision_reason: z.enum(REVISION_REASONS).nullable().optional()
    .describe("Why a revision was published: a CAISO price correction or the revision re-poll; null at 0"),
}).refine((e) => e.interval_end > e.interval_start, {
  message: "interval_end must be after interval_start",
  path: ["interval_end"],
}).meta({ title: ENVELOPE_SCHEMA, description: "One CAISO OASIS source row, normalized, with provenance" });

/** A source row that could not be published, with the reason: the value of a dead-letter message. */
export const deadLetterSchema = z.strictObject({
  schema: z.literal(DEAD_LETTER_SCHEMA),
  ...identity,
  topic: text.describe("Bronze topic the row was meant for"),
  reason: text.describe("Why the row was rejected, naming the field and the value"),
  raw,
  provenance: provenanceSchema,
}).meta({ title: DEAD_LETTER_SCHEMA, description: "A CAISO OASIS source row rejected before Bronze" });

/** A validated Bronze envelope. */
export type BronzeEnvelope = z.infer<typeof bronzeEnvelopeSchema>;
/** A dead-letter record. */
export type DeadLetter = z.infer<typeof deadLetterSchema>;
/** Provenance block shared by envelopes and dead letters. */
export type Provenance = z.infer<typeof provenanceSchema>;

/** JSON Schema (draft-07) of the envelope, as registered under `<topic>-value`. */
export function envelopeJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(bronzeEnvelopeSchema, { target: "draft-7" }) as Record<string, unknown>;
}

/** JSON Schema (draft-07) of the dead-letter record, as registered under `<topic>.dlq-value`. */
export function deadLetterJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(deadLetterSchema, { target: "draft-7" }) as Record<string, unknown>;
}

/** Validates `candidate` as an envelope: the envelope, or a one-line reason naming the fields. */
export function validateEnvelope(
  candidate: unknown,
): { ok: true; envelope: BronzeEnvelope } | { ok: false; reason: string } {
  const result = bronzeEnvelopeSchema.safeParse(candidate);
  if (result.success) return { ok: true, envelope: result.data };
  const reason = result.error.issues
    .map((i) => `${i.path.length ? i.path.join(".") : "envelope"}: ${i.message}`)
    .join("; ");
  return { ok: false, reason: `Row fails schema ${ENVELOPE_SCHEMA}: ${reason}` };
}
