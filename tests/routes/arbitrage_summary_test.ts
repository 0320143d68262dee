/** `GET /api/arbitrage/summary`'s cache: identical requests share one computation; a new price recomputes. */
import assert from "node:assert/strict";
import { AnalyticsPool } from "../../src/analytics/analytics_pool.ts";
import {
  summarize,
  summarizeWith,
  type SummaryInput,
  type ZoneSummary,
} from "../../src/analytics/arbitrage_summary.ts";
import { priceRows, SP15, startEdge } from "./helpers.ts";

async function summaryEdge() {
  const computed: string[] = [];
  const t = await startEdge({ serviceRoutes: true, summary: { onCompute: (date) => computed.push(date) } });
  const get = async (query = "") => {
    const res = await t.request(`/api/arbitrage/summary${query}`);
    assert.equal(res.status, 200);
    return await res.json();
  };
  return { t, computed, get };
}

Deno.test("[arbitrage] concurrent identical summary requests compute once, and later ones reuse it", async () => {
  const { t, computed, get } = await summaryEdge();
  try {
    const [a, b] = await Promise.all([get(), get()]);
    assert.deepEqual(computed, ["2026-07-01"]);
    assert.deepEqual(a.zones, b.zones);
    assert.ok(a.zones[0].live !== null, "today: the live value is part of what is shared");
    const again = await get();
    assert.deepEqual(again.zones, a.zones);
    assert.equal(computed.length, 1, "a later identical request is served from the cache");
    await get("?date=2026-06-30");
    await get("?energy_mwh=2");
    await get("?soc=1");
    assert.equal(computed.length, 4, "another date, battery or stored energy is another summary");
    await get("?power_mw=1&energy_mwh=4");
    assert.equal(computed.length, 4, "the default battery spelt out is the same battery");
  } finally {
    await t.close();
  }
});

Deno.test("[arbitrage] a new or revised price of the day recomputes the summary; another day's does not", async () => {
  const { t, computed, get } = await summaryEdge();
  try {
    const before = await get();
    await get("?date=2026-06-30");
    assert.equal(computed.length, 2);
    // A revised real-time price today (12:00 Pacific): today's figures change, yesterday's are kept.
    const revised = await t.store.ingest(priceRows("lmp_rtm", SP15, "2026-07-01T19:00:00Z", [900]));
    assert.equal(revised.updates[0]?.revised, true);
    const after = await get();
    assert.equal(computed.length, 3);
    const sp15 = (body: { zones: { zone: string; rt: { value_usd: number } }[] }) =>
      body.zones.find((z) => z.zone === "sp15")!;
    assert.notEqual(sp15(after).rt.value_usd, sp15(before).rt.value_usd);
    await get("?date=2026-06-30");
    assert.equal(computed.length, 3, "yesterday's prices did not change");
    // A new day-ahead price for tomorrow does not touch today's summary either.
    await t.store.ingest(priceRows("lmp_dam", SP15, "2026-07-02T07:00:00Z", [50]));
    await get();
    assert.equal(computed.length, 3);
  } finally {
    await t.close();
  }
});

Deno.test("[arbitrage] today's summary is recomputed when the next 5-minute interval starts", async () => {
  const { t, computed, get } = await summaryEdge();
  try {
    const first = await get(); // 13:02 Pacific: the live value starts at 13:05
    t.clock.advance(60_000);
    await get();
    assert.equal(computed.length, 1, "13:03 has the same next interval");
    t.clock.advance(4 * 60_000);
    const later = await get();
    assert.equal(computed.length, 2);
    assert.notEqual(later.zones[0].live.from, first.zones[0].live.from);
    assert.notEqual(later.generated_at, first.generated_at, "the envelope is never cached");
  } finally {
    await t.close();
  }
});

Deno.test("[arbitrage] summaries computed in the worker equal the in-process ones and leave the event loop free", async () => {
  const worker = new AnalyticsPool({ deadlineMs: 60_000 });
  // Whether a timer set when the computation starts fires before the computation settles.
  const timerFired: Record<string, boolean> = {};
  const watched =
    (name: string, compute: (input: SummaryInput) => ZoneSummary[] | Promise<ZoneSummary[]>) =>
    async (input: SummaryInput) => {
      let fired = false;
      setTimeout(() => fired = true, 0);
      const out = await compute(input);
      timerFired[name] = fired;
      return out;
    };
  const inProcess = await startEdge({
    serviceRoutes: true,
    summary: { compute: watched("main", summarize) },
  });
  const viaWorker = await startEdge({
    serviceRoutes: true,
    summary: { compute: watched("worker", summarizeWith(worker)) },
  });
  try {
    const read = async (t: typeof inProcess) => {
      const res = await t.request("/api/arbitrage/summary?date=2026-06-30");
      assert.equal(res.status, 200);
      return (await res.json()).zones;
    };
    const expected = await read(inProcess);
    const zones = await read(viaWorker);
    assert.deepEqual(zones, expected);
    assert.ok(zones.some((z: { da: unknown }) => z.da !== null), "the day has figures");
    assert.deepEqual(timerFired, { main: false, worker: true }, "only the worker leaves the event loop free");
  } finally {
    worker.close();
    await viaWorker.close();
    await inProcess.close();
  }
});

Deno.test("[arbitrage] a closed analytics worker rejects what it was computing instead of hanging", async () => {
  const worker = new AnalyticsPool({ deadlineMs: 60_000 });
  const pending = worker.zone({ day: {} as never, battery: {} as never, strategyHours: 4, live: null });
  worker.close();
  await assert.rejects(pending, /shutting down/);
});
