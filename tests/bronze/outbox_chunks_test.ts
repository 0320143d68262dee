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
