/** One contract for job coordination, run on Deno KV and on the real Redis named by `REDIS_URL`. */
import assert from "node:assert/strict";
import type { Coordination } from "../../src/coordination/coordination.ts";
import { KvCoordination } from "../../src/coordination/kv_coordination.ts";
import { redisRaw } from "../store/helpers.ts";
import { redisCoordination, testClock } from "../jobs/helpers.ts";

interface Backend {
  readonly coordination: Coordination;
  /** Lets lock `lease` expire: the KV clock moves on; on Redis the key (checked to expire) is ended. */
  readonly expire: (lease: string) => Promise<void>;
  close(): Promise<void>;
}

async function kvBackend(): Promise<Backend> {
  const kv = await Deno.openKv(":memory:");
  const clock = testClock("2025-07-01T00:00:00Z");
  return {
    coordination: new KvCoordination({ kv, clock: clock.fn }),
    expire: () => Promise.resolve(void (clock.now = new Date(clock.now.getTime() + 3_600_000))),
    close: () => Promise.resolve(kv.close()),
  };
}

async function redisBackend(): Promise<Backend> {
  const { coordination, url, prefix, close } = await redisCoordination();
  return {
    coordination,
    expire: async (lease) => {
      // The marker carries a server-side expiry; end it now instead of waiting for it.
      const key = `${prefix}caiso:jobs:lock:${lease}`;
      const [ttl] = await redisRaw(url, "PTTL", key);
      assert.ok(Number(ttl) > 0 && Number(ttl) <= 600_000, `lock ${lease} expires (PTTL ${ttl})`);
      await redisRaw(url, "DEL", key);
    },
    close,
  };
}

for (const [name, open] of [["kv", kvBackend], ["redis", redisBackend]] as const) {
  Deno.test(`[${name}] a watermark only moves forward, atomically`, async () => {
    const b = await open();
    try {
      const c = b.coordination;
      assert.equal(await c.watermark("lmp_rtm"), null);
      const t1 = new Date("2025-07-01T10:00:00Z"), t0 = new Date("2025-07-01T09:00:00Z");
      assert.equal((await c.advanceWatermark("lmp_rtm", t1)).toISOString(), t1.toISOString());
      assert.equal((await c.advanceWatermark("lmp_rtm", t0)).toISOString(), t1.toISOString());
      const racing = await Promise.all(
        [3, 1, 2].map((h) => c.advanceWatermark("lmp_rtm", new Date(t1.getTime() + h * 3_600_000))),
      );
      assert.equal(racing.length, 3);
      assert.equal((await c.watermark("lmp_rtm"))?.toISOString(), "2025-07-01T13:00:00.000Z");
      assert.equal(await c.watermark("lmp_dam"), null);
    } finally {
      await b.close();
    }
  });

  Deno.test(`[${name}] a lock has one holder; finished, it stays a "done" marker; released, it frees`, async () => {
    const b = await open();
    try {
      const c = b.coordination;
      const first = await c.acquire("poll:x", 600_000);
      assert.ok(first);
      assert.equal(await c.acquire("poll:x", 600_000), null);
      await first.release();
      const second = await c.acquire("poll:x", 600_000);
      assert.ok(second);
      await second.finish(600_000);
      assert.equal(await c.acquire("poll:x", 600_000), null, "done marker");
      await first.release(); // a stale holder cannot free someone else's marker
      assert.equal(await c.acquire("poll:x", 600_000), null);
      await b.expire("poll:x");
      assert.ok(await c.acquire("poll:x", 600_000), "free once the marker expired");
      const both = await Promise.all([c.acquire("poll:y", 600_000), c.acquire("poll:y", 600_000)]);
      assert.equal(both.filter((l) => l !== null).length, 1);
    } finally {
      await b.close();
    }
  });

  Deno.test(`[${name}] digests and checkpoints are stored, read back and cleared`, async () => {
    const b = await open();
    try {
      const c = b.coordination;
      const day = Date.parse("2025-07-01T00:00:00Z");
      const ids = Array.from({ length: 1500 }, (_, i) => day + i * 300_000); // crosses UTC days
      await c.saveDigests("lmp_rtm|PRC_INTVL_LMP|abc", new Map(ids.map((id) => [id, `d${id}`])), 60_000);
      const back = await c.digests("lmp_rtm|PRC_INTVL_LMP|abc", [...ids, day - 300_000]);
      assert.equal(back.size, 1500);
      assert.equal(back.get(ids[1234]!), `d${ids[1234]}`);
      assert.equal((await c.digests("other", ids)).size, 0);
      assert.deepEqual([...await c.checkpoint("run1")], []);
      await c.markDone("run1", ["a", "b"]);
      await c.markDone("run1", ["c"]);
      assert.deepEqual([...await c.checkpoint("run1")].sort(), ["a", "b", "c"]);
      await c.clearCheckpoint("run1");
      assert.equal((await c.checkpoint("run1")).size, 0);
    } finally {
      await b.close();
    }
  });
}
