import assert from "node:assert/strict";
import { createBronze } from "../../src/bronze/bronze_service.ts";
import { loadBronzeConfig } from "../../src/bronze/settings.ts";
import { ackBaseline, awaitAcknowledged } from "../../src/jobs/bronze_ack.ts";
import { excerptFetch, FakeSink } from "../bronze/bronze_fixtures.ts";

Deno.test("awaitAcknowledged() counts rows committed apart from rows the sink acknowledged, and what an earlier run left", async () => {
  const kv = await Deno.openKv(":memory:");
  const config = loadBronzeConfig({ BRONZE_LINGER_MS: "0" });
  const sink = new FakeSink();
  sink.failNext = 1_000_000;
  const first = await createBronze(config, { kv, sink, datasets: ["lmp_dam"] });
  await first.start();
  const before = ackBaseline(first);
  await first.publisher.publish(excerptFetch(), "lmp_dam");
  const down = await awaitAcknowledged(first, before, 100);
  assert.deepEqual(down, { sink: "test", committed: 288, earlier: 0, acknowledged: 0, held: 288 });
  assert.equal(await first.close(10), 288, "the held rows stay in the outbox");

  sink.failNext = 0;
  const second = await createBronze(config, { kv, sink, datasets: ["lmp_dam"] });
  await second.start();
  const up = await awaitAcknowledged(second, ackBaseline(second), 10_000);
  assert.deepEqual(up, { sink: "test", committed: 0, earlier: 288, acknowledged: 288, held: 0 });
  assert.equal(sink.all.length, 288);
  await second.close(1000);
  kv.close();
});
