/** `GET /api/gaps` through the whole app: dates outside what OASIS or the store keeps answer 400, not 500. */
import assert from "node:assert/strict";
import { findGaps } from "../../src/jobs/gaps.ts";
import { SP15, startEdge, type TestEdge } from "./helpers.ts";

async function withGaps(fn: (t: TestEdge) => Promise<void>): Promise<void> {
  // Retention as configured: RT and FMM 7 days, DA 30 days.
  const t = await startEdge({
    serviceRoutes: true,
    env: { STORE_RETENTION_RT_DAYS: "7", STORE_RETENTION_FMM_DAYS: "7", STORE_RETENTION_DA_DAYS: "30" },
  });
  try {
    await fn(t);
  } finally {
    await t.close();
  }
}

async function bad(t: TestEdge, query: string, parameter: string, message: RegExp) {
  const res = await t.request(`/api/gaps?${query}`);
  assert.equal(res.status, 400, query);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  const body = await res.json();
  assert.equal(body.parameter, parameter, `${query}: ${body.error}`);
  assert.match(body.error, message, query);
}

Deno.test("[gaps] a range before what OASIS keeps, or after tomorrow, answers 400 naming the bound", () =>
  withGaps(async (t) => {
    const window = /is not from 2023-04-01 to 2026-07-02/;
    await bad(t, "from=1970-01-01&to=1970-01-02", "from", window);
    await bad(t, "from=9999-12-31", "from", window);
    await bad(t, "to=9999-12-31", "to", window);
    await bad(t, "from=0001-01-01", "from", window);
    await bad(t, "from=1970-01-01T00:00:00Z&to=1970-01-01T06:00:00Z", "from", window);
    await bad(t, "to=%2B275760-09-13T00:00:00Z", "to", window);
    await bad(t, "from=0000-00-00", "from", /no such day/);
  }));

Deno.test("[gaps] a range that ends before the store's retention of every dataset answers 400 naming 'to'", () =>
  withGaps(async (t) => {
    await bad(t, "from=2026-05-01&to=2026-05-10", "to", /before the store's retention/);
    await bad(t, "dataset=lmp_rtm&from=2026-06-01&to=2026-06-10", "to", /before the store's retention/);
    // Day-ahead prices are kept 30 days: that one is listed, real-time cut to an empty grid.
    const res = await t.request("/api/gaps?from=2026-06-10&to=2026-06-12");
    assert.equal(res.status, 200);
    const body = await res.json();
    const rtm = body.datasets.find((d: { dataset: string }) => d.dataset === "lmp_rtm");
    assert.equal(rtm.from, rtm.to);
    assert.ok(rtm.nodes.every((n: { expected: number }) => n.expected === 0));
    const dam = body.datasets.find((d: { dataset: string }) => d.dataset === "lmp_dam");
    assert.equal(dam.nodes[0].expected, 72);
  }));

Deno.test("findGaps() reads nothing for an empty or reversed range", async () => {
  let reads = 0;
  const store = {
    history: () => {
      reads++;
      return Promise.reject(new TypeError("Start key is greater than end key"));
    },
    zones: () => Promise.resolve({ value: ["sp15"], stale: false, ageMs: 0 }),
  };
  const from = new Date("2026-07-01T07:00:00Z");
  for (const to of [from, new Date("2026-06-30T07:00:00Z")]) {
    const found = await findGaps({ store, nodes: { nodes: [SP15] } }, "lmp_rtm", { from, to });
    assert.equal(found.value.nodes[0]?.expected, 0);
  }
  assert.equal(reads, 0);
});
