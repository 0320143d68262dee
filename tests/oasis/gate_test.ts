import assert from "node:assert/strict";
import { withClock } from "./fake_clock.ts";
import { RequestGate } from "../../src/oasis/gate.ts";

/** Starts `n` callers at once; returns the time each was let through, in call order, and the grant order. */
function acquireMany(gate: RequestGate, n: number) {
  const times: number[] = new Array(n);
  const order: number[] = [];
  const done = Array.from({ length: n }, (_, i) =>
    gate.acquire().then(() => {
      times[i] = Date.now();
      order.push(i);
    }));
  return { times, order, done: Promise.all(done) };
}

Deno.test("RequestGate lets concurrent callers start at least minIntervalMs apart, first come first served", async () => {
  await withClock(async (clock) => {
    const gate = new RequestGate({ minIntervalMs: 5000 });
    const run = acquireMany(gate, 4);
    await clock.tickAsync(20_000);
    await run.done;
    assert.deepEqual(run.times, [0, 5000, 10_000, 15_000]);
    assert.deepEqual(run.order, [0, 1, 2, 3]);
  });
});

Deno.test("RequestGate defaults to CAISO's one request per 5 seconds", async () => {
  await withClock(async (clock) => {
    const gate = new RequestGate();
    const run = acquireMany(gate, 3);
    await clock.tickAsync(10_000);
    await run.done;
    assert.deepEqual(run.times, [0, 5000, 10_000]);
  });
});

Deno.test("RequestGate measures the interval from the last start, so a caller after a quiet spell starts at once", async () => {
  await withClock(async (clock) => {
    const gate = new RequestGate({ minIntervalMs: 5000 });
    await gate.acquire();
    await clock.tickAsync(3000);
    const second = gate.acquire().then(() => Date.now());
    await clock.tickAsync(2000);
    assert.equal(await second, 5000);
    await clock.tickAsync(60_000);
    const third = gate.acquire().then(() => Date.now());
    await clock.tickAsync(0);
    assert.equal(await third, 65_000);
  });
});

Deno.test("RequestGate never lets more than ratePerMinute requests start in any 60 s window", async () => {
  await withClock(async (clock) => {
    const gate = new RequestGate({ minIntervalMs: 1000, ratePerMinute: 3 });
    const run = acquireMany(gate, 7);
    await clock.tickAsync(200_000);
    await run.done;
    assert.deepEqual(run.times, [0, 1000, 2000, 60_000, 61_000, 62_000, 120_000]);
    for (const t of run.times) {
      const inWindow = run.times.filter((s) => s >= t && s < t + 60_000).length;
      assert.ok(inWindow <= 3, `${inWindow} starts in the minute from ${t}`);
    }
  });
});

Deno.test("RequestGate with no interval still caps the starts per minute", async () => {
  await withClock(async (clock) => {
    const gate = new RequestGate({ minIntervalMs: 0, ratePerMinute: 2 });
    const run = acquireMany(gate, 5);
    await clock.tickAsync(150_000);
    await run.done;
    assert.deepEqual(run.times, [0, 0, 60_000, 60_000, 120_000]);
  });
});

Deno.test("RequestGate.acquire() rejects with the abort reason and the caller loses its place", async () => {
  await withClock(async (clock) => {
    const gate = new RequestGate({ minIntervalMs: 5000 });
    await gate.acquire();
    const controller = new AbortController();
    const aborted = gate.acquire(controller.signal).then(() => "granted", (e) => e);
    const next = gate.acquire().then(() => Date.now());
    assert.equal(gate.waiting, 2);
    await clock.tickAsync(1000);
    controller.abort(new Error("job cancelled"));
    const reason = await aborted;
    assert.ok(reason instanceof Error && reason.message === "job cancelled");
    assert.equal(gate.waiting, 1);
    await clock.tickAsync(4000);
    assert.equal(await next, 5000);
  });
});

Deno.test("RequestGate.acquire() with an already aborted signal rejects without taking a slot", async () => {
  await withClock(async (clock) => {
    const gate = new RequestGate({ minIntervalMs: 5000 });
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await assert.rejects(gate.acquire(controller.signal), /stop/);
    const granted = gate.acquire().then(() => Date.now());
    await clock.tickAsync(0);
    assert.equal(await granted, 0);
  });
});

Deno.test("RequestGate rejects invalid limits with a RangeError naming the option", () => {
  assert.throws(() => new RequestGate({ minIntervalMs: -1 }), RangeError);
  assert.throws(() => new RequestGate({ ratePerMinute: 0 }), /ratePerMinute/);
  assert.throws(() => new RequestGate({ ratePerMinute: 1.5 }), /ratePerMinute/);
});

Deno.test("RequestGate uses an injected clock when given one", async () => {
  let now = 1000;
  const timers: Array<{ fn: () => void; at: number }> = [];
  const gate = new RequestGate({
    minIntervalMs: 5000,
    clock: {
      now: () => now,
      setTimeout: (fn, ms) => timers.push({ fn, at: now + ms }),
      clearTimeout: () => {},
    },
  });
  await gate.acquire();
  let granted = false;
  const second = gate.acquire().then(() => granted = true);
  assert.equal(timers.at(-1)?.at, 6000);
  now = 6000;
  timers.at(-1)!.fn();
  await second;
  assert.ok(granted);
});

Deno.test("RequestGate adds guardMs to a non-zero interval, never to a zero one", async () => {
  await withClock(async (clock) => {
    const run = acquireMany(new RequestGate({ minIntervalMs: 5000, guardMs: 100 }), 3);
    await clock.tickAsync(20_000);
    await run.done;
    assert.deepEqual(run.times, [0, 5100, 10_200]);
    const free = acquireMany(new RequestGate({ minIntervalMs: 0, guardMs: 100 }), 3);
    await clock.tickAsync(0);
    await free.done;
    assert.deepEqual(free.times, [20_000, 20_000, 20_000]);
  });
});
