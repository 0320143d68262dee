/** The library (`mod.ts`): `CaisoOasisConnector` against the OASIS simulator over HTTP, embedded defaults. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { alignToIntervals, CaisoOasisConnector, type ExtractResult, loadConfig, toInstant } from "../mod.ts";
import { bronzeKey } from "../src/bronze/envelope.ts";
import { startSimulator } from "../simulator/simulator.ts";
import { openKvStore } from "../src/store/kv_store.ts";
import { hoursInDay, nextDate, operatingDate, pacificMidnight } from "../src/oasis/time.ts";

const NP15 = "TH_NP15_GEN-APND";

/** Settings of a connector on the embedded defaults with every file under `dir`. */
function envFor(dir: string, baseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    CAISO_OASIS_BASE_URL: baseUrl,
    CAISO_OASIS_MIN_INTERVAL_MS: "0",
    CAISO_OASIS_BACKOFF_MS: "0",
    BRONZE_DIR: join(dir, "bronze"),
    BRONZE_OUTBOX_PATH: join(dir, "outbox.kv"),
    STORE_KV_PATH: join(dir, "hot.kv"),
    JOBS_KV_PATH: join(dir, "jobs.kv"),
    ...extra,
  };
}

async function withConnector(
  extra: Record<string, string>,
  body: (
    c: CaisoOasisConnector,
    ctx: { dir: string; sim: ReturnType<typeof startSimulator> },
  ) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "connector-test-" });
  const sim = startSimulator({ port: 0 });
  const connector = new CaisoOasisConnector(loadConfig(envFor(dir, sim.url, extra)));
  try {
    await body(connector, { dir, sim });
  } finally {
    await connector.close();
    await sim.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
}

async function ndjsonLines(dir: string, topic: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const e of Deno.readDir(join(dir, "bronze", topic))) {
    const text = await Deno.readTextFile(join(dir, "bronze", topic, e.name));
    out.push(...text.split("\n").filter(Boolean).map((l) => JSON.parse(l)));
  }
  return out;
}

Deno.test("toInstant() takes Dates, zoned ISO-8601 and Pacific dates, and refuses a time without a zone", () => {
  assert.equal(toInstant("2024-01-01T00:00:00Z", "start").toISOString(), "2024-01-01T00:00:00.000Z");
  assert.equal(toInstant("2024-01-01T00:00:00-08:00", "start").toISOString(), "2024-01-01T08:00:00.000Z");
  assert.equal(toInstant(new Date("2024-07-01T12:00:00Z"), "end").toISOString(), "2024-07-01T12:00:00.000Z");
  // A date alone is the Pacific midnight that starts the operating day (PDT in July).
  assert.equal(toInstant("2024-07-01", "start").toISOString(), "2024-07-01T07:00:00.000Z");
  assert.throws(
    () => toInstant("2024-01-01T00:00:00", "start"),
    /Invalid start "2024-01-01T00:00:00".*Z or an offset/,
  );
  assert.throws(() => toInstant("yesterday", "end"), /Invalid end "yesterday"/);
  assert.throws(() => toInstant(new Date(NaN), "end"), /Invalid end: the Date is invalid/);
  assert.throws(() => toInstant("2024-02-30", "start"), RangeError);
});

Deno.test("alignToIntervals() widens a range to whole intervals, and to Pacific days for daily data", () => {
  const at = (s: string) => new Date(s);
  const rt = alignToIntervals("lmp_rtm", at("2024-01-01T00:07:00Z"), at("2024-01-01T00:12:00Z"));
  assert.deepEqual([rt.start.toISOString(), rt.end.toISOString()], [
    "2024-01-01T00:05:00.000Z",
    "2024-01-01T00:15:00.000Z",
  ]);
  const da = alignToIntervals("lmp_dam", at("2024-01-01T00:30:00Z"), at("2024-01-01T01:00:00Z"));
  assert.deepEqual([da.start.toISOString(), da.end.toISOString()], [
    "2024-01-01T00:00:00.000Z",
    "2024-01-01T01:00:00.000Z",
  ]);
  // CRR is polled by operating day; the 2024-03-10 day (DST) has 23 hours.
  const crr = alignToIntervals("crr", at("2024-03-10T12:00:00Z"), at("2024-03-10T13:00:00Z"));
  assert.deepEqual([crr.start.toISOString(), crr.end.toISOString()], [
    "2024-03-10T08:00:00.000Z",
    "2024-03-11T07:00:00.000Z",
  ]);
});

Deno.test("extract() then transform() give one validated, keyed Bronze envelope per source row", async () => {
  await withConnector({}, async (connector) => {
    const result = await connector.extract({
      dataType: "lmp_dam",
      start: "2024-01-01T00:00:00Z",
      end: "2024-01-01T01:00:00Z",
      node: NP15,
    });
    assert.equal(result.requests, 1);
    assert.deepEqual(result.failures, []);
    assert.ok(result.rows.length >= 4, `rows: ${result.rows.length}`);
    assert.ok(result.rows.every((r) => r.node === NP15));
    assert.ok(result.rows.every((r) => Date.parse(r.interval_start) === Date.parse("2024-01-01T00:00:00Z")));
    const components = new Set(result.rows.map((r) => r.component));
    for (const c of ["LMP", "MCE", "MCC", "MCL"]) assert.ok(components.has(c), `component ${c}`);
    const records = await connector.transform(result);
    const topic = connector.getOutputTopic("lmp_dam");
    assert.equal(topic, "ingestion.market.caiso.lmp.dam.raw.v1");
    assert.equal(records.length, result.rows.length);
    for (const [i, rec] of records.entries()) {
      const row = result.rows[i]!;
      assert.equal(rec.topic, topic);
      assert.equal(rec.deadLetter, false);
      assert.equal(rec.key, bronzeKey("lmp_dam", row));
      assert.equal(rec.value.value, row.value);
      assert.equal(rec.value.source, "caiso_oasis");
      assert.equal(rec.headers["content-type"], "application/json");
      assert.equal(rec.headers.dataset, "lmp_dam");
      assert.equal(rec.value.schema, `${rec.headers["schema-name"]}.v${rec.headers["schema-version"]}`);
      const provenance = rec.value.provenance as Record<string, unknown>;
      assert.match(String(provenance.request_url), /queryname=PRC_LMP/);
      assert.match(String(provenance.request_url), /node=TH_NP15_GEN-APND/);
    }
  });
});

Deno.test("transform() turns a row that could not be normalized into a dead letter with its reason", async () => {
  await withConnector({}, async (connector) => {
    const result = await connector.extract({
      dataType: "lmp_rtm",
      start: new Date("2024-01-01T00:00:00Z"),
      end: new Date("2024-01-01T00:10:00Z"),
      node: NP15,
    });
    assert.ok(result.rows.length > 0);
    const answer = result.answers[0]!;
    assert.equal(answer.fetch.result.kind, "rows");
    const bad = {
      reason: 'Column "VALUE" is "n/a", not a number',
      raw: { VALUE: "n/a" },
      source_file: "x.csv",
      row_number: 7,
    };
    const withProblem: ExtractResult = {
      ...result,
      answers: [{
        ...answer,
        fetch: {
          ...answer.fetch,
          result: answer.fetch.result.kind === "rows"
            ? { ...answer.fetch.result, problems: [bad] }
            : answer.fetch.result,
        },
      }],
    };
    const records = await connector.transform(withProblem);
    const dead = records.filter((r) => r.deadLetter);
    assert.equal(dead.length, 1);
    assert.equal(dead[0]!.topic, "ingestion.market.caiso.lmp.rtm.raw.v1.dlq");
    assert.equal(dead[0]!.value.reason, bad.reason);
    assert.deepEqual(dead[0]!.value.raw, bad.raw);
    assert.equal(
      records.length - dead.length,
      answer.fetch.result.kind === "rows" ? answer.fetch.result.rows.length : 0,
    );
  });
});

Deno.test("extract() lists a request that failed after retries and keeps the rows of the others", async () => {
  const nodes = Array.from({ length: 11 }, (_, i) => `NODE_${i}`);
  await withConnector({ CAISO_OASIS_MAX_ATTEMPTS: "1" }, async (connector, { sim }) => {
    sim.simulator.faults.add({ kind: "http500" });
    const result = await connector.extract({
      dataType: "lmp_fmm",
      start: "2024-01-01T00:00:00Z",
      end: "2024-01-01T01:00:00Z",
      nodes,
    });
    assert.equal(result.requests, 2, "eleven nodes are two requests of at most ten");
    assert.equal(result.failures.length, 1);
    assert.match(result.failures[0]!.url, /queryname=PRC_RTPD_LMP/);
    assert.match(result.failures[0]!.message, /500/);
    assert.equal(result.answers.length, 1);
    assert.ok(result.rows.length > 0);
  });
});

Deno.test("extract() refuses bad arguments with a message naming them", async () => {
  await withConnector({}, async (connector) => {
    const base = { dataType: "lmp_dam" as const, start: "2024-01-01T00:00:00Z", end: "2024-01-01T01:00:00Z" };
    await assert.rejects(
      connector.extract({ ...base, dataType: "lmp_xyz" as "lmp_dam" }),
      /Unknown dataType "lmp_xyz"/,
    );
    await assert.rejects(connector.extract({ ...base, end: base.start }), /end .* is not after start/);
    await assert.rejects(connector.extract({ ...base, start: "2024-01-01 00:00" }), /Invalid start/);
    await assert.rejects(
      connector.extract({ ...base, node: NP15, nodes: [NP15] }),
      /node or nodes, not both/,
    );
    await assert.rejects(connector.extract({ ...base, nodes: ["bad node"] }), /Invalid node "bad node"/);
    assert.throws(() => connector.getOutputTopic("nope" as "lmp_dam"), /Unknown dataType "nope"/);
  });
});

Deno.test("getOutputTopic() follows BRONZE_TOPICS", async () => {
  await withConnector({ BRONZE_TOPICS: "lmp_dam=my.lmp.dam" }, (connector) => {
    assert.equal(connector.getOutputTopic("lmp_dam"), "my.lmp.dam");
    assert.equal(connector.getOutputTopic("crr"), "ingestion.market.caiso.crr.raw.v1");
    return Promise.resolve();
  });
});

Deno.test("runBatch() loads days into Bronze and the store, and a second run sends nothing twice", async () => {
  await withConnector({ OASIS_DATASETS: "lmp_dam" }, async (connector, { dir, sim }) => {
    // Recent days: the store keeps 30 days of day-ahead prices and ignores older ones.
    const from = operatingDate(new Date(Date.now() - 4 * 86_400_000));
    const to = nextDate(from);
    const first = await connector.runBatch({ startDate: from, endDate: to });
    assert.deepEqual(first.failures, []);
    assert.equal(first.plan.datasets[0]!.dataset, "lmp_dam");
    const counts = first.datasets.get("lmp_dam")!;
    assert.ok(counts.rows > 0 && counts.published === counts.rows, JSON.stringify(counts));
    assert.deepEqual(first.bronze, {
      sink: "ndjson",
      committed: counts.rows,
      earlier: 0,
      acknowledged: counts.rows,
      held: 0,
    }, "runBatch() returns once the sink has every row");
    assert.equal(
      await ndjsonLines(dir, "ingestion.market.caiso.lmp.dam.raw.v1").then((l) => l.length),
      counts.rows,
    );
    const again = await connector.runBatch({ startDate: from, endDate: to });
    assert.equal(again.datasets.get("lmp_dam")!.published, 0, "re-fetched intervals are not sent again");
    assert.equal(await connector.close(), 0, "the outbox drains on close");
    const lines = await ndjsonLines(dir, "ingestion.market.caiso.lmp.dam.raw.v1");
    assert.equal(lines.length, counts.rows);
    assert.equal(sim.simulator.requests.length, first.requests + again.requests);
    // The store has every day-ahead hour of both days (23, 24 or 25 each).
    const store = await openKvStore({ config: loadConfig(envFor(dir, sim.url)).store });
    try {
      const da = await store.history("np15", "DA", {
        from: pacificMidnight(from),
        to: new Date(pacificMidnight(nextDate(to)).getTime() - 1),
      });
      assert.equal(da.value.length, hoursInDay(from) + hoursInDay(to));
    } finally {
      await store.close();
    }
  });
});

Deno.test("priceCorrections() fetches a day CAISO corrected again and publishes its changed hours as revisions", async () => {
  await withConnector({ OASIS_DATASETS: "lmp_dam", OASIS_NODES: NP15 }, async (connector, { dir, sim }) => {
    const day = operatingDate(new Date(Date.now() - 4 * 86_400_000));
    await connector.runBatch({ startDate: day, endDate: day });
    const told = await fetch(new URL("/sim/corrections", sim.url), {
      method: "POST",
      body: JSON.stringify({ market: "DAM", trade_date: day, hours: [10], delta: 5 }),
    });
    assert.equal(told.status, 201);
    await told.body?.cancel();
    const summary = await connector.priceCorrections(new Date());
    assert.equal(summary.outcome, "done");
    assert.deepEqual(summary.refetched, [`lmp_dam@${day}`]);
    assert.equal(summary.revised, 2, "LMP and MCE of hour ending 10");
    await connector.close();
    const lines = await ndjsonLines(dir, "ingestion.market.caiso.lmp.dam.raw.v1");
    const revised = lines.filter((l) => l.revision === 1);
    assert.deepEqual(revised.map((l) => [l.component, l.opr_hour, l.revision_reason]).sort(), [
      ["LMP", 10, "price_correction"],
      ["MCE", 10, "price_correction"],
    ]);
  });
});

Deno.test("runRealtime() runs one pass of every configured dataset at the given time", async () => {
  await withConnector({ OASIS_DATASETS: "lmp_rtm,as_fmm", OASIS_NODES: NP15 }, async (connector) => {
    const now = new Date(Date.now() - 3_600_000);
    const passes = await connector.runRealtime({ now });
    assert.deepEqual(passes.map((p) => p.dataset), ["lmp_rtm", "as_fmm"]);
    for (const p of passes) {
      assert.ok(p.outcome === "done" || p.outcome === "partial", `${p.dataset}: ${p.outcome}`);
      assert.ok(p.rows > 0, `${p.dataset}: ${p.rows} rows`);
      assert.ok(p.watermark !== null);
    }
    // A second pass at the same time finds nothing left to ask for.
    const again = await connector.runRealtime({ now });
    assert.ok(again.every((p) => p.published === 0), JSON.stringify(again));
  });
});

Deno.test("a closed connector refuses further calls", async () => {
  await withConnector({}, async (connector) => {
    await connector.close();
    await assert.rejects(
      connector.extract({ dataType: "lmp_dam", start: "2024-01-01", end: "2024-01-02" }),
      /The connector is closed/,
    );
  });
});
