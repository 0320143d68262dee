import assert from "node:assert/strict";
import { join } from "node:path";
import { NdjsonSink } from "../../src/bronze/ndjson_sink.ts";
import { messages } from "./bronze_fixtures.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const NOW = () => new Date("2026-03-08T23:59:59Z");

Deno.test("NdjsonSink writes each value as one line under <dir>/<topic>/<utc-date>.ndjson", () =>
  withDir(async (dir) => {
    const sink = new NdjsonSink({ dir, now: NOW });
    await sink.ensureTopics(["a.raw.v1", "a.raw.v1.dlq"]);
    assert.ok((await Deno.stat(join(dir, "a.raw.v1.dlq"))).isDirectory);
    await sink.send([...messages(2, "a.raw.v1"), ...messages(1, "a.raw.v1.dlq", 2)]);
    await sink.close();
    const text = await Deno.readTextFile(join(dir, "a.raw.v1", "2026-03-08.ndjson"));
    assert.equal(text, '{"i":0}\n{"i":1}\n');
    assert.equal(await Deno.readTextFile(join(dir, "a.raw.v1.dlq", "2026-03-08.ndjson")), '{"i":2}\n');
    assert.equal(sink.pathOf("a.raw.v1"), join(dir, "a.raw.v1", "2026-03-08.ndjson"));
  }));

Deno.test("NdjsonSink appends and never interleaves lines of concurrent sends", () =>
  withDir(async (dir) => {
    const sink = new NdjsonSink({ dir, now: NOW });
    const big = (from: number) =>
      messages(500, "t", from).map((m) => ({
        ...m,
        value: JSON.stringify({ k: m.key, pad: "y".repeat(200) }),
      }));
    await Promise.all([sink.send(big(0)), sink.send(big(500)), sink.send(big(1000))]);
    const lines = (await Deno.readTextFile(sink.pathOf("t"))).trimEnd().split("\n");
    assert.equal(lines.length, 1500);
    assert.deepEqual(lines.map((l) => JSON.parse(l).k), messages(1500).map((m) => m.key));
  }));

Deno.test("NdjsonSink refuses a topic that is not a safe folder name", () =>
  withDir(async (dir) => {
    const sink = new NdjsonSink({ dir });
    await assert.rejects(sink.send(messages(1, "../escape")), TypeError);
  }));
