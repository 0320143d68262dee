/**
 * Builds SingleZip request URLs from a planned window.
 *
 * @module
 */
import type { RequestWindow } from "./windows.ts";
import { formatOasisDateTime } from "./time.ts";

/** The public OASIS endpoint. */
export const OASIS_BASE_URL = "https://oasis.caiso.com/oasisapi/SingleZip";

/** Result format requested from OASIS: CSV (`resultformat=6`, the default) or XML. */
export type ResultFormat = "csv" | "xml";

/** The SingleZip URL for `window`, in the parameter order gridstatus uses. */
export function buildUrl(baseUrl: string, window: RequestWindow, format: ResultFormat = "csv"): string {
  const q = window.query;
  const params = new URLSearchParams();
  if (format === "csv") params.set("resultformat", "6");
  params.set("queryname", q.queryName);
  params.set("version", String(q.version));
  if (q.marketRunId) params.set("market_run_id", q.marketRunId);
  for (const [k, v] of Object.entries(q.params)) params.set(k, v);
  if (window.grpType) params.set("grp_type", window.grpType);
  else if (window.nodes) params.set("node", window.nodes.join(","));
  params.set("startdatetime", formatOasisDateTime(window.start));
  params.set("enddatetime", formatOasisDateTime(window.end));
  // OASIS expects literal ':' and ',' in these values; URLSearchParams encodes them, which OASIS accepts,
  // but the readable form matches every published example and keeps logs greppable.
  const query = params.toString().replaceAll("%3A", ":").replaceAll("%2C", ",");
  return `${baseUrl}?${query}`;
}
