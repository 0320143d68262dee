/** Opening Deno KV files: the folder is made first, and what is written is there on the next open. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openKv } from "../../src/clients/kv.ts";

Deno.test("openKv() creates the file's folder and reopens what was written", async () => {
  const dir = await Deno.makeTempDir({ prefix: "clients-kv-" });
  const path = join(dir, "a", "b", "jobs.kv");
  try {
    const kv = await openKv(path);
    await kv.set(["k"], 1);
    kv.close();
    assert.ok((await Deno.stat(join(dir, "a", "b"))).isDirectory);
    const again = await openKv(path);
    assert.equal((await again.get<number>(["k"])).value, 1);
    again.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openKv() opens an in-memory database for :memory: without touching the disk", async () => {
  const kv = await openKv(":memory:");
  await kv.set(["k"], "v");
  assert.equal((await kv.get<string>(["k"])).value, "v");
  kv.close();
});
