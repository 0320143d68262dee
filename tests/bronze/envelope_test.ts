import assert from "node:assert/strict";
import {
  bronzeKey,
  buildDeadLetter,
  buildEnvelope,
  canonicalRaw,
  contentHash,
  deadLetterKey,
  queryIdentity,
} from "../../src/bronze/envelope.ts";
import { deadLetterSchema, validateEnvelope } from "../../src/bronze/schema.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";
import { EXCERPT_URL, excerptFetch } from "./bronze_fixtures.ts";

const ctx = (url = EXCERPT_URL) => ({
  dataset: "lmp_dam" as const,
  fetch: { url, finalUrl: url, fetchedAt: "2020-07-01T00:00:00.000Z" },
  ingestedAt: "2020-07-01T00:00:01.000Z",
});

Deno.test("bronzeKey() joins dataset, node, component and interval start", () => {
  const key = bronzeKey("lmp_dam", {
    node: "TH_SP15_GEN-APND",
    qualifier: null,
    component: "LMP",
    interval_start: "2020-01-02T16:00:00Z",
  });
  assert.equal(key, "lmp_dam|TH_SP15_GEN-APND|LMP|2020-01-02T16:00:00Z");
});

Deno.test("bronzeKey() includes the CRR qualifier when there is one", () => {
  const key = bronzeKey("crr", {
    node: "N1",
    qualifier: "AUC_MN_2020_M01/MONTHLY/ON",
    component: "APNODE_ID_PRICE",
    interval_start: "2020-01-01T08:00:00Z",
  });
  assert.equal(key, "crr|N1|AUC_MN_2020_M01/MONTHLY/ON|APNODE_ID_PRICE|2020-01-01T08:00:00Z");
});

Deno.test("every trading-hub row of the excerpt gets its own key", () => {
  const { rows } = excerptFetch().result;
  assert.equal(new Set(rows.map((r) => bronzeKey("lmp_dam", r))).size, rows.length);
});

Deno.test("contentHash() is sha-256 hex of the raw row and ignores column order", () => {
  const a = contentHash({ A: "1", B: "2" });
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.equal(contentHash({ B: "2", A: "1" }), a);
  assert.notEqual(contentHash({ A: "1", B: "3" }), a);
  assert.equal(canonicalRaw({ B: "2", A: "1" }), '{"A":"1","B":"2"}');
  // sha-256 of the canonical text {"A":"1","B":"2"}, computed independently with sha256sum.
  assert.equal(a, "3eda2f06741f1d082a60e34bf134dace8b60136ae69b552a2137bd898f27ea85");
});

Deno.test("queryIdentity() takes query, version and market run from the request URL", () => {
  assert.deepEqual(queryIdentity(DATASETS.lmp_dam, EXCERPT_URL), {
    query: "PRC_LMP",
    version: 1,
    market_run_id: "DAM",
  });
});

Deno.test("queryIdentity() falls back to the dataset table when the URL says nothing", () => {
  assert.deepEqual(queryIdentity(DATASETS.lmp_dam, "not a url"), {
    query: "PRC_LMP",
    version: 12,
    market_run_id: "DAM",
  });
  assert.deepEqual(queryIdentity(DATASETS.crr, "", "CRR_INVENTORY"), {
    query: "CRR_INVENTORY",
    version: 1,
    market_run_id: null,
  });
});

Deno.test("buildEnvelope() carries normalized fields, raw columns and provenance, and validates", () => {
  const row = excerptFetch().result.rows[0]!;
  const envelope = buildEnvelope(row, queryIdentity(DATASETS.lmp_dam, EXCERPT_URL), ctx());
  const checked = validateEnvelope(envelope);
  assert.ok(checked.ok, checked.ok ? "" : checked.reason);
  assert.deepEqual(envelope, {
    schema: "caiso_oasis.bronze.raw_row.v1",
    source: "caiso_oasis",
    dataset: "lmp_dam",
    query: "PRC_LMP",
    version: 1,
    market_run_id: "DAM",
    report: row.report,
    node: "TH_NP15_GEN-APND",
    qualifier: null,
    interval_start: "2020-01-02T01:00:00Z",
    interval_end: "2020-01-02T02:00:00Z",
    opr_date: "2020-01-01",
    opr_hour: 18,
    opr_interval: 0,
    component: "LMP",
    value: 38.1942,
    raw: row.raw,
    provenance: {
      request_url: EXCERPT_URL,
      final_url: EXCERPT_URL,
      source_file: "excerpt_PRC_LMP_DAM_v1_trading_hubs_2020-01-02Z.csv",
      row_number: 1,
      fetched_at: "2020-07-01T00:00:00.000Z",
      ingested_at: "2020-07-01T00:00:01.000Z",
      content_hash: contentHash(row.raw),
    },
    revision: 0,
    revision_reason: null,
  });
});

Deno.test("buildDeadLetter() keeps the reason, the raw row and provenance, and matches its schema", () => {
  const problem = {
    reason: 'Cannot read column "MW": "abc" is not a number',
    raw: { MW: "abc", NODE: "X" },
    source_file: "f.csv",
    row_number: 7,
  };
  const record = buildDeadLetter(problem, queryIdentity(DATASETS.lmp_dam, EXCERPT_URL), "t.raw.v1", ctx());
  assert.equal(deadLetterSchema.safeParse(record).success, true);
  assert.equal(record.reason, problem.reason);
  assert.deepEqual(record.raw, problem.raw);
  assert.equal(record.topic, "t.raw.v1");
  assert.equal(record.provenance.row_number, 7);
  assert.equal(
    deadLetterKey("lmp_dam", record.provenance.content_hash),
    `lmp_dam|dead_letter|${contentHash(problem.raw)}`,
  );
});
