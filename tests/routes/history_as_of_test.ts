/** `GET /api/history/{hours}?as_of=`: the prices as known at an instant. */
import assert from "node:assert/strict";
import { type TestEdge, withEdge } from "./helpers.ts";
import { priceRows, SP15 } from "../store/helpers.ts";
import { earliestKnownMs } from "../../routes/history_as_of.ts";

const HOUR = "2026-07-01T19:00:00Z";

async function daPrice(t: TestEdge, query: string): Promise<number> {
  const res = await t.request(`/api/history/3?zone=sp15&type=da${query}`);
  assert.equal(res.status, 200, query);
  const body = await res.json();
  return body.points.find((p: { timestamp: string }) => p.timestamp === HOUR).price;
}

Deno.test("[api] GET /api/history?as_of= answers a corrected price as it was known before and after", () =>
  withEdge(async (t) => {
    const first = await daPrice(t, "");
    // Seeded at 20:02; corrected at 21:00.
    t.clock.set("2026-07-01T21:00:00Z");
    await t.store.ingest(priceRows("lmp_dam", SP15, HOUR, [80]));
    t.clock.set("2026-07-01T21:30:00Z");
    assert.equal(await daPrice(t, ""), 80);
    assert.equal(await daPrice(t, "&as_of=2026-07-01T20:30:00Z"), first);
    assert.equal(await daPrice(t, "&as_of=2026-07-01T21:00:00Z"), 80);
    assert.equal(await daPrice(t, "&as_of=2026-07-01T13:30:00-07:00"), first, "an offset is accepted");
    const body = await (await t.request("/api/history/3?zone=sp15&type=da&as_of=2026-07-01T20:30:00Z"))
      .json();
    assert.equal(body.as_of, "2026-07-01T20:30:00Z");
    const csv =
      await (await t.request("/api/history/3?zone=sp15&type=da&format=csv&as_of=2026-07-01T20:30:00Z"))
        .text();
    assert.match(csv, new RegExp(`sp15,DA,${HOUR},${first}\\n`));
  }));

Deno.test("[api] GET /api/history?as_of= answers 400 naming as_of for a future or malformed instant", () =>
  withEdge(async (t) => {
    for (const value of ["2030-01-01T00:00:00Z", "yesterday", "2026-07-01", "x".repeat(500)]) {
      const res = await t.request(`/api/history/2?zone=sp15&as_of=${value}`);
      assert.equal(res.status, 400, value);
      const body = await res.json();
      assert.equal(body.parameter, "as_of", `${value}: ${body.error}`);
    }
  }));

Deno.test("[api] GET /api/history?as_of= leaves out intervals that could not have been known yet", () =>
  withEdge(async (t) => {
    const at = "2026-07-01T19:32:00Z";
    const rt = await (await t.request(`/api/history/3?zone=sp15&as_of=${at}`)).json();
    assert.ok(rt.points.length > 0);
    assert.ok(
      rt.points.every((p: { ms: number }) => p.ms + 5 * 60_000 <= Date.parse(at)),
      "no real-time interval that had not ended by as_of",
    );
    const latest = await (await t.request("/api/history/3?zone=sp15")).json();
    assert.ok(latest.points.length > rt.points.length, "the later intervals are there without as_of");
  }));

Deno.test("earliestKnownMs() is an interval's end in real time and 13:00 Pacific the day before for DA", () => {
  const start = Date.parse("2026-07-01T19:00:00Z"); // 12:00 PDT on 2026-07-01
  assert.equal(earliestKnownMs("RT", start), start + 5 * 60_000);
  assert.equal(earliestKnownMs("FMM", start), start + 15 * 60_000);
  assert.equal(new Date(earliestKnownMs("DA", start)).toISOString(), "2026-06-30T20:00:00.000Z");
  // The fall-back day 2026-11-01 starts at 07:00Z; 13:00 PDT the day before is 20:00Z on 10-31.
  const fallBack = Date.parse("2026-11-01T07:00:00Z");
  assert.equal(new Date(earliestKnownMs("DA", fallBack)).toISOString(), "2026-10-31T20:00:00.000Z");
});
