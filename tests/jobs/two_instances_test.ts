/** Two service instances against the same real Redis (`REDIS_URL`): each interval is fetched once. */
import assert from "node:assert/strict";
import { pollDataset, type PollDeps } from "../../src/jobs/poll.ts";
import type { DatasetName } from "../../src/oasis/datasets.ts";
import { RedisCoordination } from "../../src/coordination/redis_coordination.ts";
import { RedisStore } from "../../src/store/redis_store.ts";
import { testRedis } from "../coordination/helpers.ts";
import { deletePrefix, requireRedisUrl, testConfig } from "../store/helpers.ts";
import { frozenSimulator, keyCounts, memoryBronze, pollDeps, ticks } from "./helpers.ts";

async function instance(url: string, prefix: string, sim: Parameters<typeof pollDeps>[0], holdMs: number) {
  const redis = await testRedis(url);
  const store = new RedisStore({ client: redis.client, config: testConfig({ REDIS_URL: url }), prefix });
  const coordination = new RedisCoordination({ eval: redis.eval, prefix });
  const bronze = memoryBronze();
  const deps: PollDeps = pollDeps(sim, { store, coordination }, bronze.publisher, {
    holdMs,
  });
  return { store, deps, messages: bronze.messages };
}

Deno.test("two instances running the same cron ticks against one Redis fetch and publish each interval once", async () => {
  const url = requireRedisUrl();
  const prefix = `test:${crypto.randomUUID()}:`;
  const sim = frozenSimulator("2025-07-01T18:00:00Z");
  const a = await instance(url, prefix, sim, 1);
  const b = await instance(url, prefix, sim, 1);
  try {
    const coordination = a.deps.coordination;
    for (const d of ["lmp_rtm", "lmp_dam"] as const) {
      await coordination.advanceWatermark(d, new Date("2025-07-01T18:00:00Z"));
    }
    const plan = (["lmp_rtm", "lmp_dam"] as DatasetName[])
      .flatMap((d) => ticks(d, "2025-07-01T18:00:00Z", "2025-07-01T21:00:00Z").map((t) => ({ d, t })))
      .sort((x, y) => x.t.getTime() - y.t.getTime());
    const outcomes: string[] = [];
    for (const { d, t } of plan) {
      sim.at(t);
      const both = await Promise.all([pollDataset(d, a.deps, t), pollDataset(d, b.deps, t)]);
      assert.deepEqual(both.flatMap((s) => s.failures), []);
      outcomes.push(both.map((s) => s.outcome).sort().join("+"));
    }
    const urls = sim.requests.map((r) => r.url);
    assert.equal(new Set(urls).size, urls.length, "no request was sent twice");
    assert.equal(urls.filter((u) => u.includes("PRC_INTVL_LMP")).length, 36);
    assert.ok(outcomes.every((o) => o !== "done+done"), `both instances did the same run: ${outcomes}`);
    const counts = keyCounts([...a.messages, ...b.messages]);
    assert.deepEqual([...counts].filter(([, n]) => n !== 1), []);
    assert.equal([...counts.keys()].filter((k) => k.startsWith("lmp_rtm|")).length, 36 * 15);
    // The rest of today from the watermark (13 hours), then tomorrow once published at 13:00 PDT.
    assert.equal([...counts.keys()].filter((k) => k.startsWith("lmp_dam|")).length, (13 + 24) * 15);
    assert.equal((await coordination.watermark("lmp_rtm"))?.toISOString(), "2025-07-01T21:00:00.000Z");
    const rt = await a.store.history("np15", "RT", { from: new Date("2025-07-01T18:00:00Z") });
    assert.equal(rt.value.length, 36);
  } finally {
    await deletePrefix(url, prefix);
    await a.store.close();
    await b.store.close();
  }
});

Deno.test("an instance whose tick comes just after the other's run skips it (watermark, done marker)", async () => {
  const url = requireRedisUrl();
  const prefix = `test:${crypto.randomUUID()}:`;
  const t = new Date("2025-07-01T20:00:00Z");
  const sim = frozenSimulator(t.toISOString());
  const a = await instance(url, prefix, sim, 30 * 60_000);
  const b = await instance(url, prefix, sim, 30 * 60_000);
  try {
    const revision = { ...a.deps, settings: { ...a.deps.settings, revisionMs: 48 * 3_600_000 } };
    const revisionB = { ...b.deps, settings: { ...b.deps.settings, revisionMs: 48 * 3_600_000 } };
    assert.equal((await pollDataset("lmp_rtm", a.deps, t)).outcome, "done");
    assert.equal((await pollDataset("lmp_dam", revision, t)).outcome, "done");
    const requests = sim.requests.length;
    assert.equal((await pollDataset("lmp_rtm", b.deps, t)).outcome, "up-to-date");
    assert.equal(
      (await pollDataset("lmp_dam", revisionB, t)).outcome,
      "locked",
      "the revision re-poll is done",
    );
    assert.equal(sim.requests.length, requests);
  } finally {
    await deletePrefix(url, prefix);
    await a.store.close();
    await b.store.close();
  }
});
