/**
 * Test helpers for the live edge: a Deno KV `:memory:` store on a test clock with a day of prices for the
 * three hubs, and the app built around it (`createLiveEdge`), ready for `app.request()`.
 *
 * @module
 */
import { type Analytics, inProcessAnalytics } from "../../src/analytics/analytics_jobs.ts";
import type { SummarizerOptions } from "../../src/analytics/arbitrage_summary.ts";
import type { ServiceRoutesDeps } from "../../routes/app.ts";
import { DEFAULT_NODES } from "../../src/oasis/datasets.ts";
import type { NodeSelection } from "../../src/oasis/windows.ts";
import type { Env } from "../../src/settings.ts";
import { loadLiveConfig } from "../../src/live/settings.ts";
import { createMetrics, type Metrics } from "../../src/metrics/metrics.ts";
import { createLiveEdge, type LiveEdge, type ServerLog } from "../../src/server.ts";
import type { HealthReport } from "../../src/live/health_report.ts";
import { type KvStore, openKvStore } from "../../src/store/kv_store.ts";
import { loadStoreConfig } from "../../src/store/settings.ts";
import { NP15, priceRows, SP15, TestClock, ZP26 } from "../store/helpers.ts";

export { NP15, priceRows, SP15, TestClock, ZP26 };

/** The test's "now": 13:02 Pacific on 1 July 2026. */
export const NOW = "2026-07-01T20:02:00Z";

/** A store, the edge built on it and its clock. */
export interface TestEdge {
  readonly edge: LiveEdge;
  readonly store: KvStore;
  readonly metrics: Metrics;
  readonly clock: TestClock;
  /** `edge.app.request` with a path. */
  request(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Options for `startEdge`. */
export interface TestEdgeOptions {
  readonly env?: Env;
  readonly health?: () => HealthReport | Promise<HealthReport>;
  /** Ingest the standard day of prices (default true). */
  readonly seed?: boolean;
  /** Mount the arbitrage and gaps routes as `main.ts` does (default false). */
  readonly serviceRoutes?: boolean;
  /** The arbitrage summary's cache options (with `serviceRoutes`). */
  readonly summary?: SummarizerOptions;
  /** What computes the arbitrage figures (with `serviceRoutes`; default this thread). */
  readonly analytics?: Analytics;
  /** The server's structured log (default none). */
  readonly log?: ServerLog;
  /** The configured nodes (default none: zones are learned from the store). */
  readonly nodes?: NodeSelection;
}

/** The gaps and arbitrage routes' inputs as `main.ts` gives them (`AppDeps.service`). */
export function serviceRoutes(
  env: Env = {},
  summary?: SummarizerOptions,
  analytics: Analytics = inProcessAnalytics,
): ServiceRoutesDeps {
  return {
    nodes: { nodes: DEFAULT_NODES },
    datasets: ["lmp_dam", "lmp_fmm", "lmp_rtm", "as_dam", "crr"],
    retentionDays: loadStoreConfig(env).retentionDays,
    // Nothing recorded as delivered: the AS gaps are one "*" entry missing every interval.
    coordination: { digests: () => Promise.resolve(new Map()) },
    summary,
    analytics,
  };
}

/** Ingests 24 h of RT and FMM prices and 2 days of DA prices for SP15 and NP15 up to `NOW`. */
export async function seedPrices(store: KvStore): Promise<void> {
  const dayStart = "2026-06-30T20:00:00Z";
  const rt = Array.from({ length: 288 }, (_, i) => 30 + (i % 24));
  const fmm = Array.from({ length: 96 }, (_, i) => 32 + (i % 8));
  const da = Array.from({ length: 48 }, (_, i) => 35 + (i % 12));
  for (const node of [SP15, NP15]) {
    await store.ingest(priceRows("lmp_dam", node, dayStart, da));
    await store.ingest(priceRows("lmp_fmm", node, dayStart, fmm));
    await store.ingest(priceRows("lmp_rtm", node, dayStart, rt));
  }
}

/** Builds the edge over a fresh `:memory:` store at `NOW`. */
export async function startEdge(options: TestEdgeOptions = {}): Promise<TestEdge> {
  const env = { WS_HEARTBEAT_S: "0", ...options.env };
  const clock = new TestClock(NOW);
  const store = await openKvStore({ config: loadStoreConfig(env), path: ":memory:", clock: clock.now });
  if (options.seed ?? true) await seedPrices(store);
  const metrics = createMetrics();
  const edge = await createLiveEdge({
    config: { port: 0, live: loadLiveConfig(env), store: loadStoreConfig(env), nodes: options.nodes },
    store,
    metrics,
    health: options.health ?? (() => ({ breaker: "closed" })),
    now: clock.now,
    log: options.log,
    service: options.serviceRoutes ? serviceRoutes(env, options.summary, options.analytics) : undefined,
  });
  return {
    edge,
    store,
    metrics,
    clock,
    request: async (path, init) => await edge.app.request(`http://localhost${path}`, init),
    async close() {
      await edge.close();
      await store.close();
    },
  };
}

/** Runs `fn` on a fresh edge with settings `env`, closing it afterwards. */
export async function withEdge(fn: (t: TestEdge) => Promise<void>, env = {}): Promise<void> {
  const t = await startEdge({ env });
  try {
    await fn(t);
  } finally {
    await t.close();
  }
}
