/**
 * `GET /health`: liveness and readiness details; 200 when ready, 503 when not (see
 * `src/live/health_report.ts` for the verdict). `GET /health/live` answers 200 while the process serves.
 *
 * @module
 */
import { Hono } from "hono";
import type { FanOut } from "../src/live/fan_out.ts";
import { type HealthReport, judgeHealth } from "../src/live/health_report.ts";
import type { PriceStore } from "../src/store/store.ts";

/** What `/health` reads. */
export interface HealthDeps {
  readonly store: Pick<PriceStore, "stats">;
  readonly fanOut: Pick<FanOut, "size">;
  readonly maxClients: number;
  readonly health: () => HealthReport | Promise<HealthReport>;
  readonly now: () => Date;
  readonly startedAt: Date;
}

/** The `/health` sub-app. */
export function createHealthApp(deps: HealthDeps): Hono {
  const app = new Hono();
  app.get("/health/live", (c) => c.json({ live: true }));
  app.get("/health", async (c) => {
    let report: HealthReport | null = null;
    let reportError: string | undefined;
    try {
      report = await deps.health();
    } catch (error) {
      reportError = `health report failed: ${(error as Error).message}`;
    }
    const body = judgeHealth({
      report,
      reportError,
      store: deps.store.stats(),
      clients: deps.fanOut.size,
      maxClients: deps.maxClients,
      now: deps.now(),
      startedAt: deps.startedAt,
    });
    c.header("Cache-Control", "no-store");
    return c.json(body, body.ready ? 200 : 503);
  });
  return app;
}
