/**
 * Integration tests against a real Kafka broker (`scripts/kafka.sh`). They need KAFKA_BOOTSTRAP_SERVERS
 * (`scripts/with_services.sh` starts the broker and exports it) and fail loudly without it. The outage test stops
 * and restarts a second broker of its own, started by the same script on free ports, so that tests
 * running in parallel on the shared broker are not disturbed.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type Bronze, createBronze } from "../../src/bronze/bronze_service.ts";
import { unframeConfluent } from "../../src/bronze/schema_registry.ts";
import { loadBronzeConfig } from "../../src/bronze/settings.ts";
import type { BronzeMessage } from "../../src/bronze/sink.ts";
import { parseResponse } from "../../src/oasis/parse.ts";
import type { OasisRow } from "../../src/oasis/row.ts";
import type { PublishInput } from "../../src/bronze/publisher.ts";
import { excerptFetch } from "./bronze_fixtures.ts";
import { fakeRegistry } from "./fake_registry.ts";
import {
  assertReachable,
  bootstrap,
  consumeAll,
  type Consumed,
  ownBroker,
  waitFor,
} from "./kafka_fixtures.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const RUN = `${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 6)}`;
const NOW = () => new Date("2026-01-01T00:00:00Z");

/** Topic names unique to this run, so reruns never see old messages. */
function topicsFor(test: string): { lmp: string; as: string } {
  return {
    lmp: `ingestion.market.caiso.lmp.dam.raw.v1.it-${test}-${RUN}`,
    as: `ingestion.market.caiso.as.dam.raw.v1.it-${test}-${RUN}`,
  };
}

async function startBronze(
  servers: string,
  topics: { lmp: string; as: string },
  extra: Record<string, string> = {},
) {
  const kv = await Deno.openKv(":memory:");
  const logs: string[] = [];
  const config = loadBronzeConfig({
    KAFKA_BOOTSTRAP_SERVERS: servers,
    BRONZE_TOPICS: `lmp_dam=${topics.lmp},as_dam=${topics.as}`,
    BRONZE_LINGER_MS: "0",
    ...extra,
  });
  const bronze = await createBronze(config, {
    kv,
    datasets: ["lmp_dam", "as_dam"],
    log: (level, msg, fields) => logs.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`),
  });
  await bronze.start();
  return { kv, bronze, logs };
}

async function stopBronze({ kv, bronze }: { kv: Deno.Kv; bronze: Bronze }): Promise<void> {
  await bronze.close(10_000);
  kv.close();
}

/** A simulator-free answer: hourly AS prices for two regions and four types, plus one impossible row. */
function asAnswer(): PublishInput {
  const rows: OasisRow[] = [];
  for (const region of ["AS_CAISO_EXP", "AS_SP26_EXP"]) {
    for (const type of ["RU", "RD", "SR", "NR"]) {
      for (let h = 0; h < 24; h++) {
        const start = new Date(Date.UTC(2020, 0, 2, 8 + h)).toISOString().replace(".000Z", "Z");
        const end = new Date(Date.UTC(2020, 0, 2, 9 + h)).toISOString().replace(".000Z", "Z");
        const mw = (1.5 + h / 10).toFixed(2);
        rows.push({
          dataset: "as_dam",
          report: "PRC_AS",
          node: region,
          qualifier: null,
          interval_start: start,
          interval_end: end,
          opr_date: "2020-01-02",
          opr_hour: h + 1,
          opr_interval: 0,
          component: type,
          value: Number(mw),
          raw: {
            INTERVALSTARTTIME_GMT: start.replace("Z", "-00:00"),
            INTERVALENDTIME_GMT: end.replace("Z", "-00:00"),
            OPR_DT: "2020-01-02",
            OPR_HR: String(h + 1),
            ANC_TYPE: type,
            ANC_REGION: region,
            MARKET_RUN_ID: "DAM",
            MW: mw,
          },
          source_file: "20200102_20200102_PRC_AS_DAM_v12.csv",
          row_number: rows.length + 1,
        });
      }
    }
  }
  rows.push({
    ...rows[0]!,
    value: Number.NaN,
    row_number: rows.length + 1,
    raw: { ...rows[0]!.raw, MW: "NaN" },
  });
  const url = "https://oasis.caiso.com/oasisapi/SingleZip?resultformat=6&queryname=PRC_AS&version=12" +
    "&market_run_id=DAM&startdatetime=20200102T08:00-0000&enddatetime=20200103T08:00-0000&anc_type=ALL";
  return {
    result: { kind: "rows", rows, problems: [], files: [] },
    url,
    finalUrl: url,
    fetchedAt: NOW().toISOString(),
  };
}

/** What the outbox holds right now (read before the drainer takes it), as the messages expected in Kafka. */
async function outboxContents(bronze: Bronze): Promise<BronzeMessage[]> {
  return (await bronze.outbox.read(Number.MAX_SAFE_INTEGER))?.messages.slice() ?? [];
}

Deno.test("[kafka] a backfill's rows and dead letters are consumed back with every key, value and header", async () => {
  const servers = bootstrap();
  await assertReachable(servers);
  const topics = topicsFor("roundtrip");
  const kv = await Deno.openKv(":memory:");
  // Publish into the outbox first (drainer not yet started) to know exactly what must arrive.
  const config = loadBronzeConfig({
    KAFKA_BOOTSTRAP_SERVERS: servers,
    BRONZE_TOPICS: `lmp_dam=${topics.lmp},as_dam=${topics.as}`,
    BRONZE_LINGER_MS: "0",
  });
  const bronze = await createBronze(config, { kv, datasets: ["lmp_dam", "as_dam"] });
  try {
    const lmp = await bronze.publisher.publish(excerptFetch(), "lmp_dam");
    const as = await bronze.publisher.publish(asAnswer(), "as_dam");
    assert.deepEqual(lmp, { rows: 288, accepted: 288, deadLettered: 0 });
    assert.deepEqual(as, { rows: 193, accepted: 192, deadLettered: 1 });
    const expected = await outboxContents(bronze);
    await bronze.start();
    await (async () => {
      while (bronze.outbox.depth > 0) await new Promise((r) => setTimeout(r, 50));
    })();
    const consumed = await consumeAll(servers, [
      topics.lmp,
      topics.as,
      `${topics.as}.dlq`,
      `${topics.lmp}.dlq`,
    ]);
    assert.equal(consumed.length, expected.length);
    const decoder = new TextDecoder();
    const byKey = new Map(consumed.map((c) => [`${c.topic}\u0000${c.key}`, c]));
    for (const m of expected) {
      const c = byKey.get(`${m.topic}\u0000${m.key}`);
      assert.ok(c, `message ${m.key} missing from ${m.topic}`);
      assert.equal(decoder.decode(c.value), m.value);
      assert.deepEqual(c.headers, m.headers);
    }
    const dead = consumed.find((c) => c.topic === `${topics.as}.dlq`)!;
    assert.match(JSON.parse(decoder.decode(dead.value)).reason, /value/);
  } finally {
    await bronze.close(10_000);
    kv.close();
  }
});

Deno.test("[kafka] running the same backfill twice leaves the set of keys unchanged", async () => {
  const servers = bootstrap();
  await assertReachable(servers);
  const topics = topicsFor("twice");
  const run = await startBronze(servers, topics);
  try {
    await run.bronze.publisher.publish(excerptFetch(), "lmp_dam");
    while (run.bronze.outbox.depth > 0) await new Promise((r) => setTimeout(r, 50));
    const once = await consumeAll(servers, [topics.lmp]);
    await run.bronze.publisher.publish(excerptFetch(), "lmp_dam");
    while (run.bronze.outbox.depth > 0) await new Promise((r) => setTimeout(r, 50));
    const twice = await consumeAll(servers, [topics.lmp]);
    assert.equal(once.length, 288);
    assert.equal(twice.length, 576);
    const keys = (list: Consumed[]) => new Set(list.map((c) => c.key));
    assert.deepEqual(keys(twice), keys(once));
    assert.equal(keys(once).size, 288);
  } finally {
    await stopBronze(run);
  }
});

Deno.test("[kafka] values are Confluent-framed envelopes when a schema registry is configured", async () => {
  const servers = bootstrap();
  await assertReachable(servers);
  const topics = topicsFor("registry");
  const registry = fakeRegistry();
  try {
    const run = await startBronze(servers, topics, { SCHEMA_REGISTRY_URL: registry.url });
    try {
      await run.bronze.publisher.publish(excerptFetch(), "lmp_dam");
      while (run.bronze.outbox.depth > 0) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await stopBronze(run);
    }
    const consumed = await consumeAll(servers, [topics.lmp]);
    assert.equal(consumed.length, 288);
    const lmpId = registry.subjects.get(`${topics.lmp}-value`)![0]!;
    for (const c of consumed) {
      const { schemaId, payload } = unframeConfluent(c.value);
      assert.equal(schemaId, lmpId);
      assert.equal(JSON.parse(new TextDecoder().decode(payload)).schema, "caiso_oasis.bronze.raw_row.v1");
    }
  } finally {
    await registry.server.shutdown();
  }
});

// --- broker outage -------------------------------------------------------------------------------------

Deno.test("[kafka] every row arrives when the broker stops in the middle of a run and comes back", async () => {
  await outageRoundTrip("outage", {});
});

Deno.test("[kafka] with KAFKA_CLIENT=librdkafka every row arrives when the broker stops and comes back", async () => {
  await outageRoundTrip("outage-rdk", { KAFKA_CLIENT: "librdkafka" });
});

/** Publishes 24,000 rows with the broker stopped halfway; all must arrive once it is back. */
async function outageRoundTrip(name: string, extra: Record<string, string>): Promise<void> {
  bootstrap(); // same requirement as the other tests: the jars and Java the shared broker uses
  const broker = await ownBroker();
  try {
    const line = await broker.script("start");
    assert.equal(line.split("\n").at(-1), `KAFKA_BOOTSTRAP_SERVERS=${broker.servers}`);
    const topics = topicsFor(name);
    const run = await startBronze(broker.servers, topics, { BRONZE_BATCH_MAX_ROWS: "500", ...extra });
    try {
      const zip = Deno.readFileSync(
        `${ROOT}tests/fixtures/oasis-samples/singlezip_PRC_LMP_DAM_v1_ALL_APNODES_start-20200102T00Z.zip`,
      );
      const parsed = parseResponse(zip);
      assert.equal(parsed.kind, "rows");
      const rows = parsed.kind === "rows" ? parsed.rows.slice(0, 24_000) : [];
      const base = {
        ...excerptFetch(),
        result: { kind: "rows" as const, rows: [], problems: [], files: [] },
      };
      const part = (from: number, to: number): PublishInput => ({
        ...base,
        result: { kind: "rows", rows: rows.slice(from, to), problems: [], files: [] },
      });

      await run.bronze.publisher.publish(part(0, 12_000), "lmp_dam");
      await waitFor("the first acknowledgements", () => run.bronze.metrics.published > 0, 60_000);
      await broker.script("stop");
      await run.bronze.publisher.publish(part(12_000, 24_000), "lmp_dam");
      assert.ok(run.bronze.outbox.depth > 0, "rows wait in the outbox while the broker is down");
      await broker.script("start");
      await waitFor("the outbox to drain", () => run.bronze.outbox.depth === 0, 180_000);

      const consumed = await consumeAll(broker.servers, [topics.lmp]);
      const keys = new Set(consumed.map((c) => c.key));
      assert.equal(keys.size, 24_000, "count by key equals the rows published");
      assert.ok(consumed.length >= 24_000);
    } finally {
      await stopBronze(run);
    }
  } finally {
    await broker.dispose();
  }
}
