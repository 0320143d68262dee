/**
 * `/api/history/{hours}?as_of=ISO`: the prices of the window as they were known at `as_of`. An interval
 * whose price was replaced later (a re-poll revision or a CAISO price correction) answers the price in
 * force at `as_of` (the first published one, or the revision made by then), from the store's revision
 * log. An interval that could not have been known at `as_of` is left out: a real-time or 15-minute price
 * before its interval ended, a day-ahead price before 13:00 Pacific the day before its operating day (when
 * CAISO publishes the day-ahead market). Without `as_of` the latest prices are answered.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { operatingDate, pacificMidnight } from "../src/oasis/time.ts";
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
  const known = read.value.filter((p) => earliestKnownMs(market, p.ms) <= asOfMs);
  return {
    value: pricesAsOf(known, revisions.value, asOfMs),
    stale: read.stale || revisions.stale,
    ageMs: Math.max(read.ageMs, revisions.ageMs),
  };
}

const INTERVAL_MS: Readonly<Record<Market, number>> = { RT: 5 * 60_000, FMM: 15 * 60_000, DA: 3_600_000 };

/**
 * The earliest instant the price of the interval starting at `startMs` can have been published: the end of a
 * real-time or 15-minute interval; 13:00 Pacific the day before a day-ahead operating day (11 hours before
 * its midnight: a DST switch happens at 02:00, earlier that day).
 */
export function earliestKnownMs(market: Market, startMs: number): number {
  if (market !== "DA") return startMs + INTERVAL_MS[market];
  return pacificMidnight(operatingDate(new Date(startMs))).getTime() - 11 * 3_600_000;
}
