import assert from "node:assert/strict";
import { OasisParseError } from "../../src/oasis/errors.ts";
import { parseResponse } from "../../src/oasis/parse.ts";
import { WorkerParser } from "../../src/oasis/worker_parser.ts";
import { unzipSync, zipSync } from "fflate";

const ZIP = "singlezip_PRC_LMP_DAM_v1_ALL_APNODES_start-20200102T00Z.zip";
const bytes = Deno.readFileSync(new URL(`../fixtures/oasis-samples/${ZIP}`, import.meta.url));

Deno.test("WorkerParser gives the same result as parseResponse for the 162,848-row zip", async () => {
  const parser = new WorkerParser();
  try {
    const viaWorker = await parser.parse(bytes, { fileName: ZIP });
    const direct = parseResponse(bytes, { fileName: ZIP });
    assert.equal(viaWorker.kind, "rows");
    assert.deepEqual(viaWorker, direct);
  } finally {
    parser.close();
  }
});

Deno.test("WorkerParser keeps the event loop turning while a large file is parsed", async () => {
  const parser = new WorkerParser();
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    const result = await parser.parse(bytes, { fileName: ZIP });
    assert.equal(result.kind, "rows");
  } finally {
    clearInterval(timer);
    parser.close();
  }
  // A synchronous parse on this thread would let no timer run until it returned.
  assert.ok(ticks > 5, `only ${ticks} timer ticks ran during the parse`);
});

Deno.test("WorkerParser rejects a malformed zip with OasisParseError and stays usable", async () => {
  const parser = new WorkerParser({ inlineMaxBytes: 0 });
  try {
    await assert.rejects(parser.parse(bytes.slice(0, 5000), { fileName: ZIP }), OasisParseError);
    const ok = await parser.parse(bytes, { fileName: ZIP });
    assert.equal(ok.kind, "rows");
  } finally {
    parser.close();
  }
});

/** The first `lines` lines of the all-nodes CSV, zipped under the same member name. */
function smallZip(lines: number): Uint8Array {
  const [name, csv] = Object.entries(unzipSync(bytes))[0]!;
  const text = new TextDecoder().decode(csv).split("\n").slice(0, lines).join("\n") + "\n";
  return zipSync({ [name]: new TextEncoder().encode(text) });
}

Deno.test("WorkerParser parses a small answer on the calling thread without starting a worker", async () => {
  const parser = new WorkerParser();
  try {
    const small = smallZip(400);
    assert.ok(small.length < 65_536);
    const result = await parser.parse(small, { fileName: ZIP });
    assert.deepEqual(result, parseResponse(small, { fileName: ZIP }));
    assert.equal(parser.workerRunning, false);
    await assert.rejects(parser.parse(small.slice(0, 100), { fileName: ZIP }), OasisParseError);
  } finally {
    parser.close();
  }
});

Deno.test("WorkerParser stops its idle worker and starts one again for the next large answer", async () => {
  const parser = new WorkerParser({ idleMs: 20 });
  try {
    assert.equal((await parser.parse(bytes, { fileName: ZIP })).kind, "rows");
    const deadline = Date.now() + 10_000; // generous: only the stop matters, not how soon
    while (parser.workerRunning && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(parser.workerRunning, false);
    const again = await parser.parse(bytes, { fileName: ZIP });
    assert.equal(again.kind === "rows" && again.rows.length, 162_848);
  } finally {
    parser.close();
  }
});
