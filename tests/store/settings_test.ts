import assert from "node:assert/strict";
import { ConfigError } from "../../src/config.ts";
import { loadStoreConfig, redactUrl, STORE_SETTINGS } from "../../src/store/settings.ts";

Deno.test("loadStoreConfig() defaults to Deno KV, 7/7/30 days and alerts at 100, 0 and 50 $/MWh", () => {
  const c = loadStoreConfig({});
  assert.equal(c.redis, null);
  assert.equal(c.kvPath, "data/hot_store.kv");
  assert.deepEqual(c.retentionDays, { RT: 7, FMM: 7, DA: 30 });
  assert.deepEqual(c.alerts, { high: 100, negative: 0, spread: 50, hysteresis: 0 });
  assert.deepEqual(c.signals, { high: 100, negative: 0, cheapestHours: 4, dearestHours: 4 });
  assert.equal(c.streamMaxLen, 10_000);
});

Deno.test("loadStoreConfig() takes REDIS_URL with a password, a database and rediss://", () => {
  for (
    const url of ["redis://:pw@10.0.0.1:6380/2", "rediss://user:pw@cache.example:6379", "redis://localhost"]
  ) {
    assert.equal(loadStoreConfig({ REDIS_URL: url }).redis?.url, url);
  }
  const c = loadStoreConfig({ REDIS_URL: "redis://h", REDIS_BACKOFF_MS: "500", REDIS_BACKOFF_MAX_MS: "100" });
  assert.equal(c.redis?.backoffMaxMs, 500);
  assert.equal(c.redis?.tlsCaFile, null);
});

Deno.test("loadStoreConfig() rejects bad settings naming the variable and hiding the password", () => {
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ REDIS_URL: "http://:secret@h" }, "REDIS_URL", /redis:\/\/ or rediss:\/\//],
    [{ REDIS_URL: "redis://:secret@h/abc" }, "REDIS_URL", /database number/],
    [{ REDIS_URL: "not a url" }, "REDIS_URL", /not a URL/],
    [{ STORE_RETENTION_RT_DAYS: "0" }, "STORE_RETENTION_RT_DAYS", /from 1/],
    [{ ALERT_HIGH_PRICE: "abc" }, "ALERT_HIGH_PRICE", /number/],
    [{ ALERT_NEGATIVE_PRICE: "200" }, "ALERT_NEGATIVE_PRICE", /not below ALERT_HIGH_PRICE/],
    [{ SIGNAL_CHEAPEST_HOURS: "2.5" }, "SIGNAL_CHEAPEST_HOURS", /whole number/],
  ];
  for (const [env, setting, message] of cases) {
    assert.throws(() => loadStoreConfig(env), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.setting, setting);
      assert.match(e.message, message);
      assert.doesNotMatch(e.message, /secret/);
      return true;
    });
  }
});

Deno.test("redactUrl() hides the password only", () => {
  assert.equal(redactUrl("redis://user:pw@h:1/0"), "redis://user:***@h:1/0");
  assert.equal(redactUrl("rediss://:pw@h"), "rediss://:***@h");
  assert.equal(redactUrl("redis://h:1"), "redis://h:1");
});

Deno.test("STORE_SETTINGS documents every variable once, with a description", () => {
  const names = STORE_SETTINGS.map((s) => s.name);
  assert.equal(new Set(names).size, names.length);
  for (const s of STORE_SETTINGS) assert.ok(s.description.length > 10, s.name);
});
