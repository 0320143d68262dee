import assert from "node:assert/strict";
import { createGapsRoutes } from "../../routes/gaps.ts";
import { expectedStarts, missingRanges } from "../../src/jobs/gaps.ts";
import { DATASETS, DEFAULT_NODES } from "../../src/oasis/datasets.ts";
import { operatingDay } from "../../src/oasis/time.ts";
import { NP15, priceRows, SP15, ZP26 } from "../store/helpers.ts";
import { memoryBackends, testClock } from "./helpers.ts";

Deno.test("expectedStarts() follows the interval grid: 23, 24 and 25 hours on DST and normal days", () => {
  for (const [date, hours] of [["2025-03-09", 23], ["2025-07-01", 24], ["2025-11-02", 25]] as const) {
    const { start, end } = operatingDay(date);
    assert.equal(expectedStarts(DATASETS.lmp_dam, start, end).length, hours);
    assert.equal(expectedStarts(DATASETS.lmp_rtm, start, end).length, hours * 12);
  }
});

Deno.test("missingRanges() merges consecutive missing intervals", () => {
  const step = 300_000;
  const t0 = Date.parse("2025-07-01T00:00:00Z");
  const expected = Array.from({ length: 8 }, (_, i) => t0 + i * step);
  const present = new Set([expected[0]!, expected[3]!, expected[7]!]);
  assert.deepEqual(missingRanges(expected, present, step), [
    { start: "2025-07-01T00:05:00Z", end: "2025-07-01T00:15:00Z", intervals: 2 },
    { start: "2025-07-01T00:20:00Z", end: "2025-07-01T00:35:00Z", intervals: 3 },
  ]);
});

async function app(now: string) {
  const clock = testClock(now);
  const backends = await memoryBackends(clock);
  const routes = createGapsRoutes({
    store: backends.store,
    nodes: { nodes: DEFAULT_NODES },
    datasets: ["lmp_dam", "lmp_rtm", "as_dam"],
    now: clock.fn,
  });
  return { backends, routes };
}

Deno.test("[gaps] GET /api/gaps lists missing hours per node on the 25-hour day", async () => {
  const { backends, routes } = await app("2025-11-03T20:00:00Z");
  try {
    const day = operatingDay("2025-11-02");
    const all = Array.from({ length: 25 }, (_, h) => 40 + h);
    await backends.store.ingest(
      priceRows("lmp_dam", NP15, day.start.toISOString(), all),
      new Date("2025-11-03T20:00:00Z"),
    );
    const holes = all.map((p, h) => (h === 2 || h === 3 ? null : p));
    await backends.store.ingest(
      priceRows("lmp_dam", SP15, day.start.toISOString(), holes),
      new Date("2025-11-03T20:00:00Z"),
    );
    const res = await routes.request("/api/gaps?dataset=lmp_dam&from=2025-11-02&to=2025-11-02");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    const body = await res.json();
    assert.equal(body.from, "2025-11-02T07:00:00Z");
    assert.equal(body.to, "2025-11-03T08:00:00Z");
    const [dam] = body.datasets;
    assert.equal(dam.dataset, "lmp_dam");
    const byNode = Object.fromEntries(dam.nodes.map((n: { node: string }) => [n.node, n]));
    assert.equal(byNode[NP15].expected, 25);
    assert.equal(byNode[NP15].missing, 0);
    assert.deepEqual(byNode[SP15].gaps, [{
      start: "2025-11-02T09:00:00Z",
      end: "2025-11-02T11:00:00Z",
      intervals: 2,
    }]);
    assert.equal(byNode[ZP26].missing, 25);
  } finally {
    backends.close();
  }
});

Deno.test("[gaps] GET /api/gaps defaults to today up to the newest interval, for every LMP dataset configured", async () => {
  const { backends, routes } = await app("2025-07-01T08:12:00Z"); // 01:12 PDT
  try {
    const body = await (await routes.request("/api/gaps")).json();
    assert.deepEqual(body.datasets.map((d: { dataset: string }) => d.dataset), ["lmp_dam", "lmp_rtm"]);
    const rtm = body.datasets[1];
    assert.equal(rtm.from, "2025-07-01T07:00:00Z");
    assert.equal(rtm.to, "2025-07-01T08:10:00Z");
    assert.equal(rtm.nodes[0].expected, 14);
    assert.equal(body.datasets[0].to, "2025-07-02T07:00:00Z", "day-ahead: the whole of today");
  } finally {
    backends.close();
  }
});

Deno.test("[gaps] GET /api/gaps answers 400 naming the bad parameter", async () => {
  const { backends, routes } = await app("2025-07-01T20:00:00Z");
  try {
    const cases: Array<[string, string]> = [
      ["dataset=as_dam", "dataset"],
      ["dataset=lmp_fmm", "dataset"],
      ["from=2025-02-30", "from"],
      ["from=yesterday", "from"],
      ["to=2025-13-01", "to"],
      ["from=2025-07-02&to=2025-07-01", "from"],
      ["from=2025-01-01&to=2025-07-01", "to"],
    ];
    for (const [query, parameter] of cases) {
      const res = await routes.request(`/api/gaps?${query}`);
      assert.equal(res.status, 400, query);
      const body = await res.json();
      assert.equal(body.parameter, parameter, query);
      assert.match(body.error, new RegExp(`Invalid parameter "${parameter}"`));
    }
  } finally {
    backends.close();
  }
});
