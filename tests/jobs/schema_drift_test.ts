/**
 * Schema drift through the real poll path: the simulator serves a renamed, an added and a dropped column;
 * the poll parses by name, the tracker logs each new difference once and counts it, `/health` is degraded
 * with a `schema` check naming the dataset and the difference, and the rows that cannot be read are dead
 * letters with the reason, while the others still reach the Bronze topic.
 */
import assert from "node:assert/strict";
import { pollDataset } from "../../src/jobs/poll.ts";
import { SchemaDriftTracker } from "../../src/jobs/schema_drift.ts";
import type { LogLevel } from "../../src/log.ts";
import type { Metrics } from "../../src/metrics/metrics.ts";
import { startEdge } from "../routes/helpers.ts";
import { frozenSimulator, memoryBackends, memoryBronze, pollDeps, testClock } from "./helpers.ts";

const NOW = "2026-07-01T20:00:00Z";
const QUERY = "PRC_INTVL_LMP"; // lmp_rtm, value column VALUE

async function driftCounts(metrics: Metrics): Promise<Record<string, number>> {
  const text = await metrics.registry.metrics();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^oasis_schema_drift_total\{dataset="(\w+)",kind="(\w+)"\} (\d+)$/gm)) {
    out[`${m[1]}/${m[2]}`] = Number(m[3]);
  }
  return out;
}

Deno.test("a renamed, an added and a dropped column: logged once each, counted, /health degraded, unreadable rows dead-lettered", async () => {
  const sim = frozenSimulator(NOW);
  const clock = testClock(NOW);
  const backends = await memoryBackends(clock);
  const { publisher, messages } = memoryBronze();
  const logs: Array<{ level: LogLevel; msg: string; fields?: Record<string, unknown> }> = [];
  // /health reads the tracker (declared below) only when it is asked.
  const edge = await startEdge({
    health: () => ({ breaker: "closed", schema: schema.drifted }),
    seed: false,
  });
  const schema = new SchemaDriftTracker({
    log: (level, msg, fields) => logs.push({ level, msg, fields }),
    count: (dataset, kind) => edge.metrics.schemaDrift(dataset, kind),
    now: clock.fn,
  });
  const deps = { ...pollDeps(sim, backends, publisher), schema };
  const poll = async (minutes: number) => {
    const t = new Date(Date.parse(NOW) + minutes * 60_000);
    sim.at(t);
    clock.now = t;
    const from = messages.length;
    const summary = await pollDataset("lmp_rtm", deps, t);
    assert.deepEqual(summary.failures, []);
    const sent = messages.slice(from);
    return {
      rows: sent.filter((m) => !m.topic.endsWith(".dlq")).length,
      dead: sent.filter((m) => m.topic.endsWith(".dlq")).map((m) => JSON.parse(m.value).reason as string),
    };
  };
  const health = async () => (await (await edge.request("/health")).json());
  const driftLogs = () => logs.filter((l) => l.msg === "OASIS report columns changed");
  try {
    await backends.coordination.advanceWatermark("lmp_rtm", new Date(Date.parse(NOW) - 30 * 60_000));
    assert.equal((await health()).status, "ok");

    // Renamed value column: no row can be read; every one is a dead letter naming the column.
    sim.faults.add({ kind: "renamedColumn", from: "VALUE", to: "PRICE", query: QUERY, count: 2 });
    const renamed = await poll(0);
    assert.equal(renamed.rows, 0);
    assert.ok(renamed.dead.length > 0);
    assert.deepEqual(
      new Set(renamed.dead),
      new Set(['Missing column "VALUE" (the header has "PRICE" in its place)']),
    );
    assert.equal(driftLogs().length, 1);
    assert.equal(driftLogs()[0]!.level, "warn");
    assert.deepEqual(driftLogs()[0]!.fields?.renamed, [{ from: "VALUE", to: "PRICE" }]);
    assert.deepEqual(driftLogs()[0]!.fields?.unreadable, ["VALUE"]);
    let body = await health();
    assert.equal(body.status, "degraded");
    assert.equal(body.checks.schema.ok, false);
    assert.deepEqual(
      body.checks.schema.drifted.map((d: Record<string, unknown>) => [d.dataset, d.report, d.renamed]),
      [["lmp_rtm", QUERY, [{ from: "VALUE", to: "PRICE" }]]],
    );
    // The same header again: no second log line, no second count, and only the new interval's dead letters.
    const again = await poll(5);
    assert.equal(again.dead.length, 3 * 5, "three nodes × five components of the one new interval");
    assert.equal(driftLogs().length, 1);
    assert.deepEqual(await driftCounts(edge.metrics), { "lmp_rtm/renamed": 1 });

    // An added column: rows are still read by name; the difference is logged and counted once.
    sim.faults.add({ kind: "addedColumn", column: "EDAM_AREA", value: "CISO", query: QUERY });
    const added = await poll(10);
    assert.ok(added.rows > 0);
    assert.deepEqual(added.dead, []);
    assert.equal(driftLogs().length, 2);
    assert.deepEqual(driftLogs()[1]!.fields?.added, ["EDAM_AREA"]);

    // A dropped column the rows do not need: still read.
    sim.faults.add({ kind: "droppedColumn", column: "POS", query: QUERY });
    const dropped = await poll(15);
    assert.ok(dropped.rows > 0);
    assert.deepEqual(dropped.dead, []);
    assert.equal(driftLogs().length, 3);
    assert.deepEqual(driftLogs()[2]!.fields?.dropped, ["POS"]);
    body = await health();
    assert.deepEqual(body.checks.schema.drifted.map((d: Record<string, unknown>) => d.dropped), [["POS"]]);
    assert.deepEqual(await driftCounts(edge.metrics), {
      "lmp_rtm/added": 1,
      "lmp_rtm/dropped": 1,
      "lmp_rtm/renamed": 1,
    });

    // The expected header again: /health is ok, and that is logged once.
    await poll(20);
    body = await health();
    assert.equal(body.status, "ok");
    assert.deepEqual(body.checks.schema, { ok: true, drifted: [] });
    assert.equal(logs.filter((l) => l.msg === "OASIS report columns are as expected again").length, 1);
    assert.equal(driftLogs().length, 3);
  } finally {
    await edge.close();
    backends.close();
  }
});
