import assert from "node:assert/strict";
import { deflateRawSync } from "node:zlib";
import { createBronzeMetrics } from "../../src/bronze/metrics.ts";
import { Outbox, OutboxFullError } from "../../src/bronze/outbox.ts";
import type { BronzeMessage } from "../../src/bronze/sink.ts";
import { messages, withKv } from "./bronze_fixtures.ts";

Deno.test("Outbox.appendChunks() checks the bound for all rows before it builds a chunk", () =>
  withKv(async (kv) => {
    const metrics = createBronzeMetrics();
    const outbox = await Outbox.open({ kv, maxRows: 5, metrics });
    let built = 0;
    function* chunks(): Generator<BronzeMessage[]> {
      built++;
      yield messages(3);
      built++;
      yield messages(3, "t", 3);
    }
    await assert.rejects(outbox.appendChunks(6, chunks()), OutboxFullError);
    assert.equal(built, 0);
    assert.equal(metrics.outboxRejected, 6);
    assert.equal(outbox.depth, 0);
  }));

function hex(chars: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(chars / 2)), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

Deno.test("Outbox.appendChunks() commits the first chunks while later ones are still to be built", () =>
  withKv(async (kv) => {
    const outbox = await Outbox.open({ kv, maxRows: 100_000 });
    const depths: number[] = [];
    // Random hex (compresses about twofold): ~500 KB of entries a chunk, so a commit every chunk or two.
    const big = (n: number, from: number) =>
      messages(n, "t", from).map((m) => ({ ...m, value: JSON.stringify({ pad: hex(2_000) }) }));
    function* chunks(): Generator<BronzeMessage[]> {
      for (let i = 0; i < 20; i++) {
        depths.push(outbox.depth);
        yield big(500, i * 500);
      }
    }
    await outbox.appendChunks(10_000, chunks());
    assert.equal(outbox.depth, 10_000);
    const read = (await outbox.read(Number.MAX_SAFE_INTEGER))!.messages;
    assert.deepEqual(read.map((m) => m.key), messages(10_000).map((m) => m.key));
    assert.ok(depths[2]! > 0, `depth seen before each chunk: ${depths.join(", ")}`);
  }));

Deno.test("Outbox.appendChunks() refuses more messages than it was promised", () =>
  withKv(async (kv) => {
    const outbox = await Outbox.open({ kv, maxRows: 100 });
    await assert.rejects(outbox.appendChunks(2, [messages(3)]), RangeError);
    await outbox.append(messages(1));
    assert.equal(outbox.depth, 1);
  }));

Deno.test("Outbox drains packed entries the previous release wrote ({ v: 2 }, raw deflate)", () =>
  withKv(async (kv) => {
    const old = messages(3);
    const layout = {
      t: ["t"],
      h: [old[0]!.headers],
      r: old.flatMap((m) => [0, 0, m.key.length, m.value.length]),
    };
    const text = `${JSON.stringify(layout)}\n${old.map((m) => m.key + m.value).join("")}`;
    const z = new Uint8Array(deflateRawSync(new TextEncoder().encode(text), { level: 1 }));
    await kv.set(["bronze_outbox", "m", 0], { v: 2, at: 1_000, n: 3, z });
    const outbox = await Outbox.open({ kv, maxRows: 100 });
    await outbox.append(messages(2, "t", 3));
    assert.deepEqual((await outbox.read(100))!.messages, messages(5));
  }));

/** `kv` whose `failAt`-th atomic commit (1-based) rejects; every other call goes through. */
function failingCommit(kv: Deno.Kv, failAt: number): Deno.Kv {
  let commits = 0;
  return new Proxy(kv, {
    get(target, name) {
      if (name !== "atomic") return Reflect.get(target, name).bind(target);
      return () => {
        const op = target.atomic();
        return new Proxy(op, {
          get(o, n) {
            if (n !== "commit") return Reflect.get(o, n).bind(o);
            return () => ++commits === failAt ? Promise.reject(new Error("disk full")) : o.commit();
          },
        });
      };
    },
  });
}

Deno.test("Outbox.appendChunks() with a commit failing while the next chunk is built rejects; earlier chunks stay", () =>
  withKv(async (kv) => {
    const outbox = await Outbox.open({ kv: failingCommit(kv, 2), maxRows: 100_000 });
    const chunks = [messages(3), messages(3, "t", 3), messages(3, "t", 6), messages(3, "t", 9)];
    await assert.rejects(outbox.appendChunks(12, chunks), /disk full/);
    assert.equal(outbox.depth, 3, "the first chunk is durable, nothing after the failed commit is");
    assert.deepEqual((await outbox.read(100))!.messages, messages(3));
    await outbox.append(messages(2, "t", 20));
    assert.equal(outbox.depth, 5);
  }));

Deno.test("Outbox.appendChunks() whose chunks throw while a commit is in flight rejects with that error after it lands", () =>
  withKv(async (kv) => {
    const outbox = await Outbox.open({ kv, maxRows: 100 });
    function* chunks(): Generator<BronzeMessage[]> {
      yield messages(2);
      throw new Error("row source failed");
    }
    await assert.rejects(outbox.appendChunks(4, chunks()), /row source failed/);
    assert.equal(outbox.depth, 2);
  }));
