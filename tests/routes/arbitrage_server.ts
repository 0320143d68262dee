/**
 * A real HTTP server with the service's routes wired as `main.ts` wires them (an `AnalyticsPool` computing
 * the arbitrage figures, closed first on shutdown), over a `:memory:` store seeded with the test day.
 * `stalling_analytics_worker.ts` is a worker for it that never finishes a job with `degradation=777`.
 *
 * @module
 */
import { AnalyticsPool, type AnalyticsPoolOptions } from "../../src/analytics/analytics_pool.ts";
import { loadLiveConfig } from "../../src/live/settings.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { type HttpServer, startHttpServer } from "../../src/server.ts";
import { openKvStore } from "../../src/store/kv_store.ts";
import { loadStoreConfig } from "../../src/store/settings.ts";
import { NOW, seedPrices, serviceRoutes, TestClock } from "./helpers.ts";

/** The worker that stalls on `degradation=777` and computes everything else. */
export const STALLING_WORKER = new URL("../analytics/stalling_analytics_worker.ts", import.meta.url);

/** A listening server, its analytics worker, and `close()` (server, then store). */
export interface ArbitrageServer {
  readonly server: HttpServer;
  readonly pool: AnalyticsPool;
  get(path: string): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the server on a free loopback port with an `AnalyticsPool` of `options`. */
export async function startArbitrageServer(options: AnalyticsPoolOptions): Promise<ArbitrageServer> {
  const clock = new TestClock(NOW);
  const config = loadStoreConfig({});
  const store = await openKvStore({ config, path: ":memory:", clock: clock.now });
  await seedPrices(store);
  const pool = new AnalyticsPool(options);
  const server = await startHttpServer({
    config: { port: 0, hostname: "127.0.0.1", live: loadLiveConfig({ WS_HEARTBEAT_S: "0" }), store: config },
    store,
    metrics: createMetrics({ analytics: () => pool }),
    health: () => ({}),
    now: clock.now,
    analytics: pool,
    service: serviceRoutes({}, undefined, pool),
  });
  return {
    server,
    pool,
    get: (path) => fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(30_000) }),
    async close() {
      await server.shutdown();
      await store.close();
    },
  };
}
