/**
 * `GET /api/components`, `/api/ancillary` and `/api/crr` through the app: what the store keeps beside the
 * total LMP, each answer matching its documented schema, and a 400 naming the parameter for bad input.
 */
import assert from "node:assert/strict";
import type { OasisRow } from "../../src/oasis/row.ts";
import { AncillaryBody, ComponentsBody, CrrBody } from "../../routes/market_data_schemas.ts";
import { NP15, priceRows, SP15, startEdge, type TestEdge } from "./helpers.ts";

const value = (over: Partial<OasisRow>): OasisRow => ({
  dataset: "as_dam",
  report: "PRC_AS",
  node: "AS_CAISO_EXP",
  qualifier: null,
  interval_start: "2026-07-01T19:00:00Z",
  interval_end: "2026-07-01T20:00:00Z",
  opr_date: "2026-07-01",
  opr_hour: 13,
  opr_interval: 0,
  component: "RU",
  value: 10,
  raw: {},
  source_file: "t.csv",
  row_number: 1,
  ...over,
});

async function withData(fn: (t: TestEdge) => Promise<void>): Promise<void> {
  const t = await startEdge();
  try {
    await t.store.ingest(priceRows("lmp_rtm", SP15, "2026-07-01T19:50:00Z", [50, 51], true));
    await t.store.keepValues([
      value({}),
      value({ component: "RD", value: 4 }),
      value({
        node: "AS_SP26_EXP",
        interval_start: "2026-07-01T20:00:00Z",
        interval_end: "2026-07-01T21:00:00Z",
      }),
      value({ interval_start: "2026-07-02T07:00:00Z", value: 99 }), // the next operating day
      value({ dataset: "as_fmm", report: "PRC_INTVL_AS", interval_end: "2026-07-01T19:15:00Z", value: 7 }),
      ...[[SP15, 1.5], [NP15, -2], ["OTHER_NODE", 3]].map(([node, price]) =>
        value({
          dataset: "crr",
          report: "CRR_CLEARING",
          node: node as string,
          component: "ON_PRC",
          qualifier: "AUC_MN_2026_M07_TR/MONTHLY/ON",
          interval_start: "2026-07-01T07:00:00Z",
          interval_end: "2026-08-01T07:00:00Z",
          value: price as number,
        })
      ),
    ]);
    await fn(t);
  } finally {
    await t.close();
  }
}

const body = async (t: TestEdge, path: string) => {
  const res = await t.request(path);
  assert.equal(res.status, 200, path);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  return await res.json();
};

Deno.test("[api] GET /api/components answers an interval's energy, congestion and loss; null GHG when absent", () =>
  withData(async (t) => {
    const newest = await body(t, "/api/components?zone=SP15");
    assert.deepEqual(ComponentsBody.parse(newest), newest);
    assert.equal(newest.interval.timestamp, "2026-07-01T19:55:00Z");
    assert.equal(newest.interval.end, "2026-07-01T20:00:00Z");
    assert.deepEqual(newest.interval.components, { energy: 49, congestion: 1.5, loss: 0.5, ghg: null });
    // Any instant inside an interval names it.
    const at = await body(t, "/api/components?zone=sp15&type=rt&at=2026-07-01T19:52:30Z");
    assert.equal(at.interval.price, 50);
    const none = await body(t, "/api/components?zone=np15&type=fmm&at=2026-06-01T00:00:00Z");
    assert.equal(none.interval, null);
  }));

Deno.test("[api] GET /api/ancillary answers an operating day's AS prices per region and type", () =>
  withData(async (t) => {
    const dam = await body(t, "/api/ancillary");
    assert.deepEqual(AncillaryBody.parse(dam), dam);
    assert.equal(dam.date, "2026-07-01");
    assert.deepEqual(dam.series.map((s: { region: string; type: string }) => `${s.region} ${s.type}`), [
      "AS_CAISO_EXP RD",
      "AS_CAISO_EXP RU",
      "AS_SP26_EXP RU",
    ]);
    const tomorrow = await body(t, "/api/ancillary?market=dam&date=2026-07-02");
    assert.deepEqual(tomorrow.series[0].points.map((p: { price: number }) => p.price), [99]);
    const rtm = await body(t, "/api/ancillary?market=rtm");
    assert.deepEqual(rtm.series[0].points, [
      { timestamp: "2026-07-01T19:00:00Z", end: "2026-07-01T19:15:00Z", price: 7 },
    ]);
    assert.deepEqual((await body(t, "/api/ancillary?date=2026-06-01")).series, []);
  }));

Deno.test("[api] GET /api/crr answers the clearing prices at the priced zones' nodes, one zone with ?zone=", () =>
  withData(async (t) => {
    const all = await body(t, "/api/crr");
    assert.deepEqual(CrrBody.parse(all), all);
    assert.equal(all.auctions.length, 1);
    const [auction] = all.auctions;
    assert.deepEqual([auction.market_name, auction.term, auction.time_of_use], [
      "AUC_MN_2026_M07_TR",
      "MONTHLY",
      "ON",
    ]);
    assert.deepEqual(auction.prices.map((p: { zone: string; price: number }) => [p.zone, p.price]), [
      ["np15", -2],
      ["sp15", 1.5],
    ]);
    const one = await body(t, "/api/crr?zone=np15");
    assert.deepEqual(one.auctions[0].prices.map((p: { zone: string }) => p.zone), ["np15"]);
  }));

Deno.test("[api] the market-data routes answer 400 naming the parameter for bad input", () =>
  withData(async (t) => {
    for (
      const [path, parameter] of [
        ["/api/components", "zone"],
        ["/api/components?zone=nowhere", "zone"],
        ["/api/components?zone=sp15&type=hour", "type"],
        ["/api/components?zone=sp15&at=yesterday", "at"],
        ["/api/components?zone=sp15&at=2026-07-09T00:00:00Z", "at"],
        ["/api/ancillary?market=fmm", "market"],
        ["/api/ancillary?date=2026-13-40", "date"],
        ["/api/ancillary?date=July", "date"],
        ["/api/crr?zone=x%20y", "zone"],
      ] as const
    ) {
      const res = await t.request(path);
      assert.equal(res.status, 400, path);
      assert.equal((await res.json()).parameter, parameter, path);
    }
  }));
