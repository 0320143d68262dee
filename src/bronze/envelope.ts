/**
 * Builds the Bronze envelope and the dead-letter record of one source row, its deterministic Kafka key
 * and the content hash of its raw columns. Pure apart from hashing: the ingestion time is passed in.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { DatasetName, DatasetSpec } from "../oasis/datasets.ts";
import type { OasisRow, RowProblem } from "../oasis/row.ts";
import {
  DEAD_LETTER_SCHEMA,
  type DeadLetter,
  ENVELOPE_SCHEMA,
  type Provenance,
  type RevisionReason,
  SOURCE,
} from "./schema.ts";

/** The revision an envelope carries: its number (0 at first publication) and, above 0, why. */
export interface RowRevision {
  readonly revision: number;
  readonly reason: RevisionReason | null;
}

/** The request a batch of rows came from (the fields of `FetchResult` that provenance needs). */
export interface FetchProvenance {
  /** URL requested. */
  readonly url: string;
  /** URL that answered, after redirects. */
  readonly finalUrl: string;
  /** When the answer arrived, ISO-8601. */
  readonly fetchedAt: string;
}

/** OASIS query identity shared by every row of one answer. */
export interface QueryIdentity {
  readonly query: string;
  readonly version: number;
  readonly market_run_id: string | null;
}

/** Everything besides the row that an envelope needs. */
export interface EnvelopeContext {
  readonly dataset: DatasetName;
  readonly fetch: FetchProvenance;
  /** Ingestion time, ISO-8601 UTC. */
  readonly ingestedAt: string;
}

/**
 * The Kafka key of a fact: dataset, node, qualifier (only when present), component and interval start,
 * joined by `|`, e.g. `lmp_dam|TH_SP15_GEN-APND|LMP|2020-01-02T16:00:00Z`. A re-fetch of the same
 * interval gives the same key, so a compacted topic keeps one value per fact.
 */
export function bronzeKey(
  dataset: DatasetName,
  row: Pick<OasisRow, "node" | "qualifier" | "component" | "interval_start">,
): string {
  return row.qualifier === null || row.qualifier === ""
    ? `${dataset}|${row.node}|${row.component}|${row.interval_start}`
    : `${dataset}|${row.node}|${row.qualifier}|${row.component}|${row.interval_start}`;
}

/** The key of a dead letter: dataset and content hash, so the same bad row re-fetched lands on one key. */
export function deadLetterKey(dataset: DatasetName, contentHash: string): string {
  return `${dataset}|dead_letter|${contentHash}`;
}

/**
 * A raw row with its columns in canonical order: sorted by name (as an object holds them, integer-like names
 * first). The envelope's `raw` is written in this order, so its text is what the content hash covers.
 */
export function sortedRaw<T>(raw: Readonly<Record<string, T>>): Record<string, T> {
  const sorted: Record<string, T> = {};
  for (const name of Object.keys(raw).sort()) sorted[name] = raw[name]!;
  return sorted;
}

/** Canonical text of a raw row: JSON of its columns sorted by name (column order does not matter). */
export function canonicalRaw(raw: Readonly<Record<string, string>>): string {
  return JSON.stringify(sortedRaw(raw));
}

/** sha-256 hex of the canonical raw row. */
export function contentHash(raw: Readonly<Record<string, string>>): string {
  // node:crypto hashes synchronously; crypto.subtle was ~60x slower per row here (one promise per row).
  return createHash("sha256").update(canonicalRaw(raw)).digest("hex");
}

function param(url: string, name: string): string | null {
  try {
    return new URL(url).searchParams.get(name);
  } catch {
    return null;
  }
}

/**
 * The query identity of an answer: `queryname`, `version` and `market_run_id` as requested in `url`,
 * falling back to the dataset table (the query whose name is `report`, else the first).
 */
export function queryIdentity(spec: DatasetSpec, url: string, report?: string): QueryIdentity {
  const fromUrl = param(url, "queryname");
  const query = spec.queries.find((q) => q.queryName === (fromUrl ?? report)) ?? spec.queries[0]!;
  const version = Number(param(url, "version"));
  return {
    query: fromUrl ?? query.queryName,
    version: Number.isInteger(version) && version > 0 ? version : query.version,
    market_run_id: param(url, "market_run_id") ?? query.marketRunId ?? null,
  };
}

function provenance(
  ctx: EnvelopeContext,
  row: { source_file: string; row_number: number },
  hash: string,
): Provenance {
  return {
    request_url: ctx.fetch.url,
    final_url: ctx.fetch.finalUrl || ctx.fetch.url,
    source_file: row.source_file,
    row_number: row.row_number,
    fetched_at: ctx.fetch.fetchedAt,
    ingested_at: ctx.ingestedAt,
    content_hash: hash,
  };
}

/** The (not yet validated) envelope of `row`; field order is the JSON order. */
export function buildEnvelope(
  row: OasisRow,
  query: QueryIdentity,
  ctx: EnvelopeContext,
  revision?: RowRevision,
): Record<string, unknown> {
  return {
    schema: ENVELOPE_SCHEMA,
    source: SOURCE,
    dataset: ctx.dataset,
    query: query.query,
    version: query.version,
    market_run_id: query.market_run_id,
    report: row.report,
    node: row.node,
    qualifier: row.qualifier,
    interval_start: row.interval_start,
    interval_end: row.interval_end,
    opr_date: row.opr_date,
    opr_hour: row.opr_hour,
    opr_interval: row.opr_interval,
    component: row.component,
    value: row.value,
    raw: sortedRaw(row.raw),
    provenance: provenance(ctx, row, contentHash(row.raw)),
    revision: revision?.revision ?? 0,
    revision_reason: revision?.reason ?? null,
  };
}

/** The dead-letter record of a row that could not be normalized or validated. */
export function buildDeadLetter(
  problem: RowProblem,
  query: QueryIdentity,
  topic: string,
  ctx: EnvelopeContext,
): DeadLetter {
  const raw = problem.raw ?? {};
  return {
    schema: DEAD_LETTER_SCHEMA,
    source: SOURCE,
    dataset: ctx.dataset,
    query: query.query,
    version: query.version,
    market_run_id: query.market_run_id,
    topic,
    reason: problem.reason || "Row rejected without a reason",
    raw,
    provenance: provenance(
      ctx,
      { source_file: problem.source_file || "unknown", row_number: Math.max(1, problem.row_number || 1) },
      contentHash(raw),
    ),
  };
}
