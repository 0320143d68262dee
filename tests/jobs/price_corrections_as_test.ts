/**
 * Ancillary-service prices and corrections: PRC_CORR_GRP is not known to list AS markets (docs/bronze.md),
 * so the correction job fetches only the LMP markets it maps and names any other listed market; a changed
 * AS price reaches Bronze as a revision through the re-poll window instead.
 */
import assert from "node:assert/strict";
import { deliverWindow } from "../../src/jobs/deliver.ts";
import { pollDataset } from "../../src/jobs/poll.ts";
import { runPriceCorrections, unmappedMarkets } from "../../src/jobs/price_corrections.ts";
import type { FetchResult } from "../../src/oasis/client.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";
import type { CorrectionParse } from "../../src/oasis/price_corrections.ts";
import type { OasisRow } from "../../src/oasis/row.ts";
import { operatingDate, operatingDay, toIso } from "../../src/oasis/time.ts";
import { planWindows, type RequestWindow } from "../../src/oasis/windows.ts";
import {
  frozenSimulator,
  keyCounts,
  memoryBackends,
  memoryBronze,
  settings,
  simClient,
  testClock,
} from "./helpers.ts";

const HOUR = 3_600_000;

Deno.test("a PRC_CORR_GRP market the job maps to no dataset is not fetched, but named and logged", async () => {
  const day = "2026-06-25", now = "2026-07-01T18:00:00Z";
  const sim = frozenSimulator(now);
  const clock = testClock(now);
  const backends = await memoryBackends(clock);
  const bronze = memoryBronze();
  const client = simClient(sim);
  const logged: Array<[string, string, unknown]> = [];
  const deps = {
    client: {
      fetchWindow: client.fetchWindow.bind(client),
      // The simulator lists the DAM correction; a listed HASP row stands for any market the job does not map.
      async fetchCorrections(date: string, signal?: AbortSignal): Promise<FetchResult<CorrectionParse>> {
        const got = await client.fetchCorrections(date, signal);
        if (got.result.kind !== "corrections" || date !== day) return got;
        const hasp = {
          tradeDate: day,
          hourEnding: 3,
          interval: 1,
          market: "HASP",
          reason: "",
          generated: "",
        };
        return { ...got, result: { kind: "corrections", corrections: [...got.result.corrections, hasp] } };
      },
    },
    publisher: bronze.publisher,
    store: backends.store,
    coordination: backends.coordination,
    nodes: (d: string) => d === "lmp_dam" ? { nodes: ["TH_SP15_GEN-APND"] } : undefined,
    settings: { days: 14, digestTtlMs: 20 * 86_400_000, lockTtlMs: 600_000 },
    log: (level: string, message: string, fields?: unknown) => void logged.push([level, message, fields]),
  };
  try {
    for (const window of planWindows(DATASETS.lmp_dam, operatingDay(day), { nodes: ["TH_SP15_GEN-APND"] })) {
      await deliverWindow(window, await client.fetchWindow(window), deps, {
        now: clock.now,
        digestTtlMs: 1e9,
      });
    }
    await sim.handler(
      new Request("http://oasis.test/sim/corrections", {
        method: "POST",
        body: JSON.stringify({ market: "DAM", trade_date: day, hours: [3], delta: 2 }),
      }),
    );
    const summary = await runPriceCorrections(deps, clock.now);
    assert.equal(summary.outcome, "done");
    assert.equal(summary.listed, 2);
    assert.deepEqual(summary.refetched, [`lmp_dam@${day}`]);
    assert.deepEqual(summary.unmapped, [`HASP@${day}`]);
    const warned = logged.find(([level, message]) => level === "warn" && /not re-fetched/.test(message));
    assert.deepEqual(warned?.[2], { unmapped: [`HASP@${day}`] });
  } finally {
    backends.close();
  }
  const listed = (market: string, tradeDate: string) => ({
    tradeDate,
    hourEnding: 1,
    interval: 0,
    market,
    reason: "",
    generated: "",
  });
  assert.deepEqual(
    unmappedMarkets([listed("RTD", "2026-06-02"), listed("AS", "2026-06-02"), listed("AS", "2026-06-02")]),
    ["AS@2026-06-02"],
  );
});

const DAY_START = Date.parse("2025-06-30T07:00:00Z");
const REGION = "AS_CAISO_EXP";

/** A day-ahead AS OASIS for one region and type: 72 hourly RU prices from `DAY_START`, which the test revises. */
function fakeAsOasis() {
  const prices = Array.from({ length: 72 }, (_, h) => 5 + (h % 24) / 4);
  const row = (h: number): OasisRow => {
    const ms = DAY_START + h * HOUR;
    return {
      dataset: "as_dam",
      report: "PRC_AS",
      node: REGION,
      qualifier: null,
      interval_start: toIso(new Date(ms)),
      interval_end: toIso(new Date(ms + HOUR)),
      opr_date: operatingDate(new Date(ms)),
      opr_hour: null,
      opr_interval: null,
      component: "RU",
      value: prices[h]!,
      raw: { MW: String(prices[h]) },
      source_file: "test.csv",
      row_number: h + 1,
    };
  };
  return {
    prices,
    client: {
      fetchWindow(window: RequestWindow): Promise<FetchResult> {
        const from = Math.max(0, (window.start.getTime() - DAY_START) / HOUR);
        const to = Math.min(72, (window.end.getTime() - DAY_START) / HOUR);
        const rows = Array.from({ length: Math.max(0, to - from) }, (_, i) => row(from + i));
        return Promise.resolve({
          result: { kind: "rows", rows, problems: [], files: ["test.csv"] },
          url: `http://oasis.test/?queryname=PRC_AS&start=${window.start.toISOString()}`,
          finalUrl: "http://oasis.test/",
          fetchedAt: new Date().toISOString(),
          attempts: 1,
          bytes: 0,
        });
      },
    },
  };
}

Deno.test("a changed day-ahead AS price in the re-poll window is published as a revision and kept as the latest value", async () => {
  const clock = testClock("2025-07-01T21:00:00Z");
  const backends = await memoryBackends(clock);
  const { publisher, messages } = memoryBronze();
  const oasis = fakeAsOasis();
  const deps = {
    client: oasis.client,
    publisher,
    store: backends.store,
    coordination: backends.coordination,
    nodes: { nodes: [] },
    settings: settings({ revisionMs: 48 * HOUR }), // as JOB_REVISION_HOURS's default as_dam=48
  };
  try {
    const first = await pollDataset("as_dam", deps, clock.now);
    assert.deepEqual(first.failures, []);
    const published = messages.length;
    assert.ok(published > 0);
    // OASIS changes hour 30 (2025-07-01T13:00Z) after it was published.
    oasis.prices[30] = 42.5;
    clock.now = new Date("2025-07-01T22:00:00Z");
    const revised = await pollDataset("as_dam", deps, clock.now);
    assert.equal(revised.revised, 1);
    assert.equal(revised.published, 1);
    const key = `as_dam|${REGION}|RU|2025-07-01T13:00:00Z`;
    assert.deepEqual(messages.slice(published).map((m) => m.key), [key]);
    assert.equal(keyCounts(messages).get(key), 2);
    const envelope = JSON.parse(messages.at(-1)!.value);
    assert.deepEqual([envelope.value, envelope.revision, envelope.revision_reason], [
      42.5,
      1,
      "revision_repoll",
    ]);
    const kept = await backends.store.values("AS_DAM", {
      from: new Date("2025-07-01T13:00:00Z"),
      to: new Date("2025-07-01T13:00:00Z"),
    });
    assert.deepEqual(kept.value.map((v) => [v.node, v.item, v.price]), [[REGION, "RU", 42.5]]);
  } finally {
    backends.close();
  }
});
