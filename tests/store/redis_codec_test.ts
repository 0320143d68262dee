import assert from "node:assert/strict";
import {
  decodeAlert,
  decodeCurrent,
  decodeMember,
  decodeWithScores,
  encodeAlert,
  encodeCurrent,
  encodeMember,
} from "../../src/store/redis_codec.ts";
import type { AlertEvent, CurrentPrices } from "../../src/store/store.ts";

Deno.test("encodeMember() writes <iso>:<price> and decodeMember() splits at the last colon", () => {
  const p = { timestamp: "2025-06-10T18:00:00Z", ms: Date.parse("2025-06-10T18:00:00Z"), price: -12.75 };
  assert.equal(encodeMember(p), "2025-06-10T18:00:00Z:-12.75");
  assert.deepEqual(decodeMember(encodeMember(p), String(p.ms)), p);
  assert.equal(decodeMember("garbage", "1"), undefined);
  assert.equal(decodeMember("2025-06-10T18:00:00Z:", "1"), undefined);
  assert.deepEqual(decodeWithScores(["a:1", "5", "bad", "x"]), [{ timestamp: "a", ms: 5, price: 1 }]);
});

Deno.test("encodeCurrent() leaves null fields out and decodeCurrent() reads them back as null", () => {
  const c: CurrentPrices = {
    zone: "np15",
    rt_price: 40,
    rt_timestamp: "2025-06-10T19:00:00Z",
    fmm_price: null,
    fmm_timestamp: null,
    da_price: 0,
    da_timestamp: "2025-06-10T19:00:00Z",
    spread: 40,
    last_update: "2025-06-10T19:07:00.000Z",
  };
  const hash = encodeCurrent(c);
  assert.equal("fmm_price" in hash, false);
  assert.equal(hash.da_price, "0");
  assert.deepEqual(decodeCurrent("np15", hash), c);
  assert.equal(decodeCurrent("np15", {}), null);
});

Deno.test("an alert survives the stream fields round trip", () => {
  const a: AlertEvent = {
    id: "np15:RT:spread:raised:2025-06-10T18:00:00Z",
    kind: "spread",
    event: "raised",
    rule: "r-0a1b2c3d",
    zone: "np15",
    node: "TH_NP15_GEN-APND",
    market: "RT",
    timestamp: "2025-06-10T18:00:00Z",
    price: 120,
    da_price: null,
    spread: null,
    threshold: 50,
    message: "m",
  };
  assert.deepEqual(decodeAlert(encodeAlert(a)), a);
  assert.equal(decodeAlert(["id", "x"]), undefined);
});
