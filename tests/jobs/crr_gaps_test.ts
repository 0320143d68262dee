/**
 * `GET /api/gaps?dataset=crr`: the auction periods and times of use each node lacks, after a simulator poll,
 * on Deno KV and on the real Redis.
 */
import assert from "node:assert/strict";
import { createGapsRoutes } from "../../routes/gaps.ts";
import { pollDataset } from "../../src/jobs/poll.ts";
import type { Fault } from "../../simulator/faults.ts";
import { RedisStore } from "../../src/store/redis_store.ts";
import { testRedis } from "../coordination/helpers.ts";
import { deletePrefix, requireRedisUrl, testConfig } from "../store/helpers.ts";
import { frozenSimulator, memoryBackends, memoryBronze, pollDeps, testClock } from "./helpers.ts";

const NOW = "2025-07-02T20:00:00Z";
const HUBS = ["TH_NP15_GEN-APND", "TH_SP15_GEN-APND", "TH_ZP26_GEN-APND"];
const JULY = { start: "2025-07-01T07:00:00Z", end: "2025-08-01T07:00:00Z" };

interface CrrEntry {
  node: string;
  expected: number;
  present: number;
  missing: number;
  gaps: Array<Record<string, unknown>>;
}

/** The hot store under test: Deno KV in memory, or the real Redis under a key prefix of the test's own. */
async function storeOf(backend: "kv" | "redis", clock: ReturnType<typeof testClock>) {
  const mem = await memoryBackends(clock);
  if (backend === "kv") {
    return {
      store: mem.store,
      coordination: mem.coordination,
      close: () => Promise.resolve(mem.close()),
    };
  }
  const url = requireRedisUrl();
  const prefix = `test:${crypto.randomUUID()}:`;
  const redis = await testRedis(url);
  const store = new RedisStore({
    client: redis.client,
    config: testConfig({ REDIS_URL: url }),
    prefix,
    clock: clock.fn,
  });
  await store.waitUntilReady();
  const close = async () => {
    mem.close();
    await deletePrefix(url, prefix);
    await store.close();
  };
  return { store, coordination: mem.coordination, close };
}

/** Polls crr at `NOW` (the simulator with `faults` queued) and asks the gaps route for `query`. */
async function crrGaps(backend: "kv" | "redis", faults: Fault[], query: string) {
  const sim = frozenSimulator(NOW);
  const clock = testClock(NOW);
  const mem = await storeOf(backend, clock);
  try {
    sim.faults.add(...faults);
    const summary = await pollDataset("crr", pollDeps(sim, mem, memoryBronze().publisher), clock.now);
    assert.deepEqual(summary.failures, []);
    assert.ok(summary.rows > 0, "the poll delivered CRR rows");
    const routes = createGapsRoutes({
      store: mem.store,
      nodes: { nodes: HUBS },
      datasets: ["lmp_dam", "crr"],
      now: () => new Date(NOW),
    });
    const res = await routes.request(`/api/gaps?${query}`);
    assert.equal(res.status, 200);
    const body = await res.json();
    const crr = body.datasets.find((d: { dataset: string }) => d.dataset === "crr");
    assert.equal(crr.source, "store_values");
    assert.equal(crr.market, undefined);
    return crr as { from: string; to: string; nodes: CrrEntry[] };
  } finally {
    await mem.close();
  }
}

for (const name of ["kv", "redis"] as const) {
  Deno.test(`[${name}] GET /api/gaps?dataset=crr lists nothing missing when every hub has the month's on- and off-peak price`, async () => {
    const crr = await crrGaps(name, [], "dataset=crr&from=2025-07-02&to=2025-07-02");
    assert.equal(crr.to, "2025-07-03T07:00:00Z");
    assert.deepEqual(
      crr.nodes.map((n) => [n.node, n.expected, n.present, n.missing]),
      HUBS.map((h) => [h, 2, 2, 0]),
    );
    // Asked without a dataset, CRR is among every configured one.
    const all = await crrGaps(name, [], "from=2025-07-02&to=2025-07-02");
    assert.deepEqual(all.nodes.map((n) => n.missing), [0, 0, 0]);
  });

  Deno.test(`[${name}] GET /api/gaps?dataset=crr lists the auction period and time of use a partial CRR answer lacked`, async () => {
    const crr = await crrGaps(
      name,
      [{
        kind: "partialAnswer",
        query: "CRR_CLEARING",
        node: "TH_SP15_GEN-APND",
        component: "LT_OFF_PRC",
        count: 10, // every CRR_CLEARING request of the poll
      }],
      "dataset=crr&from=2025-07-02&to=2025-07-02",
    );
    const missing = crr.nodes.filter((n) => n.missing > 0);
    assert.deepEqual(missing.map((n) => [n.node, n.expected, n.present]), [["TH_SP15_GEN-APND", 2, 1]]);
    assert.deepEqual(missing[0]!.gaps, [{
      ...JULY,
      intervals: 1,
      auction: "AUC_MN_2025_M07_TR",
      term: "MONTHLY",
      time_of_use: "OFF",
    }]);
  });

  Deno.test(`[${name}] GET /api/gaps?dataset=crr lists a month whose auction never reached the store for every hub`, async () => {
    // June 30 belongs to June's auction, which the poll of July 1–2 never fetched.
    const crr = await crrGaps(name, [], "dataset=crr&from=2025-06-30&to=2025-07-02");
    for (const n of crr.nodes) {
      assert.deepEqual([n.expected, n.present], [4, 2]);
      assert.deepEqual(n.gaps.map((g) => [g.auction, g.time_of_use, g.start, g.end]), [
        [null, "ON", "2025-06-01T07:00:00Z", JULY.start],
        [null, "OFF", "2025-06-01T07:00:00Z", JULY.start],
      ]);
    }
  });
}

Deno.test("GET /api/gaps does not offer CRR without the store's CRR values", async () => {
  const routes = createGapsRoutes({
    store: {
      history: () => Promise.reject(new Error("not read")),
      zones: () => Promise.reject(new Error("")),
    },
    nodes: { nodes: HUBS },
    datasets: ["crr"],
    now: () => new Date(NOW),
  });
  const res = await routes.request("/api/gaps?dataset=crr");
  assert.equal(res.status, 400);
  assert.equal((await res.json()).parameter, "dataset");
});
