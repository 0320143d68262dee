/**
 * Zod schemas of the REST API's parameters and answers: the same definitions validate requests and generate
 * `GET /api/openapi.json`.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import type { Market } from "../src/store/store.ts";

/**
 * A zone name in a query string, in any case (`SP15` is `sp15`). Its check is the handler's (`knownZone`), so
 * that a refusal lists the known zones, which no static schema message can.
 */
export const ZoneParam = z.string().openapi({
  param: { name: "zone", in: "query" },
  example: "sp15",
  description: "Zone: np15, sp15, zp26 or a configured node's zone (case-insensitive)",
});

/** `?type=`: the market of a series. */
export const TypeParam = z.enum(["rt", "fmm", "da"]).default("rt").openapi({
  param: { name: "type", in: "query" },
  description: "Market: rt (5-minute real-time), fmm (15-minute) or da (hourly day-ahead)",
});

/** The market each `?type=` names. */
export const MARKET_OF_TYPE: Readonly<Record<"rt" | "fmm" | "da", Market>> = {
  rt: "RT",
  fmm: "FMM",
  da: "DA",
};

/** `?format=`: JSON (default) or a CSV file of the same points. */
export const FormatParam = z.enum(["json", "csv"]).default("json").openapi({
  param: { name: "format", in: "query" },
  description: "json (default) or csv: a file with a header line zone,market,timestamp,price",
});

/**
 * A whole number written in plain decimal digits (`^[0-9]+$`), then checked against `[min, max]`: no sign,
 * space, hex (`0x10`), exponent (`1e2`) or fraction, which a plain `Number()` coercion would let through.
 * Digits out of range are refused naming the range.
 */
export function wholeNumber(min: number, max: number) {
  const digits = (v: unknown) => (typeof v === "string" && /^[0-9]+$/.test(v) ? Number(v) : v);
  const range = `from ${min} to ${max}`;
  const quoted = (input: unknown) => JSON.stringify(typeof input === "string" ? input.slice(0, 50) : input);
  return z.preprocess(
    digits,
    z.number({
      error: (issue) =>
        issue.code === "invalid_type"
          ? `${quoted(issue.input)} is not a whole number (digits 0-9 only)`
          : `${issue.input} is not a whole number ${range}`,
    })
      .int()
      .min(min, { error: (issue) => `${issue.input} is not from ${min} to ${max}` })
      .max(max, { error: (issue) => `${issue.input} is not from ${min} to ${max}` }),
  );
}

/** Path parameter of `/api/history/{hours}`. */
export const HoursParam = z.object({
  hours: wholeNumber(1, 720).openapi({
    param: { name: "hours", in: "path" },
    example: 24,
    description: "Hours back from now, 1 to 720",
  }),
});

/** A JSON error answer. */
export const ErrorBody = z.object({
  error: z.string().openapi({ example: 'Invalid parameter "hours": 721 is not from 1 to 720' }),
  parameter: z.string().optional().openapi({ example: "hours" }),
}).openapi("Error");

/** A labelled estimate of a missing RT price (inline, so that OpenAPI 3.0 can mark it nullable). */
export const EstimateBody = z.object({
  value: z.number().openapi({ description: "Estimated price, $/MWh: never a real price" }),
  method: z.enum(["da", "interpolate", "previous_day"]).openapi({
    description:
      "How it was made: da (DA price of its hour), interpolate (between the real RT prices around a short gap) or previous_day (same Pacific wall-clock interval of the previous operating day)",
  }),
  interval_start: z.string().openapi({ description: "Start of the estimated 5-minute interval, UTC" }),
  fallback: z.boolean().openapi({
    description: "True when ESTIMATE_METHOD could not produce a value and the next method in the order did",
  }),
  basis: z.array(z.object({ market: z.enum(["RT", "DA"]), timestamp: z.string(), price: z.number() }))
    .readonly()
    .openapi({ description: "The real prices it was computed from" }),
});

/** How recent one market's newest price is (`src/live/freshness.ts`). */
export const FreshnessBody = z.object({
  newest: z.string().nullable().openapi({ description: "Start of the newest interval (DA: of this hour's)" }),
  age_s: z.number().nullable().openapi({ description: "Seconds since that interval started" }),
  status: z.enum(["fresh", "stale", "missing"]).openapi({
    description:
      "RT/FMM: stale when the newest interval ended more than 3 intervals + 5 min ago; DA: missing without this hour's price, stale from 16:00 Pacific without tomorrow's",
  }),
}).openapi("Freshness");

/** One zone's current prices. */
export const CurrentBody = z.object({
  zone: z.string(),
  rt_price: z.number().nullable(),
  rt_timestamp: z.string().nullable(),
  fmm_price: z.number().nullable(),
  fmm_timestamp: z.string().nullable(),
  da_price: z.number().nullable().openapi({ description: "Day-ahead price of the hour containing now" }),
  da_timestamp: z.string().nullable(),
  spread: z.number().nullable().openapi({ description: "rt_price minus the DA price of its hour" }),
  last_update: z.string().nullable(),
  age_s: z.number().nullable().openapi({ description: "Seconds since the newest RT interval started" }),
  stale: z.boolean().openapi({
    description: "No RT price, or older than STALE_AFTER_S, or store unreachable",
  }),
  store_stale: z.boolean(),
  estimate: EstimateBody.nullable().openapi({
    description:
      "When the RT interval that should be published by now (ESTIMATE_AFTER_S after it ends) has no real price and nothing newer has: an estimate of it, apart from rt_price; otherwise null",
  }),
  markets: z.object({
    rt: FreshnessBody.optional(),
    fmm: FreshnessBody.optional(),
    da: FreshnessBody.optional(),
  })
    .openapi({ description: "Freshness of each market whose dataset is polled" }),
}).openapi("Current");

/** A stored price. */
export const PointBody = z.object({ timestamp: z.string(), ms: z.number(), price: z.number() }).openapi(
  "Point",
);

/** An alert raised or cleared. */
export const AlertBody = z.object({
  id: z.string(),
  kind: z.enum(["high", "negative", "spread"]),
  event: z.enum(["raised", "cleared"]),
  rule: z.string().openapi({ description: "Id of the rule that raised or cleared it" }),
  zone: z.string(),
  node: z.string(),
  market: z.enum(["RT", "FMM"]),
  timestamp: z.string(),
  price: z.number(),
  da_price: z.number().nullable(),
  spread: z.number().nullable(),
  threshold: z.number(),
  message: z.string(),
}).openapi("Alert");

/** A battery signal. */
export const SignalBody = z.object({
  action: z.enum(["charge", "discharge", "hold"]),
  interval_start: z.string(),
  interval_end: z.string(),
  price: z.number(),
  reason: z.string(),
}).openapi("Signal");

/** Response content of a JSON schema. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

/** The 400 answer of a route whose parameter does not validate. */
export const BAD_PARAMETER = json(ErrorBody, "A parameter does not validate; the body names it");
