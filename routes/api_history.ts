/**
 * `GET /api/history/{hours}`: the prices of one zone and market over the last hours, as JSON or CSV, and as
 * they stood at an earlier time with `as_of`.
 *
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { DA_AHEAD_MS } from "../src/live/snapshot.ts";
import type { PriceStore } from "../src/store/store.ts";
import {
  BAD_PARAMETER,
  FormatParam,
  HoursParam,
  MARKET_OF_TYPE,
  PointBody,
  TypeParam,
  ZoneParam,
} from "./api_schemas.ts";
import { historyCsv, historyFileName } from "./history_csv.ts";
import { AsOfParam, historyAsOf } from "./history_as_of.ts";
import type { ApiApp } from "./openapi_app.ts";

/** What the history route reads, and how it checks a zone (see `createApiApp`). */
export interface HistoryDeps {
  readonly store: PriceStore;
  readonly now: () => Date;
  /** The zone's canonical name, or a `ParameterError` naming the known zones. */
  readonly knownZone: (given: string) => Promise<string>;
}

const historyRoute = createRoute({
  method: "get",
  path: "/api/history/{hours}",
  summary:
    "Prices of one zone and market for the last 1 to 720 hours, oldest first; day-ahead (type=da) also the hours already published ahead of now",
  request: {
    params: HoursParam,
    query: z.object({ zone: ZoneParam, type: TypeParam, format: FormatParam, as_of: AsOfParam }),
  },
  responses: {
    200: {
      content: {
        "application/json": {
          schema: z.object({
            zone: z.string(),
            type: z.string(),
            hours: z.number(),
            from: z.string().openapi({ description: "Start of the window: now minus hours" }),
            to: z.string().openapi({ description: "Now" }),
            until: z.string().openapi({
              description: "End of the points read: now, or for type=da the end of tomorrow's operating day",
            }),
            as_of: z.string().optional().openapi({ description: "The as_of asked, when given" }),
            stale: z.boolean(),
            points: z.array(PointBody),
          }),
        },
        "text/csv": {
          schema: z.string().openapi({
            description: "format=csv: a header line zone,market,timestamp,price, then one line per point",
            example: "zone,market,timestamp,price\nsp15,RT,2026-07-01T19:55:00Z,53.2\n",
          }),
        },
      },
      description: "Price points (JSON, or CSV with format=csv)",
    },
    400: BAD_PARAMETER,
  },
});

/** Declares `GET /api/history/{hours}` on `api`. */
export function serveHistory(api: ApiApp, deps: HistoryDeps): void {
  api.openapi(historyRoute, async (c) => {
    const { hours } = c.req.valid("param");
    const { type, format, as_of: asOf } = c.req.valid("query");
    const zone = await deps.knownZone(c.req.valid("query").zone);
    const to = deps.now();
    const from = new Date(to.getTime() - hours * 3_600_000);
    // Day-ahead prices are published ahead of their hours: the ones already known are part of the answer.
    const until = type === "da" ? new Date(to.getTime() + DA_AHEAD_MS) : to;
    const read = await historyAsOf(deps.store, zone, MARKET_OF_TYPE[type], { from, to: until }, asOf, to);
    if (format === "csv") {
      return c.body(historyCsv(zone, MARKET_OF_TYPE[type], read.value), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${historyFileName(zone, type, hours)}"`,
      });
    }
    const body = {
      zone,
      type,
      hours,
      from: from.toISOString(),
      to: to.toISOString(),
      until: until.toISOString(),
      ...(asOf === undefined ? {} : { as_of: asOf }),
    };
    return c.json({ ...body, stale: read.stale, points: read.value }, 200);
  });
}
