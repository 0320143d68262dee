import assert from "node:assert/strict";
import { createBronzeMetrics } from "../../src/bronze/metrics.ts";
import { Outbox, OutboxFullError } from "../../src/bronze/outbox.ts";
import { BronzePublisher } from "../../src/bronze/publisher.ts";
import { deadLetterSchema, validateEnvelope } from "../../src/bronze/schema.ts";
import type { BronzeMessage } from "../../src/bronze/sink.ts";
import type { OasisRow } from "../../src/oasis/row.ts";
import { excerptFetch } from "./bronze_fixtures.ts";

const TOPIC = "ingestion.market.caiso.lmp.dam.raw.v1";
const NOW = () => new Date("2020-07-01T00:00:05Z");

async function setup(maxRows = 10_000) {
  const kv = await Deno.openKv(":memory:");
  const metrics = createBronzeMetrics();
  const outbox = await Outbox.open({ kv, maxRows, metrics });
  const publisher = new BronzePublisher({ outbox, metrics, now: NOW });
  const committed = async (): Promise<BronzeMessage[]> => (await outbox.read(1e9))?.messages.slice() ?? [];
  return { kv, metrics, outbox, publisher, committed };
}

Deno.test("publish() commits one valid envelope per row to the dataset's topic, keyed by fact", async () => {
  const { kv, metrics, publisher, committed } = await setup();
  const fetch = excerptFetch();
  const counts = await publisher.publish(fetch, "lmp_dam");
  assert.deepEqual(counts, { rows: 288, accepted: 288, deadLettered: 0 });
  const sent = await committed();
  assert.equal(sent.length, 288);
  assert.ok(sent.every((m) => m.topic === TOPIC));
  assert.equal(new Set(sent.map((m) => m.key)).size, 288);
  assert.ok(sent.some((m) => m.key === "lmp_dam|TH_SP15_GEN-APND|LMP|2020-01-02T16:00:00Z"));
  for (const m of sent) assert.ok(validateEnvelope(JSON.parse(m.value)).ok);
  assert.deepEqual(sent[0]!.headers, {
    "content-type": "application/json",
    "schema-name": "caiso_oasis.bronze.raw_row",
    "schema-version": "1",
    "dataset": "lmp_dam",
  });
  const first = JSON.parse(sent[0]!.value);
  assert.equal(first.provenance.ingested_at, "2020-07-01T00:00:05.000Z");
  assert.deepEqual(first.raw, fetch.result.rows[0]!.raw);
  assert.equal(metrics.accepted, 288);
  kv.close();
});

Deno.test("publish() sends an invalid row to the dead-letter topic with its reason and raw row; siblings go on", async () => {
  const { kv, metrics, publisher, committed } = await setup();
  const fetch = excerptFetch();
  const rows: OasisRow[] = fetch.result.rows.slice(0, 3);
  rows[1] = { ...rows[1]!, interval_start: "yesterday" };
  const problems = [{
    reason: 'Cannot read "MW": "n/a" is not a number',
    raw: { MW: "n/a" },
    source_file: "f.csv",
    row_number: 9,
  }];
  const counts = await publisher.publish(
    { ...fetch, result: { kind: "rows", rows, problems, files: [] } },
    "lmp_dam",
  );
  assert.deepEqual(counts, { rows: 4, accepted: 2, deadLettered: 2 });
  const sent = await committed();
  assert.deepEqual(sent.map((m) => m.topic), [TOPIC, `${TOPIC}.dlq`, TOPIC, `${TOPIC}.dlq`]);
  const bad = JSON.parse(sent[1]!.value);
  assert.equal(deadLetterSchema.safeParse(bad).success, true);
  assert.match(bad.reason, /interval_start/);
  assert.deepEqual(bad.raw, rows[1]!.raw);
  assert.equal(bad.topic, TOPIC);
  assert.equal(sent[1]!.headers["schema-name"], "caiso_oasis.bronze.dead_letter");
  const problem = JSON.parse(sent[3]!.value);
  assert.equal(problem.reason, problems[0]!.reason);
  assert.deepEqual(problem.raw, { MW: "n/a" });
  assert.equal(problem.provenance.row_number, 9);
  assert.equal(metrics.dlq, 2);
  assert.equal(metrics.accepted, 2);
  kv.close();
});

Deno.test("publish() turns a row that throws while being built into a dead letter instead of failing", async () => {
  const { kv, publisher, committed } = await setup();
  const fetch = excerptFetch();
  const broken = { ...fetch.result.rows[0]!, raw: null as unknown as Record<string, string> };
  const rows = [broken, fetch.result.rows[1]!];
  const counts = await publisher.publish({
    ...fetch,
    result: { kind: "rows", rows, problems: [], files: [] },
  }, "lmp_dam");
  assert.deepEqual(counts, { rows: 2, accepted: 1, deadLettered: 1 });
  assert.match(JSON.parse((await committed())[0]!.value).reason, /^Cannot build envelope/);
  kv.close();
});

Deno.test("publish() of the same answer twice gives the same set of keys", async () => {
  const { kv, publisher, committed } = await setup();
  await publisher.publish(excerptFetch(), "lmp_dam");
  const once = new Set((await committed()).map((m) => m.key));
  await publisher.publish(excerptFetch(), "lmp_dam");
  const all = await committed();
  assert.equal(all.length, 576);
  assert.deepEqual(new Set(all.map((m) => m.key)), once);
  kv.close();
});

Deno.test("publish() of a no-data answer commits nothing", async () => {
  const { kv, publisher, outbox } = await setup();
  const counts = await publisher.publish({
    ...excerptFetch(),
    result: { kind: "no-data", code: 1000, description: "No data returned", file: "x.xml" },
  }, "lmp_dam");
  assert.deepEqual(counts, { rows: 0, accepted: 0, deadLettered: 0 });
  assert.equal(outbox.depth, 0);
  kv.close();
});

Deno.test("publish() rejects with OutboxFullError when the outbox is full, so the watermark stays", async () => {
  const { kv, metrics, outbox, publisher } = await setup(300);
  const fetch = excerptFetch();
  await publisher.publish(
    { ...fetch, result: { ...fetch.result, rows: fetch.result.rows.slice(0, 20) } },
    "lmp_dam",
  );
  await assert.rejects(publisher.publish(excerptFetch(), "lmp_dam"), OutboxFullError);
  assert.equal(metrics.outboxRejected, 288);
  assert.equal(metrics.accepted, 20);
  assert.equal(outbox.depth, 20, "none of the refused answer was committed");
  kv.close();
});

Deno.test("publish() uses a configured topic override", async () => {
  const kv = await Deno.openKv(":memory:");
  const outbox = await Outbox.open({ kv, maxRows: 1000 });
  const publisher = new BronzePublisher({ outbox, topics: { lmp_dam: "custom.lmp" } });
  await publisher.publish(excerptFetch(), "lmp_dam");
  assert.ok((await outbox.read(1000))!.messages.every((m) => m.topic === "custom.lmp"));
  kv.close();
});
