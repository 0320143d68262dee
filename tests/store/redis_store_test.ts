import assert from "node:assert/strict";
import { createRedisStore } from "../../src/store/redis_store.ts";
import {
  deletePrefix,
  NP15,
  priceRows,
  redisRaw,
  requireRedisUrl,
  testConfig,
  waitFor,
  withDb,
} from "./helpers.ts";
import { storeContract } from "./store_contract.ts";

const t = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `[redis] ${name}`, fn, sanitizeOps: false, sanitizeResources: false });

/** A store on the real server under a fresh key prefix, so parallel test files never collide. */
storeContract("redis", async (clock, config) => {
  const url = requireRedisUrl();
  const redis = { ...testConfig({ REDIS_URL: url }).redis! };
  const prefix = `test:${crypto.randomUUID()}:`;
  const store = createRedisStore({
    config: { ...config, redis },
    prefix,
    clock,
  });
  await store.waitUntilReady(10_000);
  const twin = async () => {
    const other = createRedisStore({ config: { ...config, redis }, prefix, clock });
    await other.waitUntilReady(10_000);
    return other;
  };
  return { store, cleanup: () => deletePrefix(url, prefix), twin };
});

t("the server at REDIS_URL answers", async () => {
  const store = createRedisStore({ config: testConfig({ REDIS_URL: requireRedisUrl() }) });
  try {
    await store.waitUntilReady(10_000);
    assert.equal(store.stats().connected, true);
  } finally {
    await store.close();
  }
});

t("keys, members, hash fields, stream entries and channels are named as the contract says", async () => {
  // Unprefixed names on a dedicated database, flushed before and after.
  const url = withDb(requireRedisUrl(), 15);
  await redisRaw(url, "FLUSHDB");
  const clock = () => new Date("2025-06-10T19:07:00Z");
  const store = createRedisStore({ config: testConfig({ REDIS_URL: url }), clock });
  try {
    await store.waitUntilReady(10_000);
    const heard: string[] = [];
    const stops = [
      await store.onUpdate("np15", (u) => heard.push(`np15:${u.timestamp}`)),
      await store.onUpdate(null, (u) => heard.push(`any:${u.timestamp}`)),
      await store.onAlert((a) => heard.push(`alert:${a.kind}`)),
    ];
    assert.deepEqual(await redisRaw(url, "PUBSUB", "NUMSUB", "caiso:np15:updates", "caiso:alerts"), [
      "caiso:np15:updates",
      "1",
      "caiso:alerts",
      "1",
    ]);
    await store.ingest([
      ...priceRows("lmp_rtm", NP15, "2025-06-10T19:00:00Z", [120.5], true),
      ...priceRows("lmp_fmm", NP15, "2025-06-10T19:00:00Z", [80]),
      ...priceRows("lmp_dam", NP15, "2025-06-10T19:00:00Z", [90]),
    ]);
    const type = async (key: string) => (await redisRaw(url, "TYPE", key))[0];
    assert.equal(await type("caiso:np15:stream"), "stream");
    assert.equal(await type("caiso:np15:current"), "hash");
    assert.equal(await type("caiso:np15:rt:5min"), "zset");
    assert.equal(await type("caiso:np15:fmm:15min"), "zset");
    assert.equal(await type("caiso:np15:da:hourly"), "zset");
    assert.equal(await type("caiso:alerts:stream"), "stream");
    const ms = String(Date.parse("2025-06-10T19:00:00Z"));
    assert.deepEqual(await redisRaw(url, "ZRANGE", "caiso:np15:rt:5min", "0", "-1", "WITHSCORES"), [
      "2025-06-10T19:00:00Z:120.5",
      ms,
    ]);
    const hash = await redisRaw(url, "HGETALL", "caiso:np15:current");
    const fields = Object.fromEntries(hash.flatMap((v, i) => (i % 2 ? [] : [[v, hash[i + 1]]])));
    assert.deepEqual(fields, {
      rt_price: "120.5",
      rt_timestamp: "2025-06-10T19:00:00Z",
      fmm_price: "80",
      fmm_timestamp: "2025-06-10T19:00:00Z",
      da_price: "90",
      da_timestamp: "2025-06-10T19:00:00Z",
      spread: "30.5",
      last_update: "2025-06-10T19:07:00.000Z",
    });
    const entries = await redisRaw(url, "XRANGE", "caiso:np15:stream", "-", "+");
    const rt = entries.indexOf("RT");
    assert.deepEqual(
      entries.slice(rt - 5, rt + 13),
      [
        "timestamp",
        "2025-06-10T19:00:00Z",
        "price",
        "120.5",
        "type",
        "RT",
        "node",
        NP15,
        "zone",
        "np15",
        "mce",
        "118.5",
        "mcc",
        "1.5",
        "mcl",
        "0.5",
        "revised",
        "0",
      ],
    );
    await waitFor("3 + 3 updates and the alert", () => heard.length === 7);
    assert.equal(heard.filter((h) => h.startsWith("np15:")).length, 3);
    assert.deepEqual(heard.filter((h) => h.startsWith("alert")), ["alert:high"]);
    // A revision keeps one member per interval.
    await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T19:00:00Z", [99]));
    assert.deepEqual(await redisRaw(url, "ZRANGE", "caiso:np15:rt:5min", "0", "-1"), [
      "2025-06-10T19:00:00Z:99",
    ]);
    for (const stop of stops) await stop();
  } finally {
    await store.close();
    await redisRaw(url, "FLUSHDB");
  }
});

t("a password in REDIS_URL authenticates, and a wrong one fails loudly without showing it", async () => {
  const url = new URL(requireRedisUrl());
  const user = `test-${crypto.randomUUID()}`;
  await redisRaw(url.toString(), "ACL", "SETUSER", user, "on", ">s3cret-pw", "~*", "&*", "+@all");
  const good = new URL(url);
  [good.username, good.password] = [user, "s3cret-pw"];
  const bad = new URL(good);
  bad.password = "wrong-pw";
  const prefix = `test:${crypto.randomUUID()}:`;
  const clock = () => new Date("2025-06-10T19:07:00Z");
  const store = createRedisStore({ config: testConfig({ REDIS_URL: good.toString() }), prefix, clock });
  const refused = createRedisStore({
    config: testConfig({ REDIS_URL: bad.toString(), REDIS_BACKOFF_MAX_MS: "200" }),
  });
  try {
    await store.waitUntilReady(10_000);
    assert.equal((await store.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T19:00:00Z", [42]))).stored, true);
    assert.equal((await store.current("np15")).value?.rt_price, 42);
    await assert.rejects(() => refused.waitUntilReady(1500), (e: Error) => {
      assert.equal(e.name, "StoreUnavailableError");
      assert.match(e.message, /Cannot reach Redis at ".*:\*\*\*@/);
      assert.doesNotMatch(e.message, /wrong-pw/);
      return true;
    });
  } finally {
    await store.close();
    await refused.close();
    await deletePrefix(url.toString(), prefix);
    await redisRaw(url.toString(), "ACL", "DELUSER", user);
  }
});

t("two instances: one polling FMM never moves the real-time price another instance wrote back", async () => {
  const url = requireRedisUrl();
  const prefix = `test:${crypto.randomUUID()}:`;
  const clock = () => new Date("2025-06-10T19:07:00Z");
  const open = () => createRedisStore({ config: { ...testConfig({ REDIS_URL: url }) }, prefix, clock });
  const [a, b] = [open(), open()];
  try {
    await Promise.all([a.waitUntilReady(10_000), b.waitUntilReady(10_000)]);
    // Both instances mirror NP15 at 18:50; then A (the 5-minute job's instance) gets 18:55 and 19:00.
    await a.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T18:50:00Z", [40]));
    await b.ingest(priceRows("lmp_fmm", NP15, "2025-06-10T18:30:00Z", [50]));
    await a.ingest(priceRows("lmp_rtm", NP15, "2025-06-10T18:55:00Z", [41, 42]));
    // B (the 15-minute job's instance) has only 18:50 in its mirror when it writes the 18:45 FMM price.
    await b.ingest(priceRows("lmp_fmm", NP15, "2025-06-10T18:45:00Z", [51]));
    const current = (await a.current("np15")).value;
    assert.equal(current?.rt_timestamp, "2025-06-10T19:00:00Z");
    assert.equal(current?.rt_price, 42);
    assert.equal(current?.fmm_timestamp, "2025-06-10T18:45:00Z");
    assert.equal(current?.fmm_price, 51);
    assert.deepEqual((await b.current("np15")).value, current, "both instances read the same hash");
  } finally {
    await a.close();
    await b.close();
    await deletePrefix(url, prefix);
  }
});
