import assert from "node:assert/strict";
import { setupLogging } from "../src/log.ts";

Deno.test("setupLogging() writes one JSON object per line with the fields at the top level, from the level up", async () => {
  const chunks: Uint8Array[] = [];
  const writable = new WritableStream<Uint8Array>({ write: (c) => void chunks.push(c) });
  const logging = await setupLogging({ service: "caiso_test", level: "info", writable });
  logging.log("debug", "not shown");
  logging.log("info", "oasis-stream started", { url: "http://localhost:8000/", datasets: ["lmp_rtm"] });
  logging.log("warn", "window failed {literally}", { error: new Error("HTTP 500"), at: new Date(0) });
  await logging.close();
  const lines = new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c]))).trim().split("\n");
  assert.equal(lines.length, 2);
  const [started, failed] = lines.map((l) => JSON.parse(l));
  assert.equal(started.level, "INFO");
  assert.equal(started.message, "oasis-stream started");
  assert.equal(started.logger, "caiso_test");
  assert.equal(started.url, "http://localhost:8000/");
  assert.deepEqual(started.datasets, ["lmp_rtm"]);
  assert.match(started["@timestamp"], /^\d{4}-\d{2}-\d{2}T/);
  assert.equal(failed.level, "WARN");
  assert.equal(failed.message, "window failed {literally}");
  assert.equal(failed.error, "HTTP 500");
  assert.equal(failed.at, "1970-01-01T00:00:00.000Z");
});
