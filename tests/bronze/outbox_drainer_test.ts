import assert from "node:assert/strict";
import { createBronzeMetrics } from "../../src/bronze/metrics.ts";
import { Outbox } from "../../src/bronze/outbox.ts";
import { OutboxDrainer } from "../../src/bronze/outbox_drainer.ts";
import { groupMessages, isPacked } from "../../src/bronze/outbox_entry.ts";
import type { BronzeMessage, BronzeSink, MessageGroup } from "../../src/bronze/sink.ts";
import { FakeSink, messages } from "./bronze_fixtures.ts";

/** A sleep that returns at once and records each requested delay. */
function instantSleep(delays: number[]) {
  return (ms: number) => {
    delays.push(ms);
    return new Promise<void>((resolve) => setTimeout(resolve, 0));
  };
}

async function setup(options: { maxRows?: number; batchMaxRows?: number; lingerMs?: number } = {}) {
  const kv = await Deno.openKv(":memory:");
  const metrics = createBronzeMetrics();
  const outbox = await Outbox.open({ kv, maxRows: options.maxRows ?? 10_000, metrics });
  const sink = new FakeSink();
  const delays: number[] = [];
  const logs: Array<{ level: string; msg: string }> = [];
  const drainer = new OutboxDrainer({
    outbox,
    sink,
    batchMaxRows: options.batchMaxRows ?? 100,
    lingerMs: options.lingerMs ?? 0,
    retryInitialMs: 100,
    retryMaxMs: 400,
    metrics,
    log: (level, msg) => logs.push({ level, msg }),
    sleep: instantSleep(delays),
  });
  return { kv, metrics, outbox, sink, delays, logs, drainer };
}

Deno.test("OutboxDrainer sends the outbox in order and deletes only what was acknowledged", async () => {
  const { kv, metrics, outbox, sink, drainer } = await setup({ batchMaxRows: 10 });
  await outbox.append(messages(25));
  drainer.start();
  await drainer.drained();
  assert.deepEqual(sink.all.map((m) => m.key), messages(25).map((m) => m.key));
  assert.equal(outbox.depth, 0);
  assert.equal(metrics.published, 25);
  assert.equal(metrics.outboxDepth, 0);
  assert.ok(metrics.publishLatencyCount >= 1);
  assert.equal(await drainer.close(1000), 0);
  kv.close();
});

Deno.test("OutboxDrainer keeps messages while the sink fails and drains them in order once it is back", async () => {
  const { kv, metrics, outbox, sink, delays, logs, drainer } = await setup({ batchMaxRows: 5 });
  sink.failNext = 4;
  await outbox.append(messages(12));
  drainer.start();
  await drainer.drained();
  assert.deepEqual(sink.all.map((m) => m.key), messages(12).map((m) => m.key));
  assert.equal(metrics.sendFailures, 4);
  assert.deepEqual(delays, [100, 200, 400, 400], "backoff doubles up to retryMaxMs");
  assert.ok(logs.some((l) => l.msg === "bronze send failed; messages stay in the outbox"));
  assert.ok(logs.some((l) => l.msg === "bronze sink recovered"));
  await drainer.close(1000);
  kv.close();
});

Deno.test("OutboxDrainer picks up rows appended while it is idle", async () => {
  const { kv, outbox, sink, drainer } = await setup();
  drainer.start();
  await outbox.append(messages(3));
  await drainer.drained();
  await outbox.append(messages(2, "t", 3));
  await drainer.drained();
  assert.deepEqual(sink.all.map((m) => m.key), ["k0", "k1", "k2", "k3", "k4"]);
  await drainer.close(1000);
  kv.close();
});

Deno.test("OutboxDrainer waits lingerMs for a partial batch and sends a full one at once", async () => {
  const { kv, outbox, sink, delays, drainer } = await setup({ batchMaxRows: 10, lingerMs: 50 });
  await outbox.append(messages(3));
  drainer.start();
  await drainer.drained();
  assert.deepEqual(delays, [50]);
  await outbox.append(messages(10, "t", 3));
  await drainer.drained();
  assert.deepEqual(delays, [50], "a full batch does not linger");
  assert.equal(sink.all.length, 13);
  await drainer.close(1000);
  kv.close();
});

Deno.test("OutboxDrainer.close() gives up at the deadline and leaves unacknowledged rows in the outbox", async () => {
  const { kv, outbox, sink, drainer } = await setup();
  let release!: () => void;
  sink.gate = new Promise((resolve) => release = resolve);
  await outbox.append(messages(4));
  drainer.start();
  const left = await drainer.close(20);
  assert.equal(left, 4);
  assert.equal(outbox.depth, 4);
  assert.equal((await outbox.read(100))!.messages.length, 4);
  release();
  await new Promise((resolve) => setTimeout(resolve, 0));
  kv.close();
});

Deno.test("a new drainer on the same outbox resumes after a stop and sends every row once", async () => {
  const { kv, outbox, sink, drainer } = await setup({ batchMaxRows: 2 });
  sink.failNext = 1_000;
  await outbox.append(messages(6));
  drainer.start();
  assert.equal(await drainer.close(10), 6);
  const sink2 = new FakeSink();
  const second = new OutboxDrainer({
    outbox: await Outbox.open({ kv, maxRows: 100 }),
    sink: sink2,
    batchMaxRows: 2,
    lingerMs: 0,
  });
  second.start();
  await second.drained();
  assert.deepEqual(sink2.all.map((m) => m.key), messages(6).map((m) => m.key));
  await second.close(1000);
  kv.close();
});

Deno.test("OutboxDrainer.waitDrained() reports pending rows while the sink is down and resolves with what is still held", async () => {
  const { kv, outbox, sink, drainer } = await setup({ batchMaxRows: 5 });
  sink.failNext = 1_000_000;
  await outbox.append(messages(7));
  drainer.start();
  const pending: number[] = [];
  const held = await drainer.waitDrained(150, (depth) => pending.push(depth), 20);
  assert.equal(held, 7, "nothing acknowledged: all rows are held");
  assert.ok(pending.length >= 1 && pending.every((d) => d === 7), `pending reports: ${pending}`);
  sink.failNext = 0;
  assert.equal(
    await drainer.waitDrained(10_000, undefined, 20),
    0,
    "the sink is back: every row acknowledged",
  );
  assert.equal(sink.all.length, 7);
  await drainer.close(1000);
  kv.close();
});

/** A sink that takes several sends at once, answers each after a few ms, and fails its second send once. */
class OverlappingSink extends FakeSink {
  readonly concurrentSends = 3;
  calls = 0;
  inFlight = 0;
  maxInFlight = 0;

  override async send(messages: readonly BronzeMessage[]): Promise<void> {
    const call = ++this.calls;
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (call === 2) throw new Error("broker unavailable");
      this.sent.push([...messages]);
    } finally {
      this.inFlight--;
    }
  }
}

Deno.test("OutboxDrainer with concurrentSends overlaps batches, removes them in order and resends from a failed one", async () => {
  const kv = await Deno.openKv(":memory:");
  const metrics = createBronzeMetrics();
  const outbox = await Outbox.open({ kv, maxRows: 1_000, metrics });
  const all = messages(30);
  for (let i = 0; i < 30; i += 5) await outbox.append(all.slice(i, i + 5)); // six entries
  const sink = new OverlappingSink();
  const drainer = new OutboxDrainer({
    outbox,
    sink,
    batchMaxRows: 5,
    lingerMs: 0,
    metrics,
    sleep: instantSleep([]),
  });
  drainer.start();
  await drainer.drained();
  const delivered = sink.sent.flat().map((m) => m.key);
  assert.ok(sink.maxInFlight > 1 && sink.maxInFlight <= 3, `in flight at most: ${sink.maxInFlight}`);
  assert.deepEqual([...new Set(delivered)].sort(), all.map((m) => m.key).sort(), "every row delivered");
  // Each key's last delivery comes in outbox order: a resend never leaves an older write after a newer one.
  const last = all.map((m) => delivered.lastIndexOf(m.key));
  assert.deepEqual(last, [...last].sort((a, b) => a - b));
  assert.equal(metrics.sendFailures, 1);
  assert.equal(metrics.published, 30, "each row counted once, when its batch is removed");
  assert.equal(outbox.depth, 0);
  assert.equal(await drainer.close(1000), 0);
  kv.close();
});

Deno.test("OutboxDrainer hands a sink with sendGroups the packed groups the outbox holds, in order", async () => {
  const kv = await Deno.openKv(":memory:");
  const outbox = await Outbox.open({ kv, maxRows: 10_000, keep: "bytes" });
  const groups: MessageGroup[][] = [];
  const sink: BronzeSink = {
    kind: "test",
    ensureTopics: () => Promise.resolve(),
    send: () => Promise.reject(new Error("send() is not used when sendGroups is there")),
    sendGroups: (g) => {
      groups.push([...g]);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  const drainer = new OutboxDrainer({ outbox, sink, batchMaxRows: 50, lingerMs: 0 });
  await outbox.append(messages(120));
  drainer.start();
  await drainer.drained();
  const sent = groups.flat();
  assert.ok(sent.some((g) => isPacked(g)), "packed groups reach the sink");
  assert.deepEqual(sent.flatMap((g) => groupMessages(g)), messages(120));
  assert.equal(await drainer.close(1000), 0);
  kv.close();
});
