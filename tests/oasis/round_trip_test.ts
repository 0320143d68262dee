/**
 * Simulator round trip: the real client (gate, retries, breaker) asks the simulator, the real parser reads
 * the answer, for every dataset in CSV and in XML, on normal and DST days, with faults.
 */
import assert from "node:assert/strict";
import { OasisClient } from "../../src/oasis/client.ts";
import { DATASET_NAMES, DATASETS, DEFAULT_NODES } from "../../src/oasis/datasets.ts";
import { OasisRequestError } from "../../src/oasis/errors.ts";
import { RequestGate } from "../../src/oasis/gate.ts";
import type { OasisRow, ParseResult } from "../../src/oasis/row.ts";
import { operatingDay } from "../../src/oasis/time.ts";
import type { ResultFormat } from "../../src/oasis/url.ts";
import { planWindows, type RequestWindow } from "../../src/oasis/windows.ts";
import { createSimulator, startSimulator } from "../../simulator/simulator.ts";

const NOW = new Date("2026-11-20T20:00:00Z");
const BASE = "http://oasis.test/oasisapi/SingleZip";

function setup(format: ResultFormat = "csv", sim = createSimulator({ now: () => NOW })) {
  const client = new OasisClient({
    baseUrl: BASE,
    gate: new RequestGate({ minIntervalMs: 0, ratePerMinute: 10_000 }),
    fetch: (input, init) => sim.handler(new Request(input, init)),
    format,
    backoffInitialMs: 1,
    backoffMaxMs: 2,
    maxAttempts: 4,
  });
  return { sim, client };
}

async function fetchAll(client: OasisClient, windows: RequestWindow[]): Promise<OasisRow[]> {
  const rows: OasisRow[] = [];
  for (const w of windows) {
    const { result } = await client.fetchWindow(w);
    assert.equal(result.kind, "rows", `${w.query.queryName}: ${JSON.stringify(result).slice(0, 200)}`);
    if (result.kind === "rows") {
      assert.deepEqual(result.problems, [], `${w.query.queryName} had rejected rows`);
      assert.ok((result.schema ?? []).length > 0, `${w.query.queryName}: no header check`);
      for (const s of result.schema ?? []) {
        // The simulator writes the expected header of every pinned report.
        assert.deepEqual([s.added, s.dropped, s.renamed, s.missing], [[], [], [], []], s.report);
      }
      rows.push(...result.rows);
    }
  }
  return rows;
}

function distinct<T>(xs: T[]): number {
  return new Set(xs).size;
}

for (const format of ["csv", "xml"] as const) {
  for (const dataset of DATASET_NAMES) {
    Deno.test(`[round trip ${format}] ${dataset}: simulator → client → parser gives complete, well-formed rows`, async () => {
      // Over a real socket with the real fetch, so that PRC_AS's redirect to GroupZip is followed.
      const server = startSimulator({ now: () => NOW, port: 0 });
      const sim = server.simulator;
      const client = new OasisClient({
        baseUrl: server.url,
        gate: new RequestGate({ minIntervalMs: 0, ratePerMinute: 10_000 }),
        format,
      });
      try {
        const day = operatingDay("2026-11-19");
        const windows = planWindows(DATASETS[dataset], day, { nodes: DEFAULT_NODES });
        const rows = await fetchAll(client, windows);
        assert.ok(rows.length > 0);
        for (const r of rows) {
          assert.equal(r.dataset, dataset);
          assert.match(r.interval_start, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
          assert.ok(r.interval_end > r.interval_start);
          assert.ok(r.value === null || Number.isFinite(r.value));
          assert.ok(Object.keys(r.raw).length > 5);
        }
        const spec = DATASETS[dataset];
        if (spec.queries[0]!.family === "lmp") {
          const perDay = 24 * (60 / spec.intervalMinutes);
          assert.equal(rows.length, DEFAULT_NODES.length * perDay * 5); // five components
          assert.deepEqual(new Set(rows.map((r) => r.node)), new Set(DEFAULT_NODES));
          assert.deepEqual([...new Set(rows.map((r) => r.component))].sort(), [
            "LMP",
            "MCC",
            "MCE",
            "MCL",
            "MGHG",
          ]);
          assert.ok(rows.every((r) => r.interval_start >= day.start.toISOString().replace(".000", "")));
          // LMP = MCE + MCC + MCL + MGHG for every node and interval.
          const by = Map.groupBy(rows, (r) => `${r.node}|${r.interval_start}`);
          for (const [key, parts] of by) {
            const v = Object.fromEntries(parts.map((p) => [p.component, p.value!]));
            assert.ok(Math.abs(v.LMP! - (v.MCE! + v.MCC! + v.MCL! + v.MGHG!)) < 1e-4, key);
          }
          assert.ok(rows.every((r) => r.opr_date === "2026-11-19"));
        }
        if (spec.queries[0]!.family === "as") {
          assert.ok(distinct(rows.map((r) => r.node)) >= 3, "AS regions");
          assert.ok(
            rows.every((r) => ["NR", "RD", "RU", "SR", "RMD", "RMU"].includes(r.component)),
            "AS types",
          );
          assert.equal(distinct(rows.map((r) => r.interval_start)), 24 * (60 / spec.intervalMinutes));
        }
        if (dataset === "crr") {
          assert.deepEqual(new Set(rows.map((r) => r.report)), new Set(["CRR_CLEARING", "CRR_INVENTORY"]));
          assert.ok(rows.every((r) => r.qualifier !== null && r.qualifier.split("/").length >= 3));
        }
        assert.equal(sim.requests.length, windows.length * (dataset === "as_dam" ? 2 : 1)); // PRC_AS: redirect + GroupZip
        if (dataset === "as_dam") assert.match(sim.requests[1]!.url, /GroupZip\?groupid=DAM_PRC_AS_GRP/);
      } finally {
        await server.shutdown();
      }
    });
  }
}

for (const format of ["csv", "xml"] as const) {
  Deno.test(`[round trip ${format}] DST: 25 and 23 distinct hours per node and component on the clock-change days`, async () => {
    const { client } = setup(format);
    for (const [date, hours] of [["2025-11-02", 25], ["2025-03-09", 23]] as const) {
      const rows = await fetchAll(
        client,
        planWindows(DATASETS.lmp_dam, operatingDay(date), { nodes: DEFAULT_NODES }),
      );
      for (const [key, list] of Map.groupBy(rows, (r) => `${r.node}|${r.component}`)) {
        assert.equal(distinct(list.map((r) => r.interval_start)), hours, `${date} ${key}`);
        assert.equal(list.some((r) => r.opr_hour === 25), hours === 25, `${date} ${key} HE25`);
        assert.equal(list.some((r) => r.opr_hour === 3), hours !== 23, `${date} ${key} HE3`);
      }
      const rtm = await fetchAll(
        client,
        planWindows(DATASETS.lmp_rtm, operatingDay(date), { nodes: ["TH_SP15_GEN-APND"] }),
      );
      assert.equal(distinct(rtm.map((r) => r.interval_start)), hours * 12);
    }
  });
}

Deno.test("[round trip] all-node RTM windows are one hour each and come back whole", async () => {
  const { client } = setup("csv", createSimulator({ now: () => NOW, allApnodesCount: 50 }));
  const start = new Date("2026-11-19T18:00:00Z");
  const windows = planWindows(DATASETS.lmp_rtm, { start, end: new Date("2026-11-19T20:00:00Z") }, {
    grpType: "ALL_APNODES",
  });
  assert.equal(windows.length, 2);
  const rows = await fetchAll(client, windows);
  assert.equal(distinct(rows.map((r) => r.interval_start)), 24);
  assert.equal(distinct(rows.map((r) => r.node)), 50);
});

Deno.test("[round trip] faults: 500, HTML page, truncated ZIP, retryable code and network error, then data", async () => {
  const { client, sim } = setup();
  sim.faults.add({ kind: "http500" });
  sim.faults.add({ kind: "htmlBody" });
  sim.faults.add({ kind: "truncatedZip" });
  const w = planWindows(DATASETS.lmp_dam, operatingDay("2026-11-19"), { nodes: DEFAULT_NODES })[0]!;
  const first = await client.fetchWindow(w);
  assert.equal(first.attempts, 4);
  assert.equal(first.result.kind, "rows");
  sim.faults.add({ kind: "errorDocument", code: 1010 });
  sim.faults.add({ kind: "networkError" });
  const second = await client.fetchWindow(w);
  assert.equal(second.attempts, 3);
  assert.deepEqual((second.result as Extract<ParseResult, { kind: "rows" }>).rows.length, 360);
});

Deno.test("[round trip] OASIS refusals are typed: 1000 is no data, a bad node count is error 1017", async () => {
  const { client } = setup();
  const future = planWindows(DATASETS.lmp_rtm, operatingDay("2026-12-01"), { nodes: DEFAULT_NODES })[0]!;
  const nothing = await client.fetchWindow(future);
  assert.equal(nothing.result.kind, "no-data");
  const tooMany: RequestWindow = {
    ...future,
    start: new Date("2026-11-19T08:00:00Z"),
    end: new Date("2026-11-20T08:00:00Z"),
    nodes: Array.from({ length: 11 }, (_, i) => `N${i}`),
  };
  await assert.rejects(
    client.fetchWindow(tooMany),
    (e: unknown) =>
      e instanceof OasisRequestError && e.code === 1017 && !e.retryable && e.url.includes("N10"),
  );
});

Deno.test("[round trip] a renamed value column turns the rows into problems naming it, beside a header check", async () => {
  const { client, sim } = setup();
  sim.faults.add({ kind: "renamedColumn", from: "MW", to: "MW_X", count: 10 });
  const w = planWindows(DATASETS.lmp_dam, operatingDay("2026-11-19"), { nodes: DEFAULT_NODES })[0]!;
  const { result } = await client.fetchWindow(w);
  assert.equal(result.kind, "rows");
  if (result.kind !== "rows") return;
  assert.equal(result.rows.length, 0);
  assert.equal(result.problems.length, 3 * 24 * 5);
  assert.match(result.problems[0]!.reason, /^Missing column "MW" \(the header has "MW_X" in its place\)$/);
  assert.deepEqual(result.schema?.map((s) => s.renamed), [[{ from: "MW", to: "MW_X" }]]);
});

Deno.test("[round trip xml] a renamed VALUE element turns the rows into problems naming it, beside a header check", async () => {
  const { client, sim } = setup("xml");
  sim.faults.add({ kind: "renamedColumn", from: "VALUE", to: "PRICE", count: 10 });
  const w = planWindows(DATASETS.lmp_dam, operatingDay("2026-11-19"), { nodes: DEFAULT_NODES })[0]!;
  const { result } = await client.fetchWindow(w);
  assert.equal(result.kind, "rows");
  if (result.kind !== "rows") return;
  assert.equal(result.rows.length, 0);
  assert.equal(result.problems.length, 3 * 24 * 5);
  assert.match(
    result.problems[0]!.reason,
    /^Missing element "VALUE" \(the report has "PRICE" in its place\)$/,
  );
  assert.deepEqual(result.schema?.map((s) => s.renamed), [[{ from: "VALUE", to: "PRICE" }]]);
});
