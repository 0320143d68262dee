import assert from "node:assert/strict";
import { createBronzeMetrics } from "../../src/bronze/metrics.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { startEdge } from "./helpers.ts";

const value = (text: string, series: string) => {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

Deno.test("[metrics] GET /metrics answers the Prometheus text format", async () => {
  const t = await startEdge();
  try {
    await t.request("/api/current");
    await t.request("/api/history/0?zone=sp15");
    const res = await t.request("/metrics");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (
      const name of ["oasis_requests_total", "ingest_rows_total", "ws_clients", "ws_messages_sent_total"]
    ) {
      assert.match(text, new RegExp(`# TYPE ${name} `), name);
    }
    assert.equal(value(text, 'http_requests_total{method="GET",route="/api/current",status="200"}'), 1);
    assert.equal(
      value(text, 'http_requests_total{method="GET",route="/api/history/:hours",status="400"}'),
      1,
    );
    assert.equal(value(text, 'store_connected{backend="kv"}'), 1);
    assert.equal(value(text, "store_ingests_total"), 6);
  } finally {
    await t.close();
  }
});

Deno.test("[metrics] OASIS requests by outcome, rows by dataset, alerts, Bronze and breaker are exported", async () => {
  const bronze = createBronzeMetrics();
  let breaker: "closed" | "open" | "half-open" = "closed";
  const m = createMetrics({ bronze: () => bronze, breaker: () => breaker });
  m.oasisRequest({ url: "u", attempt: 1, outcome: "ok", durationMs: 1200 });
  m.oasisRequest({ url: "u", attempt: 1, outcome: "http_429", durationMs: 80 });
  m.oasisRequest({ url: "u", attempt: 2, outcome: "ok", durationMs: 900 });
  m.rowsIngested("lmp_rtm", 120);
  m.alert({ kind: "high", event: "raised" });
  bronze.outboxDepth = 42;
  bronze.published = 7;
  bronze.publishLatencySumMs = 1500;
  bronze.publishLatencyCount = 3;
  bronze.publishLatencyLastMs = 250;
  breaker = "open";
  const text = await m.text();
  assert.equal(value(text, 'oasis_requests_total{outcome="ok"}'), 2);
  assert.equal(value(text, 'oasis_requests_total{outcome="http_429"}'), 1);
  assert.equal(value(text, 'oasis_request_duration_seconds_count{outcome="ok"}'), 2);
  assert.equal(value(text, 'ingest_rows_total{dataset="lmp_rtm"}'), 120);
  assert.equal(value(text, 'alerts_total{kind="high",event="raised"}'), 1);
  assert.equal(value(text, "bronze_outbox_depth"), 42);
  assert.equal(value(text, "bronze_messages_published_total"), 7);
  assert.equal(value(text, "bronze_publish_latency_seconds_total"), 1.5);
  assert.equal(value(text, "bronze_publish_batches_total"), 3);
  assert.equal(value(text, "bronze_publish_latency_seconds"), 0.25);
  assert.equal(value(text, 'oasis_breaker_state{state="open"}'), 1);
  assert.equal(value(text, 'oasis_breaker_state{state="closed"}'), 0);
});

Deno.test("[metrics] ingest_missing_intervals shows what the last poll of each dataset lacked", async () => {
  const m = createMetrics();
  m.missingIntervals("lmp_rtm", 4);
  m.missingIntervals("as_fmm", 2);
  m.missingIntervals("lmp_rtm", 0);
  const text = await m.text();
  assert.equal(value(text, 'ingest_missing_intervals{dataset="lmp_rtm"}'), 0);
  assert.equal(value(text, 'ingest_missing_intervals{dataset="as_fmm"}'), 2);
});

Deno.test("[metrics] price-correction runs count by outcome and the intervals they revised", async () => {
  const m = createMetrics();
  m.priceCorrectionRun("done", 3);
  m.priceCorrectionRun("partial", 0);
  m.priceCorrectionRun("done", 2);
  const text = await m.text();
  assert.equal(value(text, 'price_correction_runs_total{outcome="done"}'), 2);
  assert.equal(value(text, 'price_correction_runs_total{outcome="partial"}'), 1);
  assert.equal(value(text, "price_correction_revisions_total"), 5);
});

Deno.test("[metrics] oasis_publication_latency_seconds counts how late each dataset's intervals arrived", async () => {
  const m = createMetrics();
  m.intervalArrived("lmp_rtm", 8_000);
  m.intervalArrived("lmp_rtm", 75_000);
  m.intervalArrived("lmp_fmm", 210_000);
  const text = await m.text();
  assert.equal(value(text, 'oasis_publication_latency_seconds_bucket{le="10",dataset="lmp_rtm"}'), 1);
  assert.equal(value(text, 'oasis_publication_latency_seconds_bucket{le="90",dataset="lmp_rtm"}'), 2);
  assert.equal(value(text, 'oasis_publication_latency_seconds_count{dataset="lmp_fmm"}'), 1);
  assert.equal(value(text, 'oasis_publication_latency_seconds_sum{dataset="lmp_rtm"}'), 83);
});

Deno.test("[metrics] two Metrics objects never share a registry", async () => {
  const a = createMetrics();
  const b = createMetrics();
  a.rowsIngested("lmp_dam", 5);
  assert.equal(value(await b.text(), 'ingest_rows_total{dataset="lmp_dam"}'), undefined);
});

Deno.test("[metrics] the shared OASIS gate and the job coordination's Redis reachability are exported", async () => {
  let gate = { shared: "redis", state: "shared" as "shared" | "local", fallbacks: 0 };
  let coordination = { reachable: true, fallbacks: 0 };
  const m = createMetrics({ gate: () => gate, coordination: () => coordination });
  let text = await m.text();
  assert.equal(value(text, 'oasis_gate_shared{store="redis"}'), 1);
  assert.equal(value(text, 'jobs_coordination_reachable{backend="redis"}'), 1);
  gate = { shared: "redis", state: "local", fallbacks: 3 };
  coordination = { reachable: false, fallbacks: 5 };
  text = await m.text();
  assert.equal(value(text, 'oasis_gate_shared{store="redis"}'), 0);
  assert.equal(value(text, 'oasis_gate_local_starts_total{store="redis"}'), 3);
  assert.equal(value(text, 'jobs_coordination_reachable{backend="redis"}'), 0);
  assert.equal(value(text, 'jobs_coordination_fallbacks_total{backend="redis"}'), 5);
  // Without a shared gate or a Redis coordination (the embedded default) the series are absent.
  const plain = await createMetrics({ coordination: () => undefined }).text();
  assert.doesNotMatch(plain, /^oasis_gate_shared\{/m);
  assert.doesNotMatch(plain, /^jobs_coordination_reachable\{/m);
});

Deno.test("[metrics] random HTTP methods and paths add no series: methods outside the standard set count as other", async () => {
  const t = await startEdge({ env: { API_TOKEN: "0123456789abcdef0123" } });
  try {
    const before = (await (await t.request("/metrics")).text()).length;
    for (let i = 0; i < 1000; i++) {
      const method = `M${crypto.randomUUID().replaceAll("-", "")}`;
      await t.request(`/api/${crypto.randomUUID()}?x=${i}`, { method });
    }
    await t.request("/api/current", { method: "GET" });
    const text = await (await t.request("/metrics")).text();
    const series = text.split("\n").filter((l) => l.startsWith("http_requests_total{"));
    assert.ok(series.length <= 5, series.join("\n"));
    // Refused as a method the service does not answer (405, before the token check and any route): counted
    // under the middleware's pattern.
    assert.equal(value(text, 'http_requests_total{method="other",route="/api/*",status="405"}'), 1000);
    assert.ok(text.length < before + 2000, `/metrics grew from ${before} to ${text.length} characters`);
  } finally {
    await t.close();
  }
});
