import assert from "node:assert/strict";
import { startEdge, type TestEdge, withEdge } from "./helpers.ts";
import { priceRows, SP15 } from "../store/helpers.ts";

const MIN = 60_000;

async function zone(t: TestEdge, name: string) {
  const res = await t.request(`/api/current?zone=${name}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  return (await res.json()).zones[0];
}

Deno.test("[api] GET /api/current has estimate: null while the newest RT interval is in", () =>
  withEdge(async (t) => {
    const body = await (await t.request("/api/current")).json();
    for (const z of body.zones) assert.equal(z.estimate, null, z.zone);
  }));

Deno.test("[api] GET /api/current carries a labelled estimate apart from the real price when the newest RT interval is missing", () =>
  withEdge(async (t) => {
    t.clock.advance(5 * MIN); // 20:07: the 20:00 interval ended 7 minutes ago and has not arrived
    const sp15 = await zone(t, "sp15");
    assert.deepEqual(sp15.estimate, {
      value: 35,
      method: "da",
      interval_start: "2026-07-01T20:00:00Z",
      fallback: false,
      basis: [{ market: "DA", timestamp: "2026-07-01T20:00:00Z", price: 35 }],
    });
    assert.equal(sp15.rt_price, 53, "the last real price, untouched");
    assert.equal(sp15.rt_timestamp, "2026-07-01T19:55:00Z");
    assert.equal(sp15.spread, 53 - 46);
    assert.equal(sp15.age_s, 720);
    assert.equal(sp15.stale, false);
    assert.equal((await zone(t, "zp26")).estimate, null, "nothing to estimate from");
  }));

Deno.test("[api] the estimate disappears as soon as the real RT price arrives", () =>
  withEdge(async (t) => {
    t.clock.advance(5 * MIN);
    assert.equal((await zone(t, "sp15")).estimate.interval_start, "2026-07-01T20:00:00Z");
    await t.store.ingest(priceRows("lmp_rtm", SP15, "2026-07-01T20:00:00Z", [47.5]));
    const sp15 = await zone(t, "sp15");
    assert.equal(sp15.estimate, null);
    assert.equal(sp15.rt_price, 47.5);
    assert.equal(
      (await zone(t, "np15")).estimate.interval_start,
      "2026-07-01T20:00:00Z",
      "NP15 still misses it",
    );
  }));

Deno.test("[api] ESTIMATE_METHOD=previous_day estimates from the same interval of the previous day", () =>
  withEdge(async (t) => {
    t.clock.advance(5 * MIN);
    const e = (await zone(t, "sp15")).estimate;
    assert.equal(e.method, "previous_day");
    assert.equal(e.value, 30);
    assert.deepEqual(e.basis, [{ market: "RT", timestamp: "2026-06-30T20:00:00Z", price: 30 }]);
  }, { ESTIMATE_METHOD: "previous_day" }));

Deno.test("[api] ESTIMATE_AFTER_S sets how long after an interval ends its missing price is estimated", () =>
  withEdge(async (t) => {
    // 20:02 with ESTIMATE_AFTER_S=0: the 20:00 interval is still running; nothing is due after 19:55.
    assert.equal((await zone(t, "sp15")).estimate, null);
    t.clock.advance(3 * MIN); // 20:05: 20:00 has just ended
    assert.equal((await zone(t, "sp15")).estimate.interval_start, "2026-07-01T20:00:00Z");
  }, { ESTIMATE_AFTER_S: "0" }));

Deno.test("[api] the OpenAPI document describes the estimate of /api/current", async () => {
  const t = await startEdge({ seed: false });
  try {
    const doc = await (await t.request("/api/openapi.json")).json();
    const current = doc.components.schemas.Current;
    const estimate = current.properties.estimate;
    assert.ok(current.required.includes("estimate"));
    assert.equal(estimate.nullable, true, "null when nothing is missing");
    assert.deepEqual(estimate.properties.method.enum, ["da", "interpolate", "previous_day"]);
    assert.deepEqual([...estimate.required].sort(), [
      "basis",
      "fallback",
      "interval_start",
      "method",
      "value",
    ]);
  } finally {
    await t.close();
  }
});
