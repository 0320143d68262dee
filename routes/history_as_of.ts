/**
 * `/api/history/{hours}?as_of=ISO`: the prices of the window as they were known at `as_of`. An interval
 * whose price was replaced later (a re-poll revision or a CAISO price correction) answers the price in
 * force at `as_of` (the first published one, or the revision made by then), from the store's revision
 * log. Without `as_of` the latest prices are answered.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { pricesAsOf } from "../src/store/revision_log.ts";
import type { Market, PriceStore, SeriesPoint, StoreRead, TimeRange } from "../src/store/store.ts";
import { ParameterError } from "./errors.ts";

/** `?as_of=`: an ISO-8601 instant, not after now. */
export const AsOfParam = z.iso.datetime({ offset: true }).optional().openapi({
  param: { name: "as_of", in: "query" },
  example: "2026-07-01T12:00:00Z",
  description:
    "ISO-8601 instant, not in the future: the prices as known then (a price revised or corrected later answers its value at that time); default: the latest",
});

/** The stored points of `range`, as known at `asOf` when given. Throws `ParameterError` for a future `asOf`. */
export async function historyAsOf(
  store: Pick<PriceStore, "history" | "revisions">,
  zone: string,
  market: Market,
  range: TimeRange,
  asOf: string | undefined,
  now: Date,
): Promise<StoreRead<SeriesPoint[]>> {
  const read = await store.history(zone, market, range);
  if (asOf === undefined) return read;
  const asOfMs = Date.parse(asOf);
  if (asOfMs > now.getTime()) {
    throw new ParameterError("as_of", `"${asOf}" is in the future`);
  }
  const revisions = await store.revisions(zone, market, range);
  return {
    value: pricesAsOf(read.value, revisions.value, asOfMs),
    stale: read.stale || revisions.stale,
    ageMs: Math.max(read.ageMs, revisions.ageMs),
  };
}
