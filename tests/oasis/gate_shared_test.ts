/** The request gate with shared slots: the rule, waiting for a reserved slot, and falling back to local spacing. */
import assert from "node:assert/strict";
import { withClock } from "./fake_clock.ts";
import { RequestGate, type SharedGateState } from "../../src/oasis/gate.ts";
import {
  nextSlot,
  reserveSlot,
  type SharedSlots,
  SLOT_HORIZON_MS,
  type SlotRequest,
} from "../../src/oasis/gate_slots.ts";

/** Shared slots in memory, as another process sees them; `down` makes every reservation fail. */
function memorySlots(): SharedSlots & { starts: number[]; down: boolean; requests: SlotRequest[] } {
  const slots = {
    kind: "memory",
    starts: [] as number[],
    down: false,
    requests: [] as SlotRequest[],
    reserve(request: SlotRequest): Promise<number> {
      slots.requests.push(request);
      if (slots.down) return Promise.reject(new Error("connection refused"));
      const { at, starts } = reserveSlot(slots.starts, request);
      slots.starts = starts;
      return Promise.resolve(at);
    },
  };
  return slots;
}

function grantTimes(gate: RequestGate, n: number): { times: number[]; done: Promise<void> } {
  const times: number[] = [];
  const done = Promise.all(
    Array.from({ length: n }, () => gate.acquire().then(() => void times.push(Date.now()))),
  );
  return { times, done: done.then(() => {}) };
}

Deno.test("nextSlot() keeps minIntervalMs after the latest start and ratePerMinute starts per minute", () => {
  const rule = { minIntervalMs: 5000, ratePerMinute: 3 };
  assert.equal(nextSlot([], { now: 1000, ...rule }), 1000);
  assert.equal(nextSlot([0], { now: 1000, ...rule }), 5000);
  assert.equal(nextSlot([0], { now: 9000, ...rule }), 9000);
  assert.equal(nextSlot([0, 5000, 10_000], { now: 12_000, ...rule }), 60_000);
});

Deno.test("reserveSlot() ignores starts beyond the horizon and keeps the latest ratePerMinute", () => {
  const request = { now: 100_000, minIntervalMs: 5000, ratePerMinute: 2 };
  const far = request.now + SLOT_HORIZON_MS + 1;
  assert.deepEqual(reserveSlot([far], request), { at: 100_000, starts: [100_000] });
  assert.deepEqual(reserveSlot([90_000, 98_000], request), { at: 150_000, starts: [98_000, 150_000] });
});

Deno.test("a gate sharing slots starts each request at its reserved slot, after another process's starts", async () => {
  await withClock(async (clock) => {
    const slots = memorySlots();
    slots.starts = [0, 3000]; // another process started at 0 and has 3000 reserved
    const gate = new RequestGate({ minIntervalMs: 5000, shared: slots });
    const run = grantTimes(gate, 3);
    await clock.tickAsync(30_000);
    await run.done;
    assert.deepEqual(run.times, [8000, 13_000, 18_000]);
    assert.deepEqual(slots.starts.slice(-3), [8000, 13_000, 18_000]);
    assert.deepEqual(gate.stats, { shared: "memory", state: "shared", fallbacks: 0 });
  });
});

Deno.test("a gate asks the shared slots only once its own spacing allows a start (the in-process fast path)", async () => {
  await withClock(async (clock) => {
    const slots = memorySlots();
    const gate = new RequestGate({ minIntervalMs: 5000, shared: slots });
    const run = grantTimes(gate, 3);
    await clock.tickAsync(0);
    assert.equal(slots.requests.length, 1, "one reservation in flight, the others queue in the process");
    await clock.tickAsync(20_000);
    await run.done;
    assert.deepEqual(slots.requests.map((r) => r.now), [0, 5000, 10_000]);
  });
});

Deno.test("an unreachable shared store makes the gate go on with local spacing, counted and reported once", async () => {
  await withClock(async (clock) => {
    const slots = memorySlots();
    slots.down = true;
    const states: Array<[SharedGateState, string | undefined]> = [];
    const gate = new RequestGate({
      minIntervalMs: 5000,
      shared: slots,
      onSharedState: (state, error) => states.push([state, error?.message]),
    });
    const run = grantTimes(gate, 3);
    await clock.tickAsync(20_000);
    await run.done;
    assert.deepEqual(run.times, [0, 5000, 10_000], "local spacing still holds");
    assert.deepEqual(gate.stats, { shared: "memory", state: "local", fallbacks: 3 });
    assert.equal(slots.requests.length, 1, "not asked again for sharedRetryMs (30 s)");
    assert.deepEqual(states, [["local", "connection refused"]]);
    slots.down = false;
    await clock.tickAsync(30_000);
    const back = grantTimes(gate, 1);
    await clock.tickAsync(0);
    await back.done;
    assert.deepEqual(back.times, [50_000]);
    assert.deepEqual(states.map(([s]) => s), ["local", "shared"]);
    assert.equal(gate.stats.fallbacks, 3);
  });
});

Deno.test("a shared store that does not answer within sharedTimeoutMs does not hold the gate", async () => {
  await withClock(async (clock) => {
    const hung: SharedSlots = { kind: "hung", reserve: () => new Promise<number>(() => {}) };
    const gate = new RequestGate({ minIntervalMs: 5000, shared: hung, sharedTimeoutMs: 2000 });
    const run = grantTimes(gate, 2);
    await clock.tickAsync(10_000);
    await run.done;
    assert.deepEqual(run.times, [2000, 7000], "the second start does not wait for the store again");
    assert.equal(gate.stats.fallbacks, 2);
  });
});

Deno.test("a slot that comes back absurdly far ahead is not waited for", async () => {
  await withClock(async (clock) => {
    const skewed: SharedSlots = {
      kind: "skewed",
      reserve: (r) => Promise.resolve(r.now + SLOT_HORIZON_MS + 1),
    };
    const gate = new RequestGate({ minIntervalMs: 5000, shared: skewed });
    const run = grantTimes(gate, 1);
    await clock.tickAsync(0);
    await run.done;
    assert.deepEqual(run.times, [0]);
    assert.equal(gate.stats.state, "local");
  });
});

Deno.test("a start that comes too late for its slot (a stalled process) takes a new slot", async () => {
  await withClock(async (clock) => {
    const slots = memorySlots();
    let stalled = false;
    const stalling: SharedSlots = {
      kind: "memory",
      reserve: async (request) => {
        const at = await slots.reserve(request);
        if (!stalled) {
          stalled = true;
          clock.setSystemTime(at + 3000); // the event loop was blocked for 3 s after the answer
        }
        return at;
      },
    };
    const gate = new RequestGate({ minIntervalMs: 5000, guardMs: 100, shared: stalling });
    const run = grantTimes(gate, 1);
    await clock.tickAsync(10_000);
    await run.done;
    assert.deepEqual(slots.starts, [0, 5100]);
    assert.deepEqual(run.times, [5100]);
  });
});

Deno.test("the shared slot of a caller aborted while waiting for it goes to the next caller", async () => {
  await withClock(async (clock) => {
    const slots = memorySlots();
    slots.starts = [0];
    const gate = new RequestGate({ minIntervalMs: 5000, shared: slots });
    const stop = new AbortController();
    const first = gate.acquire(stop.signal).then(() => "granted", () => "aborted");
    await clock.tickAsync(1000);
    stop.abort(new Error("cancelled"));
    assert.equal(await first, "aborted");
    const next = grantTimes(gate, 1);
    await clock.tickAsync(20_000);
    await next.done;
    assert.deepEqual(next.times, [5000]);
    assert.deepEqual(slots.starts, [0, 5000], "one slot reserved for both");
  });
});

Deno.test("a running backfill (another process, queue full) delays a live request by at most one slot", async () => {
  await withClock(async (clock) => {
    const slots = memorySlots();
    const backfill = new RequestGate({ minIntervalMs: 5000, guardMs: 100, shared: slots });
    const live = new RequestGate({ minIntervalMs: 5000, guardMs: 100, shared: slots });
    // The backfill takes tickets (as its sender does) for far more requests than the test lasts.
    const stop = new AbortController();
    const queued = Array.from({ length: 60 }, () => backfill.reserve(stop.signal).catch(() => {}));
    const waits: number[] = [];
    let previous = -Infinity;
    // Live requests at odd moments relative to the backfill's slots, each after the previous one started.
    for (const gap of [12_345, 7_777, 20_001, 5_100, 9_999, 2_500]) {
      await clock.tickAsync(gap);
      // Measured from when the live gate's own spacing allows a start.
      const asked = Math.max(Date.now(), previous + 5100);
      let started: number | undefined;
      void live.acquire().then(() => void (started = Date.now()));
      for (let i = 0; i < 400 && started === undefined; i++) await clock.tickAsync(50);
      assert.ok(started !== undefined, `a live request asked at ${asked} ms was not granted within 20 s`);
      waits.push(started! - asked);
      previous = started!;
    }
    stop.abort(new Error("done"));
    await clock.tickAsync(6000);
    await Promise.all(queued);
    assert.ok(Math.max(...waits) <= 5100, `live waits ${waits.join(", ")} ms: at most one 5.1 s slot`);
    const busy = slots.starts.filter((s) => s > 0).length;
    assert.ok(busy > 10, `the backfill kept requesting (${busy} slots)`);
  });
});
