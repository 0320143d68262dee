/**
 * What the service ingests beside the total LMP, for the dashboard's market panels:
 * `GET /api/components` (one interval's energy, congestion, loss and GHG components), `GET /api/ancillary`
 * (day-ahead hourly or real-time 15-minute AS clearing prices of an operating day, per region and type) and
 * `GET /api/crr` (CRR auction clearing prices at the configured zones' nodes). Read from the hot store only.
 *
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import type { ZoneCatalog } from "../src/live/zone_catalog.ts";
import { operatingDate, operatingDay, toIso } from "../src/oasis/time.ts";
import type { Market, PriceStore, PriceUpdate } from "../src/store/store.ts";
import { VALUE_RETENTION_MS } from "../src/store/market_values.ts";
import { zoneOf } from "../src/store/zone.ts";
import { ErrorBody, json } from "./api_schemas.ts";
import { ParameterError } from "./errors.ts";
import { asSeries, crrAuctions } from "./market_data_groups.ts";
import { zoneChecker } from "./known_zone.ts";
import {
  AncillaryBody,
  AncillaryQuery,
  ComponentsBody,
  ComponentsQuery,
  CrrBody,
  CrrQuery,
} from "./market_data_schemas.ts";
import { type ApiApp, createOpenApiApp } from "./openapi_app.ts";

/** What the market-data routes read. */
export interface MarketDataDeps {
  readonly store: Pick<PriceStore, "interval" | "values">;
  readonly zones: Pick<ZoneCatalog, "has" | "known" | "list" | "offers">;
  readonly now: () => Date;
}

const MARKET: Readonly<Record<"rt" | "fmm" | "da", Market>> = { rt: "RT", fmm: "FMM", da: "DA" };
const INTERVAL_MS: Readonly<Record<Market, number>> = { RT: 300_000, FMM: 900_000, DA: 3_600_000 };
/** How far ahead `?at=` may point: tomorrow's day-ahead hours are published today. */
const AT_AHEAD_MS = 2 * 86_400_000;

const bad = json(ErrorBody, "A parameter does not validate; the body names it");

const componentsRoute = createRoute({
  method: "get",
  path: "/api/components",
  summary: "Total LMP and its energy, congestion, loss and GHG components of one interval of a zone",
  request: { query: ComponentsQuery },
  responses: { 200: json(ComponentsBody, "The interval, or null when not kept"), 400: bad },
});

const ancillaryRoute = createRoute({
  method: "get",
  path: "/api/ancillary",
  summary:
    "Ancillary-service clearing prices ($/MW) of a Pacific operating day, per region and type: day-ahead hourly or real-time 15-minute",
  request: { query: AncillaryQuery },
  responses: { 200: json(AncillaryBody, "AS prices"), 400: bad },
});

const crrRoute = createRoute({
  method: "get",
  path: "/api/crr",
  summary:
    "CRR auction clearing prices at the nodes of the zones the service prices (or one zone's), newest auction first",
  request: { query: CrrQuery },
  responses: { 200: json(CrrBody, "CRR clearing prices"), 400: bad },
});

/** The operating day `date` (default the one containing `now`), or a 400 naming `date`. */
function dayOf(date: string | undefined, now: Date): { date: string; start: Date; end: Date } {
  const day = date ?? operatingDate(now);
  try {
    return { date: day, ...operatingDay(day) };
  } catch (error) {
    throw new ParameterError("date", (error as Error).message);
  }
}

/** One interval's price and components as `/api/components` answers them. */
function intervalBody(u: PriceUpdate, length: number) {
  return {
    timestamp: u.timestamp,
    end: toIso(new Date(u.ms + length)),
    node: u.node,
    price: u.price,
    revised: u.revised,
    components: {
      energy: u.components.MCE ?? null,
      congestion: u.components.MCC ?? null,
      loss: u.components.MCL ?? null,
      ghg: u.components.MGHG ?? null,
    },
  };
}

/** The `/api/components`, `/api/ancillary` and `/api/crr` sub-app. */
export function createMarketDataApp(deps: MarketDataDeps): ApiApp {
  const api = createOpenApiApp();
  const knownZone = zoneChecker(deps.zones);

  api.openapi(componentsRoute, async (c) => {
    const { type, at } = c.req.valid("query");
    const zone = await knownZone(c.req.valid("query").zone);
    const market = MARKET[type];
    const length = INTERVAL_MS[market];
    let timestamp: string | undefined;
    if (at !== undefined) {
      const ms = Date.parse(at);
      if (ms > deps.now().getTime() + AT_AHEAD_MS) {
        throw new ParameterError("at", `"${at}" is more than 2 days ahead`);
      }
      timestamp = toIso(new Date(Math.floor(ms / length) * length));
    }
    const read = await deps.store.interval(zone, { market, timestamp });
    const interval = read.value === null ? null : intervalBody(read.value, length);
    return c.json({ zone, type, ...(at === undefined ? {} : { at }), stale: read.stale, interval }, 200);
  });

  api.openapi(ancillaryRoute, async (c) => {
    const { market, date } = c.req.valid("query");
    const day = dayOf(date, deps.now());
    const to = new Date(day.end.getTime() - 1);
    const read = await deps.store.values(market === "dam" ? "AS_DAM" : "AS_RTM", { from: day.start, to });
    const range = { from: day.start.toISOString(), to: day.end.toISOString() };
    return c.json({ market, date: day.date, ...range, stale: read.stale, series: asSeries(read.value) }, 200);
  });

  api.openapi(crrRoute, async (c) => {
    const given = c.req.valid("query").zone;
    const only = given === undefined ? undefined : await knownZone(given);
    // Every auction the store keeps (its CRR retention: a monthly auction and the one before).
    const read = await deps.store.values("CRR", {
      from: new Date(deps.now().getTime() - VALUE_RETENTION_MS.CRR),
    });
    // Only the zones the service prices: CRR_CLEARING lists every node of the network.
    const offered = new Set((await deps.zones.list()).filter((z) => deps.zones.offers(z)));
    const zoneOfNode = (node: string) => {
      const zone = zoneOf(node);
      return zone !== undefined && offered.has(zone) && (only === undefined || zone === only)
        ? zone
        : undefined;
    };
    return c.json({ stale: read.stale, auctions: crrAuctions(read.value, zoneOfNode) }, 200);
  });

  return api;
}
