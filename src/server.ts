/**
 * The live edge's entry point for the composition root: `startHttpServer` builds the zone catalog, the
 * process's one WebSocket fan-out (subscribed once to the store) and the Hono app, and serves it with
 * `Deno.serve`; `shutdown()` closes the sockets first, then the listener. `createLiveEdge` builds the same
 * without listening, for tests through `app.request()`.
 *
 * Slow clients: `Deno.serve` (Deno 2.9.6) has no header-read timeout, idle timeout or connection limit
 * (denoland/deno#3515), so a client that never finishes its request headers holds its connection for as
 * long as it likes (measured: still open after 70 s), and many such clients exhaust file descriptors. Run
 * the service behind a reverse proxy that bounds them (nginx `client_header_timeout`, `limit_conn`; Caddy
 * `timeouts read_header`; Envoy `request_headers_timeout`).
 *
 * @module
 */
import type { Hono } from "hono";
import { createApp, type ServiceRoutesDeps } from "../routes/app.ts";
import type { AlertThresholds } from "./analytics/alerts.ts";
import { FanOut } from "./live/fan_out.ts";
import { polledMarkets } from "./live/freshness.ts";
import type { HealthReport } from "./live/health_report.ts";
import type { LiveConfig } from "./live/settings.ts";
import { configuredZones, ZoneCatalog } from "./live/zone_catalog.ts";
import type { Metrics } from "./metrics/metrics.ts";
import type { NodeSelection } from "./oasis/windows.ts";
import type { PriceStore } from "./store/store.ts";

/** The parts of the service's `Config` the server reads. */
export interface ServerConfig {
  readonly port: number;
  /** Interface to listen on (default `0.0.0.0`). */
  readonly hostname?: string;
  readonly live: LiveConfig;
  readonly store: { readonly alerts: AlertThresholds };
  /** Datasets polled: the markets whose freshness `/api/current` judges (default all). */
  readonly datasets?: readonly string[];
  /** Nodes polled: a list's zones are the only ones offered (default: zones learned from the store). */
  readonly nodes?: NodeSelection;
}

/** Structured log function, the shape of `main.ts`'s. */
export type ServerLog = (
  level: "info" | "warn" | "error",
  msg: string,
  fields?: Record<string, unknown>,
) => void;

/** What `startHttpServer` needs from the composition root. */
export interface HttpServerDeps {
  readonly config: ServerConfig;
  readonly store: PriceStore;
  readonly metrics: Metrics;
  /** Called on each `GET /health`. */
  readonly health: () => HealthReport | Promise<HealthReport>;
  /** Wall clock (default: system clock). */
  readonly now?: () => Date;
  readonly log?: ServerLog;
  /** Dashboard files (default `static/`). */
  readonly staticDir?: URL;
  /** The gaps and arbitrage routes' inputs (`routes/app.ts`); without them those routes are not mounted. */
  readonly service?: ServiceRoutesDeps;
  /**
   * The routes' analytics worker (`AnalyticsPool`): `shutdown()` closes it first, so requests waiting on a
   * computation answer 503 at once and the server never waits on analytics.
   */
  readonly analytics?: { close(): void };
}

/** The app and what it owns, not yet listening. */
export interface LiveEdge {
  readonly app: Hono;
  readonly fanOut: FanOut;
  readonly zones: ZoneCatalog;
  /** Closes every WebSocket and the store subscription (not the store). */
  close(): Promise<void>;
}

/** A listening server. */
export interface HttpServer {
  /** Base URL, e.g. `http://localhost:8000`. */
  readonly url: string;
  readonly port: number;
  readonly fanOut: FanOut;
  /** Closes the analytics worker and WebSockets, then stops listening and waits for requests in flight. */
  shutdown(): Promise<void>;
}

/** Builds the zone catalog, the started fan-out and the app. */
export async function createLiveEdge(deps: HttpServerDeps): Promise<LiveEdge> {
  const now = deps.now ?? (() => new Date());
  const live = deps.config.live;
  const zones = new ZoneCatalog(deps.store, { configured: configuredZones(deps.config.nodes) });
  const fanOut = new FanOut({
    store: deps.store,
    zones,
    ws: live.ws,
    staleAfterMs: live.staleAfterMs,
    estimates: live.estimates,
    thresholds: deps.config.store.alerts,
    metrics: deps.metrics,
    now,
  });
  deps.metrics.watch({ store: () => deps.store.stats() });
  await fanOut.start();
  const log = deps.log;
  const app = createApp({
    store: deps.store,
    zones,
    fanOut,
    metrics: deps.metrics,
    live,
    health: deps.health,
    markets: polledMarkets(deps.config.datasets),
    now,
    startedAt: now(),
    staticDir: deps.staticDir,
    service: deps.service,
    log: log && ((error, where) => log("error", "request failed", { ...where, error: String(error) })),
    accessLog: log && ((entry) => log("info", "http request", { ...entry })),
  });
  return { app, fanOut, zones, close: () => fanOut.close() };
}

/** Serves the API, `/ws`, `/health`, `/metrics` and the dashboard on `config.port` (0 picks a free port). */
export async function startHttpServer(deps: HttpServerDeps): Promise<HttpServer> {
  const edge = await createLiveEdge(deps);
  const hostname = deps.config.hostname ?? "0.0.0.0";
  const server = Deno.serve({ port: deps.config.port, hostname, onListen: () => {} }, edge.app.fetch);
  const port = server.addr.port;
  const url = `http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`;
  deps.log?.("info", "http server listening", { url });
  return {
    url,
    port,
    fanOut: edge.fanOut,
    async shutdown() {
      deps.analytics?.close();
      await edge.close();
      await server.shutdown();
    },
  };
}
