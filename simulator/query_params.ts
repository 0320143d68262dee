/**
 * Reads the parameters common to SingleZip and GroupZip requests and checks them the way OASIS does,
 * answering with the OASIS error code on failure: bad or missing datetime → 1002, missing or unknown
 * version → 1020, unknown result format → 1001.
 *
 * @module
 */
import { parseOasisDateTime } from "../src/oasis/time.ts";

/** Output format: CSV (`resultformat=6`) or XML (no `resultformat`, or `resultformat=5`). */
export type SimFormat = "csv" | "xml";

/** A parameter check that failed, with the OASIS error code to answer. */
export interface ParamError {
  /** Discriminant. */
  readonly error: number;
}

/** Case-insensitive view of the query string (OASIS accepts `queryName` as well as `queryname`). */
export function lowerCaseParams(search: URLSearchParams): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of search) out.set(k.toLowerCase(), v.trim());
  return out;
}

/** The instant in `name` (`YYYYMMDDTHH:MM-0000`), or error 1002. */
export function readDateTime(params: Map<string, string>, name: string): Date | ParamError {
  const text = params.get(name);
  const instant = text ? parseOasisDateTime(text) : undefined;
  return instant ?? { error: 1002 };
}

/** The integer `version` between 1 and `latest`, or error 1020. */
export function readVersion(params: Map<string, string>, latest: number): number | ParamError {
  const text = params.get("version") ?? "";
  const version = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  return version >= 1 && version <= latest ? version : { error: 1020 };
}

/** The requested output format, or error 1001. */
export function readFormat(params: Map<string, string>): SimFormat | ParamError {
  const text = params.get("resultformat");
  if (text === undefined || text === "" || text === "5") return "xml";
  return text === "6" ? "csv" : { error: 1001 };
}

/** Whether a reader returned an error. */
export function isParamError(value: unknown): value is ParamError {
  return typeof value === "object" && value !== null && "error" in value;
}
