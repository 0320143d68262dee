import assert from "node:assert/strict";
import { OasisParseError } from "../../src/oasis/errors.ts";
import { parseResponse } from "../../src/oasis/parse.ts";
import { WorkerParser } from "../../src/oasis/worker_parser.ts";

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
  const parser = new WorkerParser();
  try {
    await assert.rejects(parser.parse(bytes.slice(0, 5000), { fileName: ZIP }), OasisParseError);
    const ok = await parser.parse(bytes, { fileName: ZIP });
    assert.equal(ok.kind, "rows");
  } finally {
    parser.close();
  }
});
