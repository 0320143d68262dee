import assert from "node:assert/strict";
import { Outbox } from "../../src/bronze/outbox.ts";
import { RecentEntries } from "../../src/bronze/outbox_recent.ts";
import { messages, withKv } from "./bronze_fixtures.ts";

Deno.test("RecentEntries holds no more than its bound of messages and forgets removed entries", () => {
  const recent = new RecentEntries(5);
  recent.add(0, messages(3));
  recent.add(1, messages(3, "t", 3)); // would pass the bound: read from KV instead
  recent.add(2, messages(2, "t", 6));
  assert.equal(recent.rows, 5);
  assert.equal(recent.get(1), undefined);
  assert.deepEqual(recent.get(2), messages(2, "t", 6));
  recent.delete(0);
  recent.delete(0);
  assert.equal(recent.rows, 2);
  assert.equal(recent.get(0), undefined);
});

Deno.test("Outbox.read() gives the same batches from memory as a fresh Outbox reads from KV", () =>
  withKv(async (kv) => {
    const outbox = await Outbox.open({ kv, maxRows: 100_000 });
    const rows = messages(20_000).map((m, i) => ({
      ...m,
      topic: i % 9 ? "t" : "t.dlq",
      value: `{"n":${i}}`,
    }));
    await outbox.appendChunks(rows.length, [rows.slice(0, 7_000), rows.slice(7_000)]);
    const fresh = await Outbox.open({ kv, maxRows: 100_000 });
    let after: number | undefined;
    let hot;
    do {
      hot = await outbox.read(3_000, after);
      assert.deepEqual(hot, await fresh.read(3_000, after));
      after = hot?.lastSeq;
    } while (hot);
    await outbox.remove((await outbox.read(100_000))!);
    assert.equal(outbox.depth, 0);
    assert.equal(await fresh.read(10), null);
  }));

Deno.test('Outbox with keep "bytes" holds recent entries packed; their messages equal what KV gives back', () =>
  withKv(async (kv) => {
    const outbox = await Outbox.open({ kv, maxRows: 100_000, keep: "bytes" });
    const rows = messages(6_000).map((m, i) => ({
      ...m,
      topic: i % 9 ? "t" : "t.dlq",
      value: `{"n":${i},"node":"ÉLAN_€🙂"}`,
    }));
    await outbox.appendChunks(rows.length, [rows.slice(0, 2_500), rows.slice(2_500)]);
    const hot = (await outbox.read(100_000))!;
    assert.ok(hot.groups.length > 0 && hot.groups.every((g) => !Array.isArray(g)), "every group packed");
    assert.equal(hot.count, rows.length);
    assert.deepEqual(hot.messages, rows);
    const fresh = (await (await Outbox.open({ kv, maxRows: 100_000, keep: "bytes" })).read(100_000))!;
    assert.ok(fresh.groups.every((g) => Array.isArray(g)), "entries read from KV are unpacked");
    assert.deepEqual(fresh.messages, rows);
    assert.deepEqual(fresh.keys, hot.keys);
    await outbox.remove(hot);
    assert.equal(outbox.depth, 0);
  }));
