/**
 * `GET /api/history/{hours}?format=csv`: the same points as the JSON answer, one row each, as a CSV file
 * (`zone,market,timestamp,price`; the dashboard's download writes the same columns). Formatted by
 * `npm:d3-dsv`, so a value is quoted when it needs to be. Bounded like the JSON answer: at most 720 hours.
 *
 * @module
 */
// @deno-types="@types/d3-dsv"
import { csvFormatRows } from "d3-dsv";
import type { SeriesPoint } from "../src/store/store.ts";

/** The CSV header of a price export. */
export const HISTORY_CSV_COLUMNS = ["zone", "market", "timestamp", "price"] as const;

/** The CSV text of `points` of `zone` in `market` (`RT`, `FMM` or `DA`), header first, CRLF-free. */
export function historyCsv(zone: string, market: string, points: readonly SeriesPoint[]): string {
  const rows = points.map((p) => [zone, market, p.timestamp, String(p.price)]);
  return `${csvFormatRows([[...HISTORY_CSV_COLUMNS], ...rows])}\n`;
}

/** The attachment name of an export: `oasis-sp15-rt-24h.csv`. */
export function historyFileName(zone: string, type: string, hours: number): string {
  return `oasis-${zone}-${type}-${hours}h.csv`;
}
