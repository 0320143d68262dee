import assert from "node:assert/strict";
import { buildEnvelope, queryIdentity } from "../../src/bronze/envelope.ts";
import { EnvelopeEncoder } from "../../src/bronze/envelope_encoder.ts";
import { validateEnvelope } from "../../src/bronze/schema.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";
import type { OasisRow } from "../../src/oasis/row.ts";
import { EXCERPT_URL, excerptFetch } from "./bronze_fixtures.ts";

const ctx = {
  dataset: "lmp_dam" as const,
  fetch: { url: EXCERPT_URL, finalUrl: EXCERPT_URL, fetchedAt: "2020-07-01T00:00:00.000Z" },
  ingestedAt: "2020-07-01T00:00:01.000Z",
};
const query = queryIdentity(DATASETS.lmp_dam, EXCERPT_URL);
const rows = excerptFetch().result.rows;

/** Values each field is set to; valid and invalid ones, close to the edges of the schema's rules. */
const EDGES: Record<string, unknown[]> = {
  report: ["", "X", 7, null],
  node: ["", 'N"ODE\\ü', undefined],
  qualifier: [null, "", "DA/ANNUAL/ON", 1],
  interval_start: [
    "2020-01-02T08:00:00Z",
    "2020-01-02T08:00:00.123Z",
    "2020-01-02T08:00:00+00:00",
    "2020-02-30T08:00:00Z",
    "2030-01-01T00:00:00Z",
    "",
  ],
  interval_end: ["2020-01-02T07:00:00Z", "2020-01-02T24:00:00Z", "2020-01-02 09:00:00Z", null],
  opr_date: ["2020-1-2", "2020-01-02", "20200102", null],
  opr_hour: [null, 0, 1, 25, 26, 1.5, "1", Number.NaN],
  opr_interval: [null, -1, 0, 288, 289, 2.5],
  component: ["", "LMP", null],
  value: [null, 0, -0, -1.5e-7, 1e21, Number.NaN, Infinity, -Infinity, "1"],
  raw: [{}, { "b": "1", "a": "2", "10": "x", "2": "y" }, { A: 1 }, [], null, new Map(), {
    A: 'tab\t"q"\u2028',
  }],
  source_file: ["", "f.csv", null],
  row_number: [0, 1, 1.5, -1, Number.MAX_SAFE_INTEGER + 1],
};

Deno.test("EnvelopeEncoder writes exactly JSON.stringify(buildEnvelope()) for every valid row", () => {
  const encoder = new EnvelopeEncoder(ctx);
  for (const row of rows) {
    assert.equal(encoder.encode(row, query)?.value, JSON.stringify(buildEnvelope(row, query, ctx)));
  }
});

Deno.test("EnvelopeEncoder accepts no envelope the zod schema refuses (edge values of every field)", () => {
  const encoder = new EnvelopeEncoder(ctx);
  let accepted = 0;
  for (const [field, values] of Object.entries(EDGES)) {
    for (const value of values) {
      const row = { ...rows[0]!, [field]: value } as OasisRow;
      const fast = encoder.encode(row, query);
      let zod: boolean;
      try {
        zod = validateEnvelope(buildEnvelope(row, query, ctx)).ok;
      } catch {
        zod = false;
      }
      const what = `${field} = ${String(value)}`;
      if (fast) {
        accepted++;
        assert.ok(zod, `fast path accepts what zod refuses: ${what}`);
        assert.equal(fast.value, JSON.stringify(buildEnvelope(row, query, ctx)), what);
      }
    }
  }
  assert.ok(accepted >= 15, `only ${accepted} edge values took the fast path`);
});

Deno.test("EnvelopeEncoder refuses every row of an answer whose shared parts break the schema", () => {
  const bad = { ...ctx, fetch: { ...ctx.fetch, fetchedAt: "2020-07-01 00:00" } };
  assert.equal(new EnvelopeEncoder(bad).encode(rows[0]!, query), null);
  assert.equal(new EnvelopeEncoder(ctx).encode(rows[0]!, { ...query, version: 0 }), null);
});

Deno.test("EnvelopeEncoder writes a revision exactly like buildEnvelope() and refuses what zod refuses", () => {
  const encoder = new EnvelopeEncoder(ctx);
  const revisions = [
    { revision: 0, reason: null },
    { revision: 3, reason: "price_correction" },
    { revision: 1, reason: "revision_repoll" },
    { revision: -1, reason: null },
    { revision: 1.5, reason: null },
    { revision: 2_000_000, reason: null },
    { revision: 1, reason: "typo" },
  ] as const;
  for (const revision of revisions) {
    const envelope = buildEnvelope(rows[0]!, query, ctx, revision as never);
    const zod = validateEnvelope(envelope).ok;
    const fast = encoder.encode(rows[0]!, query, revision as never);
    assert.equal(fast !== null, zod, JSON.stringify(revision));
    if (fast) assert.equal(fast.value, JSON.stringify(envelope));
  }
});

Deno.test("the envelope's raw columns are written in canonical order, so its raw text is what content_hash covers", async () => {
  const encoder = new EnvelopeEncoder(ctx);
  const row = { ...rows[0]!, raw: { "b": "1", "a": 'q"2', "10": "x", "2": "y", "Z": "ü" } };
  const encoded = encoder.encode(row, query)!;
  const envelope = JSON.parse(encoded.value);
  assert.deepEqual(Object.keys(envelope.raw), ["2", "10", "Z", "a", "b"]);
  const rawText = JSON.stringify(envelope.raw);
  assert.ok(encoded.value.includes(`"raw":${rawText},`), "the raw text appears as written");
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(rawText)));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  assert.equal(envelope.provenance.content_hash, hex);
  assert.equal(encoded.value, JSON.stringify(buildEnvelope(row, query, ctx)));
});
