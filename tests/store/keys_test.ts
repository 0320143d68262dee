import assert from "node:assert/strict";
import { KvKeys, RedisKeys } from "../../src/store/keys.ts";

Deno.test("RedisKeys builds the contract names", () => {
  const k = new RedisKeys();
  assert.equal(k.stream("np15"), "caiso:np15:stream");
  assert.equal(k.current("np15"), "caiso:np15:current");
  assert.equal(k.series("np15", "RT"), "caiso:np15:rt:5min");
  assert.equal(k.series("np15", "FMM"), "caiso:np15:fmm:15min");
  assert.equal(k.series("np15", "DA"), "caiso:np15:da:hourly");
  assert.equal(k.updates("sp15"), "caiso:sp15:updates");
  assert.equal(k.updatesPattern(), "caiso:*:updates");
  assert.equal(k.alerts(), "caiso:alerts");
  assert.equal(k.alertsStream(), "caiso:alerts:stream");
});

Deno.test("RedisKeys puts a prefix before every key and finds the zone in a name", () => {
  const k = new RedisKeys("test:1:");
  assert.equal(k.current("zp26"), "test:1:caiso:zp26:current");
  assert.equal(k.alerts(), "test:1:caiso:alerts");
  assert.equal(k.zoneIn("test:1:caiso:zp26:current"), "zp26");
  assert.equal(k.zoneIn("caiso:zp26:current"), undefined);
});

Deno.test("RedisKeys and KvKeys reject a zone that would break the key", () => {
  assert.throws(() => new RedisKeys().current("np15:*"), RangeError);
  assert.throws(() => new KvKeys().series("", "RT"), RangeError);
});

Deno.test("KvKeys mirror the Redis names as key parts", () => {
  const k = new KvKeys(["t"]);
  assert.deepEqual(k.series("np15", "FMM"), ["t", "caiso", "zone", "np15", "fmm:15min"]);
  assert.deepEqual(k.current("np15"), ["t", "caiso", "zone", "np15", "current"]);
  assert.deepEqual(k.alertsStream(), ["t", "caiso", "alerts:stream"]);
});
