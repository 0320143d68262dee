import assert from "node:assert/strict";
import { createBronzeMetrics } from "../../src/bronze/metrics.ts";
import { createMetrics, type Metrics } from "../../src/metrics/metrics.ts";

const RECORDED = new URL("./full_scrape.prom", import.meta.url);

/** Metrics with every source given and every event method called at least once. */
function exercised(): Metrics {
  const bronze = Object.assign(createBronzeMetrics(), {
    accepted: 11,
    dlq: 2,
    published: 9,
    outboxDepth: 4,
    outboxRejected: 1,
    sendFailures: 3,
    publishLatencyLastMs: 250,
    publishLatencySumMs: 1500,
    publishLatencyCount: 3,
  });
  const m = createMetrics({
    store: () => ({
      backend: "redis",
      connected: true,
      failedWrites: 2,
      skippedRows: { bad_price: 3, unknown_node: 1 },
      ingests: 6,
    }),
    bronze: () => bronze,
    breaker: () => "half-open",
    gate: () => ({ shared: "redis", state: "local", fallbacks: 7 }),
    coordination: () => ({ reachable: false, fallbacks: 5 }),
    analytics: () => ({ replaced: 2 }),
  });
  m.oasisRequest({ url: "u", attempt: 1, outcome: "ok", durationMs: 1200 });
  m.oasisRequest({ url: "u", attempt: 2, outcome: "http_429", durationMs: 80 });
  m.oasisRequest({ url: "u", attempt: 1, outcome: "breaker_open", durationMs: 0 });
  m.rowsIngested("lmp_rtm", 120);
  m.missingIntervals("as_fmm", 2);
  m.intervalArrived("lmp_rtm", 75_000);
  m.schemaDrift("lmp_dam", "renamed");
  m.webhookDelivery("retried");
  m.priceCorrectionRun("partial", 4);
  m.alert({ kind: "high", event: "raised" });
  m.wsClients(3);
  m.wsConnected();
  m.wsRejected("origin");
  m.wsSent("update", 3, 0.002);
  m.wsSent("ping", 0);
  m.wsClientDropped("slow", 2);
  m.wsClientDropped("heartbeat");
  m.wsBadFrame();
  m.httpRequest("GET", "/api/current", 200);
  m.httpRequest("BREW", "/api/*", 405);
  m.httpRequest("GET", "unmatched", 42);
  return m;
}

/** The scrape with the one value that depends on the process (its resident memory) replaced. */
async function scrape(m: Metrics): Promise<string> {
  return (await m.text()).replace(
    /^process_resident_memory_bytes \d+$/m,
    "process_resident_memory_bytes RSS",
  );
}

Deno.test("[metrics] a scrape with every source and event renders exactly the recorded text", async () => {
  const text = await scrape(exercised());
  if (Deno.env.get("UPDATE_METRICS_SCRAPE") === "1") await Deno.writeTextFile(RECORDED, text);
  assert.equal(text, await Deno.readTextFile(RECORDED));
});

Deno.test("[metrics] a scrape without sources has no labelled series of theirs and zero for the others", async () => {
  const text = await scrape(createMetrics());
  for (
    const absent of ["store_connected{", "oasis_breaker_state{", "oasis_gate_shared{", "jobs_coordination"]
  ) {
    assert.ok(!text.includes(`\n${absent}`), absent);
  }
  assert.match(text, /^bronze_outbox_depth 0$/m);
  assert.match(text, /^store_ingests_total 0$/m);
  assert.match(text, /^process_resident_memory_bytes RSS$/m);
  assert.match(text, /^alert_webhook_deliveries_total\{outcome="dropped"\} 0$/m);
});
