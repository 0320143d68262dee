import assert from "node:assert/strict";
import { KvStore, openKvStore } from "../../src/store/kv_store.ts";
import { storeContract } from "./store_contract.ts";
import { NP15, priceRows, testConfig } from "./helpers.ts";

storeContract("kv", async (clock, config) => {
  const kv = await Deno.openKv(":memory:");
  const store = new KvStore({ config, clock, kv, ownsKv: true });
  // A second store on the same database, as a restarted service would open it.
  return {
    store,
    cleanup: () => Promise.resolve(),
    twin: () => Promise.resolve(new KvStore({ config, clock, kv })),
  };
});

Deno.test("[kv] a store reopened on the same file keeps prices and compares new polls with them", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/sub/hot.kv`;
  const clock = () => new Date("2025-06-10T19:07:00Z");
  try {
    const rows = priceRows("lmp_rtm", NP15, "2025-06-10T18:00:00Z", [40, 120]);
    const first = await openKvStore({ config: testConfig(), clock, path });
    assert.equal((await first.ingest(rows)).alerts.length, 1);
    await first.close();
    const second = await openKvStore({ config: testConfig(), clock, path });
    const again = await second.ingest(rows);
    assert.deepEqual(again.updates, []);
    assert.deepEqual(again.alerts, []);
    assert.equal((await second.current("np15")).value?.rt_price, 120);
    assert.equal((await second.alerts()).value.length, 1);
    await second.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("[kv] a poll larger than one atomic batch is written whole", async () => {
  const kv = await Deno.openKv(":memory:");
  const store = new KvStore({ config: testConfig(), kv, clock: () => new Date("2025-06-11T07:00:00Z") });
  const day = Array.from({ length: 288 }, (_, i) => 30 + (i % 50));
  const rows = ["TH_NP15_GEN-APND", "TH_SP15_GEN-APND", "TH_ZP26_GEN-APND"].flatMap((node) =>
    priceRows("lmp_rtm", node, "2025-06-10T07:00:00Z", day)
  );
  const result = await store.ingest(rows);
  assert.equal(result.stored, true);
  assert.equal(result.updates.length, 864);
  for (const zone of ["np15", "sp15", "zp26"]) {
    assert.equal((await store.history(zone, "RT")).value.length, 288);
  }
  await store.close();
  kv.close();
});

Deno.test("[kv] the event stream is capped at STORE_STREAM_MAXLEN entries per zone", async () => {
  const kv = await Deno.openKv(":memory:");
  const config = testConfig({ STORE_STREAM_MAXLEN: "10" });
  const store = new KvStore({ config, kv, clock: () => new Date("2025-06-11T07:00:00Z") });
  await store.ingest(
    priceRows("lmp_rtm", NP15, "2025-06-10T07:00:00Z", Array.from({ length: 25 }, (_, i) => i)),
  );
  let n = 0;
  for await (const _ of kv.list({ prefix: ["caiso", "zone", "np15", "stream"] })) n++;
  assert.equal(n, 10);
  await store.close();
  kv.close();
});
