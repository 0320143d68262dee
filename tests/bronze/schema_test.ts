import assert from "node:assert/strict";
import { buildEnvelope, queryIdentity } from "../../src/bronze/envelope.ts";
import {
  deadLetterJsonSchema,
  ENVELOPE_SCHEMA,
  envelopeJsonSchema,
  validateEnvelope,
} from "../../src/bronze/schema.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";
import { EXCERPT_URL, excerptFetch } from "./bronze_fixtures.ts";

function envelope(): Record<string, unknown> {
  const row = excerptFetch().result.rows[0]!;
  return buildEnvelope(row, queryIdentity(DATASETS.lmp_dam, EXCERPT_URL), {
    dataset: "lmp_dam",
    fetch: { url: EXCERPT_URL, finalUrl: EXCERPT_URL, fetchedAt: "2020-07-01T00:00:00.000Z" },
    ingestedAt: "2020-07-01T00:00:01.000Z",
  });
}

Deno.test("validateEnvelope() accepts an envelope built from a real row", () => {
  assert.equal(validateEnvelope(envelope()).ok, true);
});

Deno.test("validateEnvelope() names every bad field in its reason", () => {
  const bad = { ...envelope(), interval_start: "2020-01-02T01:00:00-08:00", value: Number.NaN, opr_hour: 26 };
  const checked = validateEnvelope(bad);
  assert.equal(checked.ok, false);
  if (checked.ok) return;
  assert.match(checked.reason, new RegExp(`^Row fails schema ${ENVELOPE_SCHEMA.replaceAll(".", "\\.")}`));
  assert.match(checked.reason, /interval_start/);
  assert.match(checked.reason, /value/);
  assert.match(checked.reason, /opr_hour/);
});

Deno.test("validateEnvelope() rejects an interval that ends before it starts", () => {
  const checked = validateEnvelope({ ...envelope(), interval_end: "2020-01-02T00:00:00Z" });
  assert.equal(checked.ok, false);
  assert.match(checked.ok ? "" : checked.reason, /interval_end must be after interval_start/);
});

Deno.test("validateEnvelope() rejects unknown fields and a non-string raw column", () => {
  const extra = validateEnvelope({ ...envelope(), surprise: 1 });
  assert.equal(extra.ok, false);
  const raw = validateEnvelope({ ...envelope(), raw: { MW: 1 } });
  assert.match(raw.ok ? "" : raw.reason, /raw\.MW/);
});

Deno.test("envelopeJsonSchema() is draft-07 with every envelope field but the revision required and no extras", () => {
  const schema = envelopeJsonSchema();
  assert.equal(schema.$schema, "http://json-schema.org/draft-07/schema#");
  assert.equal(schema.title, ENVELOPE_SCHEMA);
  assert.equal(schema.additionalProperties, false);
  assert.deepEqual(
    new Set(schema.required as string[]),
    new Set(Object.keys(envelope()).filter((k) => !k.startsWith("revision"))),
  );
  const properties = Object.keys(schema.properties as Record<string, unknown>);
  assert.ok(properties.includes("revision") && properties.includes("revision_reason"));
});

Deno.test("deadLetterJsonSchema() requires the reason and the raw row", () => {
  const required = deadLetterJsonSchema().required as string[];
  assert.ok(required.includes("reason"));
  assert.ok(required.includes("raw"));
});
