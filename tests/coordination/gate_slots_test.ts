/**
 * The request gate's shared slots across "processes": two gates with their own connections to one Deno KV
 * file and to the real Redis named by `REDIS_URL`, on one virtual clock; and two real `deno` subprocesses
 * on one KV file. Every start of every gate keeps the interval from every other start.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import FakeTimers from "@sinonjs/fake-timers";
import { RequestGate, type SharedSlots } from "../../src/oasis/gate.ts";
import { gateClock, tracked } from "./virtual_gate.ts";
import { KvGateSlots } from "../../src/coordination/kv_gate_slots.ts";
import { RedisGateSlots } from "../../src/coordination/redis_gate_slots.ts";
import { testRedis } from "./helpers.ts";
import { deletePrefix, requireRedisUrl } from "../store/helpers.ts";

/**
 * Two gates ("processes") on `a` and `b`, each with `perGate` concurrent callers; the virtual clock jumps
 * from timer to timer, but never while a reservation is on its way. Returns every start, by gate.
 */
async function runTwoGates(a: SharedSlots, b: SharedSlots, perGate: number, limits: object) {
  const clock = FakeTimers.createClock(1_750_000_000_000);
  const slots = [tracked(a), tracked(b)];
  const starts: Array<{ gate: number; at: number }> = [];
  let done = 0;
  for (const [gate, shared] of slots.entries()) {
    const g = new RequestGate({ ...limits, clock: gateClock(clock), shared, sharedTimeoutMs: 600_000 });
    for (let i = 0; i < perGate; i++) {
      void g.acquire().then(() => {
        starts.push({ gate, at: clock.now });
        done++;
      });
    }
  }
  for (let i = 0; done < 2 * perGate; i++) {
    if (i > 100_000) throw new Error(`Stuck after ${done} starts`);
    if (slots.some((s) => s.inFlight > 0)) await new Promise((r) => setTimeout(r, 1));
    else await clock.nextAsync();
  }
  return starts;
}

function assertSpaced(starts: ReadonlyArray<{ gate: number; at: number }>, gapMs: number): void {
  const times = starts.map((s) => s.at).sort((x, y) => x - y);
  for (let i = 1; i < times.length; i++) {
    assert.ok(
      times[i]! - times[i - 1]! >= gapMs,
      `starts ${times[i - 1]} and ${times[i]} are < ${gapMs} ms apart`,
    );
  }
}

Deno.test("[kv] two gates on one Deno KV file keep minIntervalMs between all their starts together", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gate-slots-" });
  const [kvA, kvB] = [await Deno.openKv(join(dir, "jobs.kv")), await Deno.openKv(join(dir, "jobs.kv"))];
  try {
    const starts = await runTwoGates(
      new KvGateSlots({ kv: kvA }),
      new KvGateSlots({ kv: kvB }),
      4,
      { minIntervalMs: 5000, guardMs: 100 },
    );
    assert.equal(starts.length, 8);
    assert.deepEqual(new Set(starts.map((s) => s.gate)), new Set([0, 1]));
    assertSpaced(starts, 5100);
  } finally {
    kvA.close();
    kvB.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("[kv] two gates on one Deno KV file keep the per-minute cap together", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gate-slots-" });
  const [kvA, kvB] = [await Deno.openKv(join(dir, "jobs.kv")), await Deno.openKv(join(dir, "jobs.kv"))];
  try {
    const starts = await runTwoGates(
      new KvGateSlots({ kv: kvA }),
      new KvGateSlots({ kv: kvB }),
      4,
      { minIntervalMs: 1000, ratePerMinute: 3 },
    );
    const times = starts.map((s) => s.at).sort((x, y) => x - y);
    for (const t of times) {
      const inMinute = times.filter((s) => s >= t && s < t + 60_000).length;
      assert.ok(inMinute <= 3, `${inMinute} starts in the minute from ${t}`);
    }
    assertSpaced(starts, 1000);
  } finally {
    kvA.close();
    kvB.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("[redis] two gates on one Redis keep minIntervalMs between all their starts together", async () => {
  const url = requireRedisUrl();
  const prefix = `test:${crypto.randomUUID()}:`;
  const a = await testRedis(url);
  const b = await testRedis(url);
  const slots = (r: typeof a) => new RedisGateSlots({ eval: r.eval, prefix });
  try {
    const starts = await runTwoGates(slots(a), slots(b), 4, { minIntervalMs: 5000, guardMs: 100 });
    assert.equal(starts.length, 8);
    assert.deepEqual(new Set(starts.map((s) => s.gate)), new Set([0, 1]));
    assertSpaced(starts, 5100);
    const capped = await runTwoGates(slots(a), slots(b), 4, {
      minIntervalMs: 1000,
      ratePerMinute: 3,
    });
    const times = capped.map((s) => s.at).sort((x, y) => x - y);
    for (const t of times) assert.ok(times.filter((s) => s >= t && s < t + 60_000).length <= 3);
  } finally {
    await deletePrefix(url, prefix);
    await a.close();
    await b.close();
  }
});

Deno.test("[redis] a gate whose Redis is unreachable falls back to local spacing and says so", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const redis = await testRedis(`redis://127.0.0.1:${port}`, false);
  try {
    const states: string[] = [];
    const gate = new RequestGate({
      minIntervalMs: 0,
      shared: new RedisGateSlots({ eval: redis.eval }),
      onSharedState: (state, error) => states.push(`${state}: ${error?.message ?? ""}`),
    });
    await gate.acquire();
    await gate.acquire();
    assert.equal(gate.stats.state, "local");
    assert.equal(gate.stats.fallbacks, 2);
    assert.equal(states.length, 1);
    assert.match(states[0]!, /^local: /);
  } finally {
    await redis.close();
  }
});

Deno.test({
  name: "[kv] two deno processes on one Deno KV file keep the interval between all their starts",
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "gate-processes-" });
    const child = new URL("./gate_child.ts", import.meta.url).pathname;
    const [minIntervalMs, guardMs, perProcess] = [300, 100, 4];
    const spawn = () =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--no-check",
          "--allow-read",
          "--allow-write",
          child,
          join(dir, "jobs.kv"),
          String(minIntervalMs),
          String(guardMs),
          String(perProcess),
        ],
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    const children = [spawn(), spawn()];
    try {
      const lines = children.map((c) => c.stdout.pipeThrough(new TextDecoderStream()).getReader());
      const errors = children.map((c) => new Response(c.stderr).text());
      // Both have opened the file and said so; then both are let go at once.
      for (const [gate, r] of lines.entries()) {
        const first = (await r.read()).value ?? "";
        // A child that exits before it is ready says why on stderr (it ends when the child does).
        if (!first.startsWith("ready")) assert.fail(`child ${gate} not ready: ${await errors[gate]}`);
      }
      for (const c of children) {
        const w = c.stdin.getWriter();
        await w.write(new TextEncoder().encode("go\n"));
        await w.close();
      }
      const starts: Array<{ gate: number; at: number }> = [];
      for (const [gate, c] of children.entries()) {
        let out = "";
        for (let chunk = await lines[gate]!.read(); !chunk.done; chunk = await lines[gate]!.read()) {
          out += chunk.value;
        }
        const status = await c.status;
        assert.ok(status.success, (await errors[gate]) ?? "");
        const times = JSON.parse(out.trim()) as number[];
        assert.equal(times.length, perProcess);
        starts.push(...times.map((at) => ({ gate, at })));
      }
      // Slots are minIntervalMs + guardMs apart; a start may come up to guardMs after its slot, and its
      // time is read a moment after the grant: so at least minIntervalMs, less a few ms for that reading.
      assertSpaced(starts, minIntervalMs - 10);
    } finally {
      for (const c of children) {
        try {
          c.kill();
        } catch {
          // already exited
        }
      }
      await Deno.remove(dir, { recursive: true });
    }
  },
});
