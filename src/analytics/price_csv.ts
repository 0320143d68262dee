/**
 * A user's price file for the arbitrage CLI: CSV with the columns `interval_start,price` (UTC ISO-8601
 * timestamps; a timestamp without a zone is read as UTC). The interval length is inferred as the smallest
 * step between consecutive timestamps; it must be whole minutes dividing an hour, every timestamp must sit on
 * that grid, and missing intervals become unknown prices (the battery stands by there).
 *
 * @module
 */
import { readCsvRows } from "../oasis/csv_rows.ts";
import type { PriceSeries } from "./price_series.ts";

/** A price file that cannot be used; the message names the line and the value. */
export class PriceCsvError extends SyntaxError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PriceCsvError";
  }
}

/** Longest horizon a file may cover, days. */
export const MAX_CSV_DAYS = 31;

const ZONE_RE = /(Z|[+-]\d{2}:?\d{2})$/i;

function instant(text: string, line: number): number {
  const trimmed = text.trim();
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(trimmed)
    ? Date.parse(ZONE_RE.test(trimmed) ? trimmed : `${trimmed}Z`)
    : NaN;
  if (Number.isNaN(ms)) throw new PriceCsvError(`Line ${line}: "${text}" is not an ISO-8601 timestamp`);
  return ms;
}

/** Parses the text of a price file into a series. */
export function parsePriceCsv(text: string): PriceSeries {
  const records = readCsvRows(text).map((row) => row.map((cell) => cell.trim()))
    .filter((row) => row.length > 1 || row[0] !== "");
  const header = (records[0] ?? []).map((h) => h.toLowerCase());
  const at = header.indexOf("interval_start");
  const pr = header.indexOf("price");
  if (at < 0 || pr < 0) {
    throw new PriceCsvError(
      `Line 1: expected the columns "interval_start,price", found "${header.join(",")}"`,
    );
  }
  const points = records.slice(1).map((row, k) => {
    const line = k + 2;
    const price = Number(row[pr]?.trim() ?? "");
    if (row[pr] === undefined || row[pr]!.trim() === "" || !Number.isFinite(price)) {
      throw new PriceCsvError(`Line ${line}: "${row[pr] ?? ""}" is not a price`);
    }
    return { ms: instant(row[at] ?? "", line), price, line };
  });
  if (points.length === 0) throw new PriceCsvError("The file has no prices");
  points.sort((a, b) => a.ms - b.ms);
  let step = Infinity;
  for (let i = 1; i < points.length; i++) {
    const gap = points[i]!.ms - points[i - 1]!.ms;
    if (gap === 0) {
      throw new PriceCsvError(`Line ${points[i]!.line}: interval ${iso(points[i]!.ms)} appears twice`);
    }
    step = Math.min(step, gap);
  }
  if (step === Infinity) step = 3_600_000;
  const minutes = step / 60_000;
  if (!Number.isInteger(minutes) || minutes < 1 || 60 % minutes !== 0) {
    throw new PriceCsvError(`The interval length ${minutes} minutes does not divide an hour`);
  }
  const first = points[0]!.ms;
  for (const p of points) {
    if ((p.ms - first) % step !== 0) {
      throw new PriceCsvError(
        `Line ${p.line}: ${iso(p.ms)} is not on the ${minutes}-minute grid from ${iso(first)}`,
      );
    }
  }
  const count = (points[points.length - 1]!.ms - first) / step + 1;
  if (count * minutes > MAX_CSV_DAYS * 1440) {
    throw new PriceCsvError(`The file spans more than ${MAX_CSV_DAYS} days`);
  }
  const prices: (number | null)[] = new Array(count).fill(null);
  for (const p of points) prices[(p.ms - first) / step] = p.price;
  return { startMs: first, intervalMinutes: minutes, prices };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + "Z";
}
