/**
 * Live polls before backfill in the shared request gate: a backfill (the CLI, its own process) and the
 * service each have a `RequestGate` with their own connection to one Deno KV file, on one virtual clock.
 * The backfill requests back to back; the service's live requests arrive at random moments. A live start
 * may wait for the backfill's slot already reserved, but never for more: at most one slot (interval +
 * guard) after the live gate's own spacing allows it. It holds because a gate reserves a shared slot only
 * once its own spacing allows a start, so a running backfill holds at most its next slot.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import FakeTimers from "@sinonjs/fake-timers";
import { RequestGate, type SharedSlots } from "../../src/oasis/gate.ts";
import { gateClock, tracked } from "../coordination/virtual_gate.ts";
import { KvGateSlots } from "../../src/coordination/kv_gate_slots.ts";

const [INTERVAL_MS, GUARD_MS] = [5000, 100];
const SLOT_MS = INTERVAL_MS + GUARD_MS;

/** A seeded uniform random number in [0, 1) (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Scenario {
  readonly seed: number;
  /** Backfill requests waiting in its gate at once (1: one after the other, as `runBackfill` sends them). */
  readonly backfillCallers: number;
  /** Live requests to measure. */
  readonly live: number;
}

/**
 * Runs the scenario on `a` (backfill) and `b` (live): every start of both gates, and each live request's
 * wait from when the live gate's own spacing allowed it to its start.
 */
async function runScenario(a: SharedSlots, b: SharedSlots, scenario: Scenario) {
  const clock = FakeTimers.createClock(1_750_000_000_000);
  const random = seeded(scenario.seed);
  const slots = [tracked(a), tracked(b)];
  const limits = {
    minIntervalMs: INTERVAL_MS,
    guardMs: GUARD_MS,
    clock: gateClock(clock),
    sharedTimeoutMs: 600_000,
  };
  const backfill = new RequestGate({ ...limits, shared: slots[0] });
  const live = new RequestGate({ ...limits, shared: slots[1] });
  const sleep = (ms: number) => new Promise<void>((r) => void clock.setTimeout(() => r(), Math.max(0, ms)));
  const starts: Array<{ gate: "backfill" | "live"; at: number }> = [];
  const waits: Array<{ asked: number; wait: number }> = [];
  let stopped = false;
  // Each backfill caller: a ticket, the request at its start (answers take 0.1-4 s), then the next one.
  const backfillCaller = async () => {
    while (!stopped) {
      const ticket = await backfill.reserve();
      starts.push({ gate: "backfill", at: ticket.at });
      await sleep(ticket.at - clock.now + 100 + random() * 3900);
    }
  };
  const backfilling = Array.from({ length: scenario.backfillCallers }, backfillCaller);
  let done = false;
  const liveRequests = (async () => {
    let previous = -Infinity;
    for (let i = 0; i < scenario.live; i++) {
      await sleep(random() * 20_000); // a random moment, any phase of the backfill's slots
      const asked = Math.max(clock.now, previous + SLOT_MS);
      const ticket = await live.reserve();
      starts.push({ gate: "live", at: ticket.at });
      waits.push({ asked, wait: ticket.at - asked });
      previous = ticket.at;
      await sleep(ticket.at - clock.now + 100 + random() * 1900);
    }
    done = true;
  })();
  for (let i = 0; !done; i++) {
    if (i > 200_000) throw new Error(`Stuck after ${waits.length} live requests`);
    if (slots.some((s) => s.inFlight > 0)) await new Promise((r) => setTimeout(r, 1));
    else await clock.nextAsync();
  }
  await liveRequests;
  stopped = true;
  for (let i = 0; i < 100 && slots.some((s) => s.inFlight > 0 || backfill.waiting > 0); i++) {
    await new Promise((r) => setTimeout(r, 1));
    await clock.nextAsync();
  }
  void Promise.allSettled(backfilling);
  return { starts, waits };
}

async function withTwoKvConnections(fn: (a: SharedSlots, b: SharedSlots) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "gate-priority-" });
  const [kvA, kvB] = [await Deno.openKv(join(dir, "jobs.kv")), await Deno.openKv(join(dir, "jobs.kv"))];
  try {
    await fn(new KvGateSlots({ kv: kvA }), new KvGateSlots({ kv: kvB }));
  } finally {
    kvA.close();
    kvB.close();
    await Deno.remove(dir, { recursive: true });
  }
}

for (
  const scenario of [
    { seed: 1, backfillCallers: 1, live: 40 },
    { seed: 2, backfillCallers: 1, live: 40 },
    { seed: 3, backfillCallers: 4, live: 40 },
  ]
) {
  const how = scenario.backfillCallers === 1 ? "back to back" : `${scenario.backfillCallers} at a time`;
  Deno.test({
    name:
      `[kv] a backfill requesting ${how} delays a live request by at most one slot (seed ${scenario.seed})`,
    sanitizeOps: false, // the backfill's last tickets are left waiting on the virtual clock
    sanitizeResources: false,
    fn: () =>
      withTwoKvConnections(async (a, b) => {
        const { starts, waits } = await runScenario(a, b, scenario);
        assert.equal(waits.length, scenario.live);
        const worst = Math.max(...waits.map((w) => w.wait));
        assert.ok(worst <= SLOT_MS, `live waits up to ${worst} ms: more than one ${SLOT_MS} ms slot`);
        const delayed = waits.filter((w) => w.wait > 0).length;
        assert.ok(
          delayed > scenario.live / 4,
          `the backfill was in the way of ${delayed} live requests only`,
        );
        const backfills = starts.filter((s) => s.gate === "backfill").length;
        assert.ok(backfills > scenario.live, `the backfill kept requesting (${backfills} starts)`);
        const times = starts.map((s) => s.at).sort((x, y) => x - y);
        for (let i = 1; i < times.length; i++) {
          assert.ok(times[i]! - times[i - 1]! >= SLOT_MS, `starts ${times[i - 1]} and ${times[i]} too close`);
        }
      }),
  });
}

/** One gate in one process (a library running `runBatch()` and `poll()` at once): worst live wait, ms. */
async function oneProcessWorstWait(seed: number, background: boolean): Promise<number> {
  const clock = FakeTimers.createClock(1_750_000_000_000);
  const random = seeded(seed);
  const gate = new RequestGate({ minIntervalMs: INTERVAL_MS, guardMs: GUARD_MS, clock: gateClock(clock) });
  const sleep = (ms: number) => new Promise<void>((r) => void clock.setTimeout(() => r(), Math.max(0, ms)));
  let stopped = false;
  // Four backfill windows in flight at a time, each asking again as soon as its answer is in.
  const backfillCaller = async () => {
    while (!stopped) {
      const ticket = await gate.reserve(undefined, { background });
      await sleep(ticket.at - clock.now + 100 + random() * 900);
    }
  };
  const backfilling = Array.from({ length: 4 }, backfillCaller);
  let worst = 0;
  let done = false;
  void (async () => {
    let previous = -Infinity;
    for (let i = 0; i < 40; i++) {
      await sleep(random() * 20_000);
      const asked = Math.max(clock.now, previous + SLOT_MS);
      const ticket = await gate.reserve();
      worst = Math.max(worst, ticket.at - asked);
      previous = ticket.at;
      await sleep(ticket.at - clock.now + 100);
    }
    done = true;
  })();
  for (let i = 0; !done; i++) {
    if (i > 200_000) throw new Error("Stuck");
    await clock.nextAsync();
  }
  stopped = true;
  void Promise.allSettled(backfilling);
  return worst;
}

Deno.test({
  name:
    "in one process a live request waits at most one slot behind background (backfill) requests, not behind all",
  sanitizeOps: false, // the backfill's last tickets are left waiting on the virtual clock
  fn: async () => {
    for (const seed of [1, 2, 3]) {
      const worst = await oneProcessWorstWait(seed, true);
      assert.ok(
        worst <= SLOT_MS,
        `seed ${seed}: live waits up to ${worst} ms, more than one ${SLOT_MS} ms slot`,
      );
    }
    // Without the flag the gate serves in arrival order: the live request waits behind the backfill's queue.
    const fifo = await oneProcessWorstWait(1, false);
    assert.ok(fifo > SLOT_MS, `first come first served waited only ${fifo} ms`);
  },
});
