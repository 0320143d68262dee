import assert from "node:assert/strict";
import { NOW, type TestEdge, withEdge } from "./helpers.ts";
import { priceRows, SP15 } from "../store/helpers.ts";

async function ok(t: TestEdge, path: string) {
  const res = await t.request(path);
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  return await res.json();
}

async function badParameter(t: TestEdge, path: string, parameter: string) {
  const res = await t.request(path);
  assert.equal(res.status, 400, `${path} answers 400`);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  const body = await res.json();
  assert.equal(body.parameter, parameter, `${path} names "${parameter}": ${body.error}`);
  assert.match(body.error, new RegExp(`"${parameter}"`));
  assert.ok(!("stack" in body));
}

Deno.test("[api] GET /api/current lists every zone with prices, spread, age and stale flag", () =>
  withEdge(async (t) => {
    const body = await ok(t, "/api/current");
    assert.equal(body.generated_at, new Date(NOW).toISOString());
    assert.equal(body.stale_after_s, 900);
    assert.deepEqual(body.zones.map((z: { zone: string }) => z.zone), ["np15", "sp15", "zp26"]);
    const sp15 = body.zones[1];
    assert.equal(sp15.rt_timestamp, "2026-07-01T19:55:00Z");
    assert.equal(sp15.rt_price, 53);
    assert.equal(sp15.fmm_price, 39);
    assert.equal(sp15.da_timestamp, "2026-07-01T20:00:00Z", "DA of the hour containing now");
    assert.equal(sp15.da_price, 35);
    assert.equal(sp15.spread, 53 - 46, "RT minus the DA price of the RT interval's hour");
    assert.equal(sp15.age_s, 420);
    assert.equal(sp15.stale, false);
    const zp26 = body.zones[2];
    assert.equal(zp26.rt_price, null, "a hub without data is listed with null prices");
    assert.equal(zp26.stale, true);
  }));

Deno.test("[api] GET /api/current?zone=sp15 answers that zone only", () =>
  withEdge(async (t) => {
    const body = await ok(t, "/api/current?zone=sp15");
    assert.equal(body.zones.length, 1);
    assert.equal(body.zones[0].zone, "sp15");
  }));

Deno.test("[api] current prices turn stale once the newest RT interval is older than STALE_AFTER_S", () =>
  withEdge(async (t) => {
    t.clock.advance(8 * 60_000); // 19:55 is now 15 minutes old: not yet stale
    assert.equal((await ok(t, "/api/current?zone=sp15")).zones[0].stale, false);
    t.clock.advance(1000);
    const z = (await ok(t, "/api/current?zone=sp15")).zones[0];
    assert.equal(z.stale, true);
    assert.equal(z.age_s, 901);
    t.clock.advance(-9 * 60_000 - 1000);
  }));

Deno.test("[api] GET /api/current reports each market's newest interval, its age and fresh, stale or missing", () =>
  withEdge(async (t) => {
    const [, sp15, zp26] = (await ok(t, "/api/current")).zones;
    assert.deepEqual(sp15.markets, {
      rt: { newest: "2026-07-01T19:55:00.000Z", age_s: 420, status: "fresh" },
      fmm: { newest: "2026-07-01T19:45:00.000Z", age_s: 1020, status: "fresh" },
      da: { newest: "2026-07-02T19:00:00.000Z", age_s: 0, status: "fresh" },
    });
    const missing = { newest: null, age_s: null, status: "missing" };
    assert.deepEqual(zp26.markets, { rt: missing, fmm: missing, da: missing });
    t.clock.advance(19 * 60_000); // RT 19:55 ended 21 min ago: 3 intervals + 5 min have passed
    const later = (await ok(t, "/api/current?zone=sp15")).zones[0].markets;
    assert.equal(later.rt.status, "stale");
    assert.equal(later.fmm.status, "fresh");
    t.clock.advance(-19 * 60_000);
  }));

Deno.test("[api] STALE_AFTER_S is configurable", () =>
  withEdge(async (t) => {
    const z = (await ok(t, "/api/current?zone=sp15")).zones[0];
    assert.equal(z.age_s, 420);
    assert.equal(z.stale, true);
  }, { STALE_AFTER_S: "300" }));

Deno.test("[api] GET /api/history/{hours} answers the points of the last hours, oldest first", () =>
  withEdge(async (t) => {
    const rt = await ok(t, "/api/history/1?zone=sp15&type=rt");
    assert.equal(rt.zone, "sp15");
    assert.equal(rt.hours, 1);
    assert.equal(rt.points.length, 11, "intervals starting after 19:02");
    assert.equal(rt.points[0].timestamp, "2026-07-01T19:05:00Z");
    assert.equal(rt.points.at(-1).timestamp, "2026-07-01T19:55:00Z");
    const da = await ok(t, "/api/history/2?zone=sp15&type=da");
    assert.equal(da.points.filter((p: { ms: number }) => p.ms <= Date.parse(NOW)).length, 2);
    assert.equal((await ok(t, "/api/history/2?zone=sp15&type=fmm")).points.length, 7);
    assert.equal((await ok(t, "/api/history/720?zone=np15")).points.length, 288, "type defaults to rt");
    assert.deepEqual((await ok(t, "/api/history/5?zone=zp26")).points, [], "a hub without data is empty");
  }));

Deno.test("[api] GET /api/history/{hours}?type=da also answers the day-ahead hours already published ahead of now", () =>
  withEdge(async (t) => {
    const da = await ok(t, "/api/history/2?zone=sp15&type=da");
    assert.equal(da.to, new Date(NOW).toISOString(), "to is now");
    assert.equal(
      da.until,
      "2026-07-03T21:02:00.000Z",
      "until: 49 hours ahead, past tomorrow's operating day",
    );
    const stamps = da.points.map((p: { timestamp: string }) => p.timestamp);
    assert.equal(stamps[0], "2026-07-01T19:00:00Z");
    assert.equal(stamps.at(-1), "2026-07-02T19:00:00Z", "tomorrow's last published hour");
    assert.equal(stamps.length, 25, "2 hours back, 23 ahead");
    const rt = await ok(t, "/api/history/2?zone=sp15&type=rt");
    assert.equal(rt.until, rt.to, "real-time prices end at now");
  }));

Deno.test("[api] GET /api/history/{hours}?format=csv answers the same points as a CSV file", () =>
  withEdge(async (t) => {
    const json = await ok(t, "/api/history/1?zone=sp15&type=rt");
    const res = await t.request("/api/history/1?zone=SP15&type=rt&format=csv");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
    assert.equal(res.headers.get("content-disposition"), 'attachment; filename="oasis-sp15-rt-1h.csv"');
    const lines = (await res.text()).split("\n");
    assert.equal(lines[0], "zone,market,timestamp,price");
    assert.equal(lines.at(-1), "", "ends with a newline");
    assert.deepEqual(
      lines.slice(1, -1),
      json.points.map((p: { timestamp: string; price: number }) => `sp15,RT,${p.timestamp},${p.price}`),
    );
    const da = await (await t.request("/api/history/2?zone=sp15&type=da&format=csv")).text();
    assert.equal(da.trim().split("\n").length, 1 + 25, "DA ahead of now too");
    assert.equal((await ok(t, "/api/history/1?zone=sp15&format=json")).points.length, 11);
  }));

Deno.test("[api] every bad history parameter answers 400 naming the parameter", () =>
  withEdge(async (t) => {
    for (const hours of ["0", "721", "abc", "-1", "1.5", "99999999999999999999", "%20"]) {
      await badParameter(t, `/api/history/${hours}?zone=sp15`, "hours");
    }
    await badParameter(t, "/api/history/24", "zone");
    await badParameter(t, "/api/history/24?zone=", "zone");
    await badParameter(t, "/api/history/24?zone=atlantis", "zone");
    await badParameter(t, "/api/history/24?zone=SP15%20;drop", "zone");
    await badParameter(t, "/api/history/24?zone=sp15&type=xx", "type");
    await badParameter(t, "/api/history/24?zone=sp15&type=RT", "type");
    await badParameter(t, "/api/history/24?zone=sp15&format=xml", "format");
    await badParameter(t, "/api/history/721?zone=sp15&format=csv", "hours");
  }));

Deno.test("[api] hours and limit take plain decimal digits only: no hex, exponent, sign or spaces", () =>
  withEdge(async (t) => {
    for (const hours of ["0x10", "%2024", "24%20", "1e2", "%2B24", "24.0", "0b11", "Infinity"]) {
      await badParameter(t, `/api/history/${hours}?zone=sp15`, "hours");
    }
    for (const limit of ["1e2", "0x10", "%205", "%2B5", "5.0", ""]) {
      await badParameter(t, `/api/alerts?limit=${limit}`, "limit");
    }
    assert.equal((await ok(t, "/api/history/024?zone=sp15")).hours, 24);
    const twice = await t.request("/api/alerts?limit=1&limit=2");
    assert.equal(twice.status, 400);
    assert.match((await twice.json()).error, /Invalid parameter "limit": is given more than once/);
  }));

Deno.test("[api] GET /api/alerts answers recent alerts newest first, limited", () =>
  withEdge(async (t) => {
    assert.deepEqual((await ok(t, "/api/alerts")).alerts, []);
    await t.store.ingest(priceRows("lmp_rtm", SP15, "2026-07-01T20:00:00Z", [150, 20, -5]));
    const all = (await ok(t, "/api/alerts")).alerts;
    assert.ok(all.length >= 3);
    assert.equal(all[0].timestamp, "2026-07-01T20:10:00Z");
    const two = (await ok(t, "/api/alerts?limit=2")).alerts;
    assert.equal(two.length, 2);
    for (const limit of ["0", "1001", "x", "2.5"]) {
      await badParameter(t, `/api/alerts?limit=${limit}`, "limit");
    }
  }));

Deno.test("[api] GET /api/signals answers one zone's battery signals for the day", () =>
  withEdge(async (t) => {
    const rt = await ok(t, "/api/signals?zone=sp15");
    assert.equal(rt.date, "2026-07-01");
    assert.equal(rt.type, "rt");
    assert.ok(rt.signals.length > 0);
    assert.ok(
      rt.signals.every((s: { action: string }) => ["charge", "discharge", "hold"].includes(s.action)),
    );
    const da = await ok(t, "/api/signals?zone=sp15&type=da&date=2026-07-01");
    assert.equal(da.signals.length, 24, "one per day-ahead hour of the operating day");
    await badParameter(t, "/api/signals", "zone");
    await badParameter(t, "/api/signals?zone=nowhere", "zone");
    await badParameter(t, "/api/signals?zone=sp15&date=2026-02-30", "date");
    await badParameter(t, "/api/signals?zone=sp15&date=yesterday", "date");
    await badParameter(t, "/api/signals?zone=sp15&type=fmm", "type");
  }));

Deno.test("[api] a bad zone on /api/current answers 400 naming it", () =>
  withEdge(async (t) => {
    await badParameter(t, "/api/current?zone=atlantis", "zone");
    await badParameter(t, "/api/current?zone=%00", "zone");
  }));

Deno.test("[api] a zone seen in an update is known at once", () =>
  withEdge(async (t) => {
    await badParameter(t, "/api/current?zone=th_new-apnd", "zone");
    await t.store.ingest(priceRows("lmp_rtm", "TH_NEW-APND", "2026-07-01T19:55:00Z", [10]));
    assert.equal((await ok(t, "/api/current?zone=th_new-apnd")).zones[0].rt_price, 10);
  }));

Deno.test("[api] an hours or limit out of range answers 400 with the range, not a claim about digits", () =>
  withEdge(async (t) => {
    for (
      const [path, error] of [
        ["/api/history/721?zone=sp15", 'Invalid parameter "hours": 721 is not from 1 to 720'],
        ["/api/history/0?zone=sp15", 'Invalid parameter "hours": 0 is not from 1 to 720'],
        ["/api/alerts?limit=1001", 'Invalid parameter "limit": 1001 is not from 1 to 1000'],
      ] as const
    ) {
      const res = await t.request(path);
      assert.equal(res.status, 400, path);
      assert.equal((await res.json()).error, error);
    }
  }));

Deno.test("[api] zones are case-insensitive and an unknown zone answers 400 listing the known ones", () =>
  withEdge(async (t) => {
    assert.equal((await ok(t, "/api/current?zone=SP15")).zones[0].zone, "sp15");
    assert.equal((await ok(t, "/api/history/1?zone=Np15")).zone, "np15");
    for (const zone of ["atlantis", "SP%2015", "x".repeat(500)]) {
      const res = await t.request(`/api/signals?zone=${zone}`);
      assert.equal(res.status, 400);
      const body = await res.json();
      assert.equal(body.parameter, "zone");
      assert.match(body.error, /known: np15, sp15, zp26/);
      assert.ok(body.error.length < 300, "the echoed value is cut");
    }
  }));
