/**
 * Zod schemas of the arbitrage routes: their query parameters (numbers are checked for syntax and against
 * their physical bounds here, with the battery's own messages, and the bounds are documented; the battery's
 * consistency and the live `soc` are checked by `arbitrage_query.ts`) and
 * their answers, which generate `/api/arbitrage*` in `GET /api/openapi.json`.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { BATTERY_BOUNDS, BatteryParamError, checkBatteryParam } from "../src/analytics/battery.ts";
import { parseNumber } from "../src/analytics/battery_params.ts";
import { ErrorBody, json } from "./api_schemas.ts";
import { MARKETS } from "./arbitrage_query.ts";

type NumberDoc = {
  readonly description: string;
  readonly example?: number;
  readonly integer?: boolean;
  /** Inclusive bounds, checked here and documented (a battery parameter has its `BATTERY_BOUNDS`). */
  readonly bounds?: { readonly min: number; readonly max: number };
};

/** A decimal number, spaces around it allowed: no hex (`0x10`), `Infinity` or `NaN`. */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
/** A whole number in plain decimal digits, as `wholeNumber` of `api_schemas.ts` takes it. */
const DIGITS = /^[0-9]+$/;

/** An optional number in the query: a finite decimal (then `parseNumber`, as the battery CLI reads it). */
function numberParam(name: string, doc: NumberDoc) {
  const bounds = doc.bounds ?? BATTERY_BOUNDS[name];
  return z.string().optional().superRefine((text, ctx) => {
    if (text === undefined) return;
    if (!(doc.integer ? DIGITS : DECIMAL).test(text)) {
      const what = doc.integer ? "a whole number (digits 0-9 only)" : "a number (decimal, like 1.5 or 2e3)";
      ctx.addIssue({ code: "custom", message: `${JSON.stringify(text)} is not ${what}` });
      return;
    }
    let n: number;
    try {
      n = parseNumber(name, text);
      checkBatteryParam(name, n);
    } catch (e) {
      if (!(e instanceof BatteryParamError)) throw e;
      ctx.addIssue({ code: "custom", message: e.message });
      return;
    }
    if (bounds !== undefined && !(n >= bounds.min && n <= bounds.max)) {
      const what = doc.integer ? "a whole number" : "a number";
      ctx.addIssue({ code: "custom", message: `${n} is not ${what} from ${bounds.min} to ${bounds.max}` });
    }
  }).openapi({
    param: { name, in: "query" },
    type: doc.integer ? "integer" : "number",
    description: doc.description,
    ...(doc.example === undefined ? {} : { example: doc.example }),
    ...(bounds === undefined ? {} : { minimum: bounds.min, maximum: bounds.max }),
  });
}

/** The battery's parameters (`battery_params.ts` names), all optional: 1 MW and 4 MWh by default. */
const BATTERY_QUERY = {
  power_mw: numberParam("power_mw", {
    description: "Grid-side power, MW (default 1)",
    example: 1,
  }),
  charge_mw: numberParam("charge_mw", { description: "Charge limit, MW (overrides power_mw)" }),
  discharge_mw: numberParam("discharge_mw", { description: "Discharge limit, MW (overrides power_mw)" }),
  energy_mwh: numberParam("energy_mwh", {
    description: "Energy capacity, MWh (default 4)",
    example: 4,
  }),
  duration_h: numberParam("duration_h", {
    description: "Hours at full discharge power, instead of energy (the energy it implies is bounded too)",
  }),
  soc_min: numberParam("soc_min", {
    description: "Lowest usable charge, fraction (default 0); soc_max − soc_min at least 0.01",
  }),
  soc_max: numberParam("soc_max", { description: "Highest usable charge, fraction (default 1)" }),
  rte: numberParam("rte", { description: "Round-trip efficiency (default 0.85)" }),
  charge_efficiency: numberParam("charge_efficiency", { description: "Charge efficiency (with discharge)" }),
  discharge_efficiency: numberParam("discharge_efficiency", { description: "Discharge efficiency" }),
  standing_loss: numberParam("standing_loss", { description: "Fraction lost per hour (default 0)" }),
  cycles: numberParam("cycles", { description: "Most equivalent full cycles per day (default 1)" }),
  degradation: numberParam("degradation", { description: "Cost per MWh discharged, $ (default 0)" }),
  initial_soc: numberParam("initial_soc", {
    description: "Stored energy at the start, MWh, within the usable band (default empty)",
  }),
  end: z.string().optional().openapi({
    param: { name: "end", in: "query" },
    enum: ["initial", "free"],
    description: "End-of-day rule: initial (end at least as charged as it started, default) or free",
  }),
};

const dateParam = z.string().optional().openapi({
  param: { name: "date", in: "query" },
  format: "date",
  example: "2026-07-01",
  description: "Pacific operating date YYYY-MM-DD, from about 39 months ago to tomorrow; default today",
});
const nParam = numberParam("n", {
  description: "N of the TB-N strategy; default the battery's duration in whole hours",
  integer: true,
  bounds: { min: 1, max: 12 },
});
const socParam = numberParam("soc", {
  description: "Stored energy now, MWh, within the usable band: the start of today's live remaining value",
});

/** Query of `GET /api/arbitrage`. */
export const ArbitrageQuery = z.object({
  zone: z.string().openapi({
    param: { name: "zone", in: "query" },
    example: "sp15",
    description: "A zone with prices in the store",
  }),
  date: dateParam,
  market: z.string().optional().openapi({
    param: { name: "market", in: "query" },
    enum: [...MARKETS],
    description: "Market valued: da (default), fmm, rt or two-settlement (DA schedule, RT deviations)",
  }),
  n: nParam,
  soc: socParam,
  ...BATTERY_QUERY,
});

/** Query of `GET /api/arbitrage/summary`. */
export const SummaryQuery = z.object({ date: dateParam, n: nParam, soc: socParam, ...BATTERY_QUERY });

const BatteryBody = z.object({
  charge_mw: z.number(),
  discharge_mw: z.number(),
  energy_mwh: z.number(),
  soc_min_mwh: z.number(),
  soc_max_mwh: z.number(),
  rte: z.number(),
  charge_efficiency: z.number(),
  discharge_efficiency: z.number(),
  standing_loss: z.number(),
  cycles: z.number(),
  degradation: z.number(),
  initial_soc_mwh: z.number(),
  end: z.enum(["initial", "free"]),
}).openapi("Battery");

const ScheduleRowBody = z.object({
  interval_start: z.string(),
  action: z.enum(["charge", "discharge", "idle"]),
  mw: z.number().openapi({ description: "Grid-side MW: positive when discharging, negative when charging" }),
  soc_mwh: z.number(),
  price: z.number().nullable(),
}).openapi("ScheduleRow");

const SpreadBody = z.object({ n: z.number(), spread: z.number().nullable(), adjusted: z.number().nullable() })
  .openapi("TbSpread");

const CaptureBody = z.object({
  strategy: z.string(),
  value_usd: z.number(),
  capture_rate: z.number().nullable(),
}).openapi("Capture");

const LiveBody = z.object({
  from: z.string(),
  soc_mwh: z.number(),
  remaining_value_usd: z.number().nullable(),
  remaining_intervals: z.number(),
  day_value_usd: z.number().nullable(),
  schedule: z.array(ScheduleRowBody),
  note: z.string().optional(),
});

/** Answer of `GET /api/arbitrage`. */
export const ArbitrageBody = z.object({
  zone: z.string(),
  date: z.string(),
  hours: z.number(),
  generated_at: z.string(),
  stale: z.boolean(),
  battery: BatteryBody,
  market: z.enum(["da", "fmm", "rt", "two-settlement"]),
  intervals: z.object({ known: z.number(), expected: z.number() }),
  value_usd: z.number(),
  charged_mwh: z.number(),
  discharged_mwh: z.number(),
  cycles: z.number(),
  negative_price_charge_hours: z.number(),
  schedule: z.array(ScheduleRowBody),
  value_usd_per_mw_day: z.number(),
  cycle_limit: z.number(),
  optimality: z.object({
    method: z.enum(["lp", "milp"]),
    bound_usd: z.number(),
    cycle_price: z.number(),
  }),
  spreads: z.object({ da: z.array(SpreadBody), rt: z.array(SpreadBody) }),
  capture: z.array(CaptureBody),
  two_settlement: z.object({
    value_usd: z.number(),
    da_value_usd: z.number(),
    deviation_value_usd: z.number(),
    degradation_usd: z.number(),
    rows: z.array(z.object({
      interval_start: z.string(),
      da_mw: z.number(),
      rt_mw: z.number(),
      deviation_mw: z.number(),
      da_price: z.number().nullable(),
      rt_price: z.number().nullable(),
    })),
  }).optional().openapi({ description: "With market=two-settlement" }),
  live: LiveBody.optional().openapi({ description: "For today: the live remaining value" }),
}).openapi("Arbitrage");

const BriefBody = z.object({ value_usd: z.number(), value_usd_per_mw_day: z.number() }).nullable();

/** One zone's line of the summary. */
export const ZoneSummaryBody = z.object({
  zone: z.string(),
  da: BriefBody,
  rt: BriefBody,
  rt_intervals: z.object({ known: z.number(), expected: z.number() }),
  tb4: z.object({ da: SpreadBody.nullable(), rt: SpreadBody.nullable() }),
  capture: z.array(CaptureBody),
  live: z.object({
    from: z.string(),
    soc_mwh: z.number(),
    remaining_value_usd: z.number().nullable(),
    day_value_usd: z.number().nullable(),
    note: z.string().optional(),
  }).nullable(),
}).openapi("ZoneSummary");

/** Answer of `GET /api/arbitrage/summary`. */
export const SummaryBody = z.object({
  date: z.string(),
  hours: z.number(),
  from: z.string(),
  to: z.string(),
  generated_at: z.string(),
  stale: z.boolean(),
  battery: BatteryBody,
  strategy_hours: z.number(),
  zones: z.array(ZoneSummaryBody),
}).openapi("ArbitrageSummary");

/** The error answers of both routes. */
export const ARBITRAGE_ERRORS = {
  400: json(ErrorBody, "A parameter does not validate; the body names it"),
  404: json(ErrorBody, "No prices for the day"),
  422: json(ErrorBody, "No schedule meets the battery's limits"),
  503: json(ErrorBody, "The computation passed its deadline (ANALYTICS_DEADLINE_MS), or too many wait"),
} as const;
