/**
 * `GET /api/gaps?dataset=&from=&to=`: missing intervals per dataset and node against the expected interval
 * grid (23-, 24- and 25-hour operating days included): LMP from the hot store, AS per (region, type) pair
 * from the record of what reached Bronze (kept `DELIVERED_TTL_MS`; the grid starts no earlier), CRR per node,
 * auction period and time of use from the CRR clearing prices the hot store keeps (`VALUE_RETENTION_MS`;
 * see `src/jobs/crr_completeness.ts` for what a complete CRR day is). `dataset` is one configured dataset
 * (default: every configured one); `from` and `to` are Pacific operating days `YYYY-MM-DD` (inclusive) or
 * ISO-8601 instants (default: today's operating day). The grid ends at the newest interval that
 * can exist (the last ended real-time interval; the end of today for day-ahead) and starts no earlier than
 * the store's retention; a date or instant outside what OASIS keeps (about 39 months back to tomorrow), or a
 * range that ends before the store's retention of every dataset asked for, answers 400. The route is a
 * `createRoute` definition (documented in `/api/openapi.json`); a bad parameter throws `ParameterError`
 * (400 with `{ error, parameter }`). Mount with `app.route("/", createGapsRoutes(deps))`.
 *
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { DELIVERED_TTL_MS, findDeliveredGaps } from "../src/jobs/delivered_intervals.ts";
import { findCrrGaps, findGaps, GAP_DATASETS } from "../src/jobs/gaps.ts";
import { newestEnd } from "../src/jobs/watermark.ts";
import { type DatasetName, DATASETS, isDatasetName } from "../src/oasis/datasets.ts";
import { nextDate, operatingDate, pacificMidnight, toIso } from "../src/oasis/time.ts";
import type { NodeSelection } from "../src/oasis/windows.ts";
import type { Coordination } from "../src/coordination/coordination.ts";
import { VALUE_RETENTION_MS } from "../src/store/market_values.ts";
import { MARKET_OF_DATASET } from "../src/store/price_points.ts";
import type { Market, PriceStore } from "../src/store/store.ts";
import { ErrorBody, json } from "./api_schemas.ts";
import { checkDate, checkInstant } from "./date_window.ts";
import { ParameterError } from "./errors.ts";
import { type ApiApp, createOpenApiApp } from "./openapi_app.ts";

/** What the gaps route reads. */
export interface GapsDeps {
  /** The hot store; without `values` (the CRR clearing prices) CRR is not offered. */
  readonly store: Pick<PriceStore, "history" | "zones"> & Partial<Pick<PriceStore, "values">>;
  /** The configured node selection (a list: those nodes; a group: every zone in the store). */
  readonly nodes: NodeSelection;
  /** The configured datasets. */
  readonly datasets: readonly DatasetName[];
  /** Days kept per market (`StoreConfig.retentionDays`); the grid starts no earlier. */
  readonly retentionDays?: Readonly<Record<Market, number>>;
  /** The job coordination, holding what reached Bronze of the AS datasets (without it they are not offered). */
  readonly coordination?: Pick<Coordination, "digests">;
  readonly now?: () => Date;
}

/** Longest range one request may ask for. */
export const MAX_GAP_RANGE_DAYS = 31;
const DAY_MS = 86_400_000;

const edge = (name: "from" | "to", description: string) =>
  z.string().optional().openapi({
    param: { name, in: "query" },
    example: "2026-07-01",
    description: `${description}: a Pacific operating date YYYY-MM-DD (inclusive) or an ISO-8601 instant; ` +
      "default today. Within about 39 months back to tomorrow",
  });

const GapRangeBody = z.object({
  start: z.string(),
  end: z.string(),
  intervals: z.number().openapi({ description: "Intervals missing; CRR: 1 (one auction period)" }),
  auction: z.string().nullable().optional().openapi({
    description: "CRR only: the auction's market name, null when no auction was seen for this month",
  }),
  term: z.string().optional().openapi({ description: "CRR only: the auction's market term" }),
  time_of_use: z.string().optional().openapi({ description: "CRR only: the time of use missing" }),
});

/** Answer of `GET /api/gaps`. */
export const GapsBody = z.object({
  generated_at: z.string(),
  from: z.string(),
  to: z.string(),
  stale: z.boolean(),
  datasets: z.array(z.object({
    dataset: z.string(),
    source: z.enum(["store", "bronze_deliveries", "store_values"]).openapi({
      description:
        "store: LMP prices in the hot store; bronze_deliveries: the AS (region, type) pairs that " +
        "reached Bronze; store_values: the CRR clearing prices the hot store keeps (per auction period " +
        "and time of use, no interval grid)",
    }),
    market: z.enum(["RT", "FMM", "DA"]).optional().openapi({ description: "Absent for CRR" }),
    interval_minutes: z.number().optional().openapi({ description: "Absent for CRR" }),
    from: z.string().openapi({ description: "Start of the grid checked: the range cut to the retention" }),
    to: z.string().openapi({ description: "End of the grid checked: the range cut to the newest interval" }),
    nodes: z.array(z.object({
      node: z.string().openapi({
        description:
          "Node (LMP, CRR) or AS region; `*` when no AS row reached Bronze or no CRR price is kept",
      }),
      zone: z.string().optional().openapi({ description: "Zone of the node (LMP only)" }),
      component: z.string().optional().openapi({ description: "AS type (AS only)" }),
      expected: z.number().openapi({
        description: "Intervals expected; CRR: auction periods × times of use",
      }),
      present: z.number(),
      missing: z.number(),
      gaps: z.array(GapRangeBody).readonly(),
    })).readonly(),
  })),
}).openapi("Gaps");

const gapsRoute = createRoute({
  method: "get",
  path: "/api/gaps",
  summary: "Missing intervals per dataset and node (AS: region and type) against the expected interval grid",
  request: {
    query: z.object({
      dataset: z.string().optional().openapi({
        param: { name: "dataset", in: "query" },
        enum: [...GAP_DATASETS],
        description: "One configured dataset; default every configured one",
      }),
      from: edge("from", "Start"),
      to: edge("to", "End"),
    }),
  },
  responses: {
    200: json(GapsBody, "Gaps per dataset and node"),
    400: json(ErrorBody, "A parameter does not validate; the body names it"),
  },
});

/** Market of each AS dataset (the hot store's markets name the LMP ones). */
const AS_MARKET: Partial<Record<DatasetName, Market>> = { as_dam: "DA", as_fmm: "FMM", as_rtm: "RT" };
const marketOf = (d: DatasetName): Market | undefined => MARKET_OF_DATASET[d] ?? AS_MARKET[d];
const span = (from: Date, to: Date) => ({ from: toIso(from), to: toIso(to), nodes: [] as never[] });

function instant(name: "from" | "to", text: string, end: boolean, now: Date): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const date = checkDate(name, text, now);
    return pacificMidnight(end ? nextDate(date) : date);
  }
  const ms = /T/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new ParameterError(name, `"${text}" is not YYYY-MM-DD or an ISO-8601 instant`);
  return checkInstant(name, new Date(ms), now);
}

/** The Hono sub-app serving `GET /api/gaps`. */
export function createGapsRoutes(deps: GapsDeps): ApiApp {
  const app = createOpenApiApp();
  const now = deps.now ?? (() => new Date());
  app.openapi(gapsRoute, async (c) => {
    const at = now();
    const { from, to, selected } = gapsRequest(deps, c.req.valid("query"), at);
    const datasets = [];
    let stale = false;
    for (const d of selected) {
      const found = await datasetGaps(deps, d, { from, to }, at);
      stale ||= found.stale;
      datasets.push(found.value);
    }
    return c.json({ generated_at: toIso(at), from: toIso(from), to: toIso(to), stale, datasets }, 200);
  });
  return app;
}

/** The query of `GET /api/gaps`, as validated by its schema. */
type GapsQuery = { readonly dataset?: string; readonly from?: string; readonly to?: string };

/** The range and datasets a request asks for; a `ParameterError` names the first parameter that is wrong. */
function gapsRequest(
  deps: GapsDeps,
  query: GapsQuery,
  at: Date,
): { from: Date; to: Date; selected: DatasetName[] } {
  const q = (name: keyof GapsQuery) => {
    const text = query[name]?.trim();
    if (text === "") throw new ParameterError(name, "is empty; leave it out for the default");
    return text;
  };
  const offered = deps.datasets.filter((d) =>
    GAP_DATASETS.includes(d) && (AS_MARKET[d] === undefined || deps.coordination !== undefined) &&
    (d !== "crr" || deps.store.values !== undefined)
  );
  const dataset = q("dataset");
  if (dataset !== undefined && (!isDatasetName(dataset) || !offered.includes(dataset))) {
    throw new ParameterError(
      "dataset",
      `"${dataset}" is not one of ${offered.join(", ") || "(none configured)"}`,
    );
  }
  const from = instant("from", q("from") ?? operatingDate(at), false, at);
  const to = instant("to", q("to") ?? operatingDate(at), true, at);
  if (from >= to) throw new ParameterError("from", `${toIso(from)} is not before "to" (${toIso(to)})`);
  if (to.getTime() - from.getTime() > MAX_GAP_RANGE_DAYS * DAY_MS) {
    throw new ParameterError("to", `the range is longer than ${MAX_GAP_RANGE_DAYS} days`);
  }
  const selected = dataset === undefined ? offered : [dataset as DatasetName];
  const oldestKept = Math.min(...selected.map((d) => keptSince(deps, d, at)));
  if (selected.length > 0 && to.getTime() <= oldestKept) {
    throw new ParameterError(
      "to",
      `the range ends at ${toIso(to)}, before the store's retention (the oldest prices it keeps start ` +
        `at ${toIso(new Date(oldestKept))})`,
    );
  }
  return { from, to, selected };
}

/** Epoch ms of the oldest interval of `d` still kept: the store's retention, or the Bronze record's. */
function keptSince(deps: GapsDeps, d: DatasetName, at: Date): number {
  if (d === "crr") return at.getTime() - VALUE_RETENTION_MS.CRR;
  if (AS_MARKET[d] !== undefined) return at.getTime() - DELIVERED_TTL_MS;
  const market = MARKET_OF_DATASET[d];
  return deps.retentionDays && market ? at.getTime() - deps.retentionDays[market] * DAY_MS : -Infinity;
}

/** The gaps of one dataset over `asked`, cut to what is kept and to the newest interval that can exist. */
async function datasetGaps(deps: GapsDeps, d: DatasetName, asked: { from: Date; to: Date }, at: Date) {
  const market = marketOf(d);
  const until = market === "DA" || market === undefined
    ? pacificMidnight(nextDate(operatingDate(at)))
    : newestEnd(DATASETS[d], at);
  const start = new Date(Math.max(asked.from.getTime(), keptSince(deps, d, at)));
  const end = new Date(Math.min(asked.to.getTime(), until.getTime()));
  const range = { from: start, to: end < start ? start : end };
  if (market === undefined) return await crrDatasetGaps(deps, range, new Date(keptSince(deps, d, at)));
  if (AS_MARKET[d] !== undefined) {
    const nodes = await findDeliveredGaps(deps.coordination!, d, range);
    const head = { dataset: d, source: "bronze_deliveries" as const, market };
    const value = {
      ...head,
      interval_minutes: DATASETS[d].intervalMinutes,
      ...span(range.from, range.to),
      nodes,
    };
    return { value, stale: false };
  }
  const found = await findGaps(deps, d, range);
  return { value: { source: "store" as const, ...found.value }, stale: found.stale };
}

/** The CRR entry: per node, the auction periods and times of use missing (see `crr_completeness.ts`). */
async function crrDatasetGaps(deps: GapsDeps, range: { from: Date; to: Date }, since: Date) {
  const store = { values: deps.store.values!.bind(deps.store) };
  const found = await findCrrGaps({ store, nodes: deps.nodes }, range, since);
  const nodes = found.value.map((n) => ({
    ...n,
    gaps: n.gaps.map((g) => ({
      start: g.start,
      end: g.end,
      intervals: 1,
      auction: g.auction,
      term: g.term,
      time_of_use: g.time_of_use,
    })),
  }));
  const value = {
    dataset: "crr" as const,
    source: "store_values" as const,
    ...span(range.from, range.to),
    nodes,
  };
  return { value, stale: found.stale };
}
