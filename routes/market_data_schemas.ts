/**
 * Zod schemas of the market-data routes (`market_data.ts`): LMP components of one interval, ancillary-service
 * prices of an operating day, CRR clearing prices. The same definitions validate requests and document them.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { ZoneParam } from "./api_schemas.ts";

/** `?date=`: a Pacific operating date. */
export const DateParam = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "is not YYYY-MM-DD").optional().openapi({
  param: { name: "date", in: "query" },
  example: "2026-07-01",
  description: "Pacific operating date; default today",
});

/** The query of `GET /api/components`. */
export const ComponentsQuery = z.object({
  zone: ZoneParam,
  type: z.enum(["rt", "fmm", "da"]).default("rt").openapi({
    param: { name: "type", in: "query" },
    description: "Market: rt (5-minute real-time), fmm (15-minute) or da (hourly day-ahead)",
  }),
  at: z.iso.datetime({ offset: true }).optional().openapi({
    param: { name: "at", in: "query" },
    example: "2026-07-01T19:55:00Z",
    description: "An instant: the interval containing it (at most 2 days ahead); default the newest interval",
  }),
});

const dollars = (description: string) => z.number().nullable().openapi({ description });

/** One interval's LMP and its components. */
export const IntervalBody = z.object({
  timestamp: z.string().openapi({ description: "Interval start, UTC" }),
  end: z.string().openapi({ description: "Interval end, UTC" }),
  node: z.string(),
  price: z.number().openapi({ description: "Total LMP, $/MWh" }),
  revised: z.boolean().openapi({ description: "Whether this price replaced an earlier one" }),
  components: z.object({
    energy: dollars("Energy component (MCE), $/MWh; null when the report had none"),
    congestion: dollars("Congestion component (MCC), $/MWh"),
    loss: dollars("Loss component (MCL), $/MWh"),
    ghg: dollars("Greenhouse-gas component (MGHG), $/MWh; present only where CAISO publishes it"),
  }),
}).openapi("Interval");

/** The answer of `GET /api/components`. */
export const ComponentsBody = z.object({
  zone: z.string(),
  type: z.string(),
  at: z.string().optional().openapi({ description: "The instant asked, when given" }),
  stale: z.boolean(),
  interval: IntervalBody.nullable().openapi({
    description:
      "null when the store keeps no such interval (its components are kept in the zone's capped event stream)",
  }),
});

/** The query of `GET /api/ancillary`. */
export const AncillaryQuery = z.object({
  market: z.enum(["dam", "rtm"]).default("dam").openapi({
    param: { name: "market", in: "query" },
    description: "dam: day-ahead hourly AS prices; rtm: real-time 15-minute AS prices",
  }),
  date: DateParam,
});

/** One AS region and type over the day. */
export const AncillarySeries = z.object({
  region: z.string().openapi({ example: "AS_CAISO_EXP" }),
  type: z.string().openapi({ description: "AS type: RU, RD, SR, NR, RMU, RMD", example: "RU" }),
  points: z.array(z.object({ timestamp: z.string(), end: z.string(), price: z.number() })).openapi({
    description: "Clearing prices ($/MW) oldest first",
  }),
}).openapi("AncillarySeries");

/** The answer of `GET /api/ancillary`. */
export const AncillaryBody = z.object({
  market: z.string(),
  date: z.string(),
  from: z.string(),
  to: z.string(),
  stale: z.boolean(),
  series: z.array(AncillarySeries).openapi({ description: "Empty when nothing is kept for the day" }),
});

/** The query of `GET /api/crr`. */
export const CrrQuery = z.object({ zone: ZoneParam.optional() });

/** One CRR auction's clearing prices. */
export const CrrAuction = z.object({
  market_name: z.string().openapi({ example: "AUC_MN_2026_M07_TR" }),
  term: z.string().openapi({ example: "MONTHLY" }),
  time_of_use: z.string().openapi({ example: "ON" }),
  start: z.string(),
  end: z.string(),
  prices: z.array(z.object({ node: z.string(), zone: z.string(), price: z.number() })).openapi({
    description:
      "Clearing price at the node of each zone the service prices (GET /api/current lists them), $/MW for the period",
  }),
}).openapi("CrrAuction");

/** The answer of `GET /api/crr`. */
export const CrrBody = z.object({
  stale: z.boolean(),
  auctions: z.array(CrrAuction).openapi({
    description:
      "Auctions whose period overlaps the last 62 days and ahead, newest period first; empty if none",
  }),
});
