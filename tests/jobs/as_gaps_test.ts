/** `GET /api/gaps` for AS datasets, from what the poll delivered to Bronze, on Deno KV and the real Redis (CRR: `crr_gaps_test.ts`). */
import assert from "node:assert/strict";
import { createGapsRoutes } from "../../routes/gaps.ts";
import { pollDataset } from "../../src/jobs/poll.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";
import type { Coordination } from "../../src/coordination/coordination.ts";
import { KvCoordination } from "../../src/coordination/kv_coordination.ts";
import {
  frozenSimulator,
  memoryBackends,
  memoryBronze,
  pollDeps,
  redisCoordination as redisBackend,
  testClock,
} from "./helpers.ts";

interface Backend {
  readonly coordination: Coordination;
  close(): Promise<void>;
}

async function kvBackend(): Promise<Backend> {
  const kv = await Deno.openKv(":memory:");
  return {
    coordination: new KvCoordination({ kv, clock: () => new Date("2025-07-02T20:00:00Z") }),
    close: () => Promise.resolve(kv.close()),
  };
}

const NOW = "2025-07-02T20:00:00Z";

/** Polls as_dam once at `NOW` (the simulator with `faults` queued) and serves the gaps route on `c`. */
async function pollAsDam(c: Coordination, faults: (sim: ReturnType<typeof frozenSimulator>) => void) {
  const sim = frozenSimulator(NOW);
  const clock = testClock(NOW);
  const mem = await memoryBackends(clock);
  try {
    faults(sim);
    const summary = await pollDataset("as_dam", {
      ...pollDeps(sim, { store: mem.store, coordination: c }, memoryBronze().publisher),
    }, clock.now);
    assert.deepEqual(summary.failures, []);
    assert.ok(summary.rows > 0, "the poll delivered AS rows");
  } finally {
    mem.close();
  }
  return createGapsRoutes({
    store: {
      history: () => Promise.reject(new Error("not read")),
      zones: () => Promise.reject(new Error("")),
    },
    nodes: { nodes: [] },
    datasets: ["as_dam", "crr"],
    coordination: c,
    now: () => new Date(NOW),
  });
}

interface Entry {
  node: string;
  component: string;
  missing: number;
  gaps: Array<{ start: string; end: string; intervals: number }>;
}

async function asDamGaps(routes: ReturnType<typeof createGapsRoutes>) {
  const res = await routes.request("/api/gaps?dataset=as_dam&from=2025-07-02&to=2025-07-02");
  assert.equal(res.status, 200);
  const [dam] = (await res.json()).datasets;
  assert.equal(dam.source, "bronze_deliveries");
  assert.equal(dam.market, "DA");
  return dam as { nodes: Entry[]; from: string; to: string };
}

for (const [name, open] of [["kv", kvBackend], ["redis", redisBackend]] as const) {
  Deno.test(`[${name}] GET /api/gaps?dataset=as_dam lists exactly the region and type a partial answer lacked`, async () => {
    const b = await open();
    try {
      const routes = await pollAsDam(b.coordination, (sim) =>
        sim.faults.add({
          kind: "partialAnswer",
          node: "AS_SP26",
          component: "RU",
          from: "2025-07-02T15:00:00Z",
          count: 20, // the poll's re-requests get the same partial answer
        }));
      const dam = await asDamGaps(routes);
      assert.equal(dam.to, "2025-07-03T07:00:00Z", "day-ahead: the whole of today");
      assert.ok(dam.nodes.length > 1, "every region and type delivered is on the grid");
      const missing = dam.nodes.filter((n) => n.missing > 0);
      assert.deepEqual(missing.map((n) => [n.node, n.component, n.gaps]), [[
        "AS_SP26",
        "RU",
        [{ start: "2025-07-02T15:00:00Z", end: "2025-07-03T07:00:00Z", intervals: 16 }],
      ]]);
    } finally {
      await b.close();
    }
  });

  Deno.test(`[${name}] GET /api/gaps lists no AS gap for a complete day (CRR not offered without the store's values)`, async () => {
    const b = await open();
    try {
      const routes = await pollAsDam(b.coordination, () => {});
      const dam = await asDamGaps(routes);
      assert.ok(dam.nodes.length > 1);
      assert.deepEqual(dam.nodes.filter((n) => n.missing > 0), []);
      const res = await routes.request("/api/gaps?from=2025-07-02&to=2025-07-02");
      const datasets = (await res.json()).datasets.map((d: { dataset: string }) => d.dataset);
      assert.deepEqual(datasets, ["as_dam"], "CRR needs the hot store's CRR values, which this store lacks");
    } finally {
      await b.close();
    }
  });
}

Deno.test("[gaps] the OpenAPI document's gaps `dataset` enum lists every dataset", () => {
  const routes = createGapsRoutes({
    store: { history: () => Promise.reject(new Error("")), zones: () => Promise.reject(new Error("")) },
    nodes: { nodes: [] },
    datasets: [],
  });
  const doc = routes.getOpenAPIDocument({ openapi: "3.0.3", info: { title: "t", version: "1" } });
  const get =
    (doc.paths?.["/api/gaps"] as { get: { parameters: Array<{ name: string; schema: unknown }> } }).get;
  const dataset = get.parameters.find((p) => p.name === "dataset");
  assert.deepEqual((dataset?.schema as { enum: string[] }).enum, Object.keys(DATASETS));
});
