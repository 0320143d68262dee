import assert from "node:assert/strict";
import { createBronzeMetrics } from "../../src/bronze/metrics.ts";
import { Outbox, OutboxFullError } from "../../src/bronze/outbox.ts";
import type { BronzeMessage } from "../../src/bronze/sink.ts";
import { messages, withKv } from "./bronze_fixtures.ts";

async function readAll(outbox: Outbox): Promise<BronzeMessage[]> {
  return (await outbox.read(Number.MAX_SAFE_INTEGER))?.messages.slice() ?? [];
}

Deno.test("Outbox.read() returns appended messages in commit order", () =>
  withKv(async (kv) => {
    const outbox = await Outbox.open({ kv, maxRows: 100 });
    await outbox.append(messages(3, "a"));
    await outbox.append(messages(2, "b", 3));
    assert.equal(outbox.depth, 5);
    assert.deepEqual((await readAll(outbox)).map((m) => m.key), ["k0", "k1", "k2", "k3", "k4"]);
  }));

/** A JSON value of about `chars` characters that does not compress (hex of random bytes). */
function noise(chars: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(Math.ceil(chars / 2)));
  return JSON.stringify({ pad: Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("") });
}

async function entryCount(kv: Deno.Kv): Promise<number> {
  let entries = 0;
  for await (const _ of kv.list({ prefix: ["bronze_outbox", "m"] })) entries++;
  return entries;
}

Deno.test("Outbox packs large appends into many KV entries and atomic commits without losing order", () =>
  withKv(async (kv) => {
    const outbox = await Outbox.open({ kv, maxRows: 100_000 });
    // 4,500 rows: zstd packs random hex about 1.5× tighter than deflate did, so 3,000 gave 30 entries.
    const big = messages(4500).map((m) => ({ ...m, value: noise(900) }));
    await outbox.append(big);
    const entries = await entryCount(kv);
    assert.ok(entries > 40, `expected many entries, got ${entries}`);
    assert.equal(outbox.depth, 4500);
    assert.deepEqual(await readAll(outbox), big);
  }));

Deno.test("Outbox packs compressible rows (envelopes) hundreds to a KV entry and reads them back unchanged", () =>
  withKv(async (kv) => {
    const outbox = await Outbox.open({ kv, maxRows: 100_000 });
    const rows = messages(5000).map((m, i) => ({
      ...m,
      topic: i % 7 === 0 ? "t.dlq" : "t",
      key: `lmp_dam|NODE_${i}|LMP|2020-01-02T08:00:00Z ünï`,
      value: JSON.stringify({
        schema: "caiso_oasis.bronze.raw_row.v1",
        node: `NODE_${i}`,
        value: i / 3,
        note: "€ ✓",
      }),
    }));
    await outbox.append(rows);
    assert.ok(await entryCount(kv) < 10, "thousands of small rows take a few entries");
    assert.deepEqual(await readAll(outbox), rows);
  }));

Deno.test("Outbox stores a packed entry in bytes of its own, not the larger buffer zlib wrote into", () =>
  withKv(async (kv) => {
    const outbox = await Outbox.open({ kv, maxRows: 10 });
    await outbox.append(messages(1));
    const [entry] = await Array.fromAsync(kv.list<{ z: Uint8Array }>({ prefix: ["bronze_outbox", "m"] }));
    assert.ok(entry!.value.z.buffer.byteLength < 100, `stored ${entry!.value.z.buffer.byteLength} bytes`);
  }));

Deno.test("Outbox stores a lone message that does not compress below the entry limit as a plain entry", () =>
  withKv(async (kv) => {
    const outbox = await Outbox.open({ kv, maxRows: 10 });
    // 29,000 random characters from U+0800–U+D7FF: 87 KB of UTF-8 that deflate brings to about 67 KB.
    const chars = Array.from(
      crypto.getRandomValues(new Uint16Array(29_000)),
      (n) => String.fromCharCode(0x0800 + n % (0xd800 - 0x0800)),
    );
    const [m] = messages(1);
    const wide = { ...m!, value: JSON.stringify(chars.join("")) };
    await outbox.append([wide, ...messages(2, "t", 1)]);
    assert.deepEqual(await readAll(outbox), [wide, ...messages(2, "t", 1)]);
    const values = [];
    for await (const e of kv.list<Record<string, unknown>>({ prefix: ["bronze_outbox", "m"] })) {
      values.push(e.value);
    }
    assert.ok(values.some((v) => "m" in v), "the wide message is kept as { at, m }");
  }));

Deno.test("Outbox drains entries an earlier version wrote ({ at, m }) before new ones, in order", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/outbox.kv`;
  try {
    // What the previous release left in its KV file: one plain value per group of messages.
    const old = await Deno.openKv(path);
    await old.atomic()
      .set(["bronze_outbox", "m", 0], { at: 1_000, m: messages(2) })
      .set(["bronze_outbox", "m", 1], { at: 2_000, m: messages(3, "t", 2) })
      .commit();
    old.close();

    const kv = await Deno.openKv(path);
    const outbox = await Outbox.open({ kv, maxRows: 100 });
    assert.equal(outbox.depth, 5);
    await outbox.append(messages(2, "t", 5));
    const first = (await outbox.read(1))!;
    assert.deepEqual(first.messages.map((m) => m.key), ["k0", "k1"]);
    assert.equal(first.oldestAt, 1_000);
    assert.deepEqual(await readAll(outbox), messages(7));
    await outbox.remove((await outbox.read(100))!);
    assert.equal(outbox.depth, 0);
    assert.equal(await entryCount(kv), 0);
    kv.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Outbox.read() after a sequence number reads ahead without the first batch", () =>
  withKv(async (kv) => {
    const outbox = await Outbox.open({ kv, maxRows: 100 });
    await outbox.append(messages(2));
    await outbox.append(messages(2, "t", 2));
    const first = (await outbox.read(1))!;
    assert.deepEqual(first.messages.map((m) => m.key), ["k0", "k1"]);
    const next = (await outbox.read(10, first.lastSeq))!;
    assert.deepEqual(next.messages.map((m) => m.key), ["k2", "k3"]);
    assert.equal(await outbox.read(10, next.lastSeq), null);
  }));

Deno.test("Outbox.remove() deletes an acknowledged batch and lowers the depth gauge", () =>
  withKv(async (kv) => {
    const metrics = createBronzeMetrics();
    const outbox = await Outbox.open({ kv, maxRows: 100, metrics });
    await outbox.append(messages(4));
    assert.equal(metrics.outboxDepth, 4);
    await outbox.remove((await outbox.read(100))!);
    assert.equal(outbox.depth, 0);
    assert.equal(metrics.outboxDepth, 0);
    assert.equal(await outbox.read(100), null);
  }));

Deno.test("Outbox.append() past the bound refuses the whole call, counts it and logs it", () =>
  withKv(async (kv) => {
    const metrics = createBronzeMetrics();
    const logs: string[] = [];
    const outbox = await Outbox.open({ kv, maxRows: 5, metrics, log: (_l, msg) => logs.push(msg) });
    await outbox.append(messages(4));
    await assert.rejects(outbox.append(messages(2, "t", 4)), OutboxFullError);
    assert.equal(outbox.depth, 4);
    assert.equal(metrics.outboxRejected, 2);
    assert.ok(logs.includes("bronze outbox full"));
    assert.equal((await readAll(outbox)).length, 4);
  }));

Deno.test("Outbox.append() refuses a message too large for one KV entry", () =>
  withKv(async (kv) => {
    const outbox = await Outbox.open({ kv, maxRows: 10 });
    const [m] = messages(1);
    await assert.rejects(outbox.append([{ ...m!, value: "x".repeat(40_000) }]), RangeError);
    assert.equal(outbox.depth, 0);
  }));

Deno.test("concurrent Outbox.append() calls commit in call order", () =>
  withKv(async (kv) => {
    const outbox = await Outbox.open({ kv, maxRows: 1000 });
    await Promise.all([outbox.append(messages(100)), outbox.append(messages(100, "t", 100))]);
    assert.deepEqual((await readAll(outbox)).map((m) => m.key), messages(200).map((m) => m.key));
  }));

Deno.test("Outbox.open() resumes what a previous process left in the KV file", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/outbox.kv`;
  try {
    const kv1 = await Deno.openKv(path);
    const first = await Outbox.open({ kv: kv1, maxRows: 100 });
    await first.append(messages(3));
    kv1.close();

    const kv2 = await Deno.openKv(path);
    const metrics = createBronzeMetrics();
    const again = await Outbox.open({ kv: kv2, maxRows: 100, metrics });
    assert.equal(again.depth, 3);
    assert.equal(metrics.outboxDepth, 3);
    await again.append(messages(1, "t", 3));
    assert.deepEqual((await readAll(again)).map((m) => m.key), ["k0", "k1", "k2", "k3"]);
    kv2.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Outbox.changed() resolves at the next commit", () =>
  withKv(async (kv) => {
    const outbox = await Outbox.open({ kv, maxRows: 10 });
    const changed = outbox.changed();
    await outbox.append(messages(1));
    await changed;
  }));
