/** `FailoverCoordination`: Redis (here a switchable stand-in) with a local Deno KV mirror that takes over. */
import assert from "node:assert/strict";
import type { Coordination } from "../../src/coordination/coordination.ts";
import { KvCoordination } from "../../src/coordination/kv_coordination.ts";
import { FailoverCoordination } from "../../src/coordination/failover_coordination.ts";
import { testClock } from "../jobs/helpers.ts";

/** A coordination whose every call fails while `down`, as Redis does when it cannot be reached. */
function switchable(inner: Coordination): Coordination & { down: boolean; calls: number } {
  const wrapper = {
    down: false,
    calls: 0,
    kind: "redis" as const,
    close: () => inner.close(),
  } as Coordination & { down: boolean; calls: number };
  for (
    const name of [
      "watermark",
      "advanceWatermark",
      "acquire",
      "digests",
      "saveDigests",
      "checkpoint",
      "markDone",
      "clearCheckpoint",
    ] as const
  ) {
    // deno-lint-ignore no-explicit-any
    (wrapper as any)[name] = (...args: unknown[]) => {
      wrapper.calls++;
      if (wrapper.down) return Promise.reject(new Error("Connection is closed."));
      // deno-lint-ignore no-explicit-any
      return (inner as any)[name](...args);
    };
  }
  return wrapper;
}

async function setup() {
  const clock = testClock("2025-07-01T00:00:00Z");
  const [remoteKv, localKv] = [await Deno.openKv(":memory:"), await Deno.openKv(":memory:")];
  const remoteStore = new KvCoordination({ kv: remoteKv, clock: clock.fn });
  const primary = switchable(remoteStore);
  const local = new KvCoordination({ kv: localKv, clock: clock.fn });
  const events: string[] = [];
  const c = new FailoverCoordination({
    primary,
    local,
    onPrimary: (reachable, error) => events.push(reachable ? "up" : `down: ${error?.message}`),
  });
  return {
    c,
    primary,
    remote: remoteStore,
    local,
    events,
    close: () => [remoteKv, localKv].forEach((kv) => kv.close()),
  };
}

const T = (iso: string) => new Date(iso);

Deno.test("FailoverCoordination mirrors the watermark and answers from the mirror while the primary is down", async () => {
  const s = await setup();
  try {
    await s.c.advanceWatermark("lmp_rtm", T("2025-07-01T10:00:00Z"));
    assert.equal((await s.local.watermark("lmp_rtm"))?.toISOString(), "2025-07-01T10:00:00.000Z");
    s.primary.down = true;
    assert.equal((await s.c.watermark("lmp_rtm"))?.toISOString(), "2025-07-01T10:00:00.000Z");
    const moved = await s.c.advanceWatermark("lmp_rtm", T("2025-07-01T11:00:00Z"));
    assert.equal(moved.toISOString(), "2025-07-01T11:00:00.000Z");
    assert.equal(s.c.reachable, false);
    assert.deepEqual(s.events, ["down: Connection is closed."]);
    assert.ok(s.c.fallbacks >= 2);
    assert.equal((await s.remote.watermark("lmp_rtm"))?.toISOString(), "2025-07-01T10:00:00.000Z");
    // Back: the further watermark wins and is written to the primary too.
    s.primary.down = false;
    assert.equal((await s.c.watermark("lmp_rtm"))?.toISOString(), "2025-07-01T11:00:00.000Z");
    assert.equal((await s.remote.watermark("lmp_rtm"))?.toISOString(), "2025-07-01T11:00:00.000Z");
    assert.deepEqual(s.events, ["down: Connection is closed.", "up"]);
  } finally {
    s.close();
  }
});

Deno.test("FailoverCoordination takes the primary's watermark when another instance moved it further", async () => {
  const s = await setup();
  try {
    await s.c.advanceWatermark("lmp_rtm", T("2025-07-01T10:00:00Z"));
    await s.remote.advanceWatermark("lmp_rtm", T("2025-07-01T12:00:00Z")); // another instance
    assert.equal((await s.c.watermark("lmp_rtm"))?.toISOString(), "2025-07-01T12:00:00.000Z");
    s.primary.down = true;
    assert.equal(
      (await s.c.watermark("lmp_rtm"))?.toISOString(),
      "2025-07-01T12:00:00.000Z",
      "mirrored on read",
    );
  } finally {
    s.close();
  }
});

Deno.test("FailoverCoordination restores a watermark a restarted (empty) primary lost", async () => {
  const s = await setup();
  try {
    await s.c.advanceWatermark("lmp_dam", T("2025-07-02T07:00:00Z"));
    const fresh = await Deno.openKv(":memory:");
    // The stand-in now fronts an empty backend, like a restarted Redis without persistence.
    const empty = new KvCoordination({ kv: fresh });
    const c = new FailoverCoordination({ primary: empty, local: s.local });
    assert.equal((await c.watermark("lmp_dam"))?.toISOString(), "2025-07-02T07:00:00.000Z");
    assert.equal((await empty.watermark("lmp_dam"))?.toISOString(), "2025-07-02T07:00:00.000Z");
    fresh.close();
  } finally {
    s.close();
  }
});

Deno.test("FailoverCoordination takes a local lock while the primary is down, and lease calls never throw", async () => {
  const s = await setup();
  try {
    const held = await s.c.acquire("poll:a", 600_000);
    assert.ok(held);
    assert.equal(await s.c.acquire("poll:a", 600_000), null, "the primary's lock");
    s.primary.down = true;
    await held.finish(60_000); // the primary went away mid-run: the run still ends well
    const local = await s.c.acquire("poll:b", 600_000);
    assert.ok(local);
    assert.equal(await s.c.acquire("poll:b", 600_000), null, "the mirror's lock excludes this file's users");
    await local.finish(60_000);
    assert.equal(await s.local.acquire("poll:b", 600_000), null, "a done marker in the mirror");
  } finally {
    s.close();
  }
});

Deno.test("FailoverCoordination digests: the mirror answers while down; what the primary missed is written back first", async () => {
  const s = await setup();
  try {
    const scope = "lmp_dam|PRC_LMP|x";
    await s.c.saveDigests(scope, new Map([[1, "a"], [2, "b"]]), 600_000);
    s.primary.down = true;
    assert.deepEqual([...await s.c.digests(scope, [1, 2, 3])].sort(), [[1, "a"], [2, "b"]]);
    await s.c.saveDigests(scope, new Map([[2, "b2"], [3, "c"]]), 600_000); // a revision during the outage
    s.primary.down = false;
    assert.deepEqual([...await s.c.digests(scope, [1, 2, 3])].sort(), [[1, "a"], [2, "b2"], [3, "c"]]);
    assert.deepEqual([...await s.remote.digests(scope, [1, 2, 3])].sort(), [[1, "a"], [2, "b2"], [3, "c"]]);
  } finally {
    s.close();
  }
});

Deno.test("FailoverCoordination digests: the primary wins where it has one, the mirror fills what it lost", async () => {
  const s = await setup();
  try {
    const scope = "lmp_rtm|PRC_INTVL_LMP|x";
    await s.local.saveDigests(scope, new Map([[1, "old"], [2, "only-local"]]), 600_000);
    await s.remote.saveDigests(scope, new Map([[1, "revised-elsewhere"]]), 600_000);
    assert.deepEqual([...await s.c.digests(scope, [1, 2])].sort(), [[1, "revised-elsewhere"], [
      2,
      "only-local",
    ]]);
  } finally {
    s.close();
  }
});

Deno.test("FailoverCoordination checkpoints are the union of both, and kept locally while down", async () => {
  const s = await setup();
  try {
    await s.c.markDone("run", ["a"]);
    s.primary.down = true;
    await s.c.markDone("run", ["b"]);
    assert.deepEqual([...await s.c.checkpoint("run")].sort(), ["a", "b"]);
    s.primary.down = false;
    await s.remote.markDone("run", ["c"]);
    assert.deepEqual([...await s.c.checkpoint("run")].sort(), ["a", "b", "c"]);
    await s.c.clearCheckpoint("run");
    assert.equal((await s.c.checkpoint("run")).size, 0);
  } finally {
    s.close();
  }
});
