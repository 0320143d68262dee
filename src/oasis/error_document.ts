/**
 * Recognizes OASIS in-band error documents (`<m:OASISReport>…<m:ERROR><m:ERR_CODE>`), which OASIS sends
 * with HTTP 200 inside a normal-looking zip. Small documents, parsed with fast-xml-parser.
 *
 * @module
 */
import { XMLParser } from "fast-xml-parser";

/** An OASIS error: its code and description. */
export interface OasisErrorDocument {
  /** OASIS `ERR_CODE` (1000 = no data). */
  readonly code: number;
  /** OASIS `ERR_DESC`. */
  readonly description: string;
}

const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, trimValues: true });

/** Cheap check on the first bytes: does this XML text contain an `ERR_CODE` element? */
export function mayBeErrorDocument(text: string): boolean {
  const head = text.length > 4096 ? text.slice(0, 4096) : text;
  return head.includes("ERR_CODE>");
}

/**
 * Parses an OASIS error document; `undefined` when `text` is not one (a data report, other XML).
 * Throws `SyntaxError` only if the text claims an error but cannot be read.
 */
export function parseErrorDocument(text: string): OasisErrorDocument | undefined {
  if (!mayBeErrorDocument(text)) return undefined;
  const doc = parser.parse(text) as Record<string, unknown>;
  const error = findKey(doc, "ERROR", 0) as Record<string, unknown> | undefined;
  if (!error || typeof error !== "object") return undefined;
  const code = Number(String(error["ERR_CODE"] ?? "").trim());
  if (!Number.isInteger(code)) throw new SyntaxError(`Cannot read OASIS error document: bad ERR_CODE`);
  return { code, description: String(error["ERR_DESC"] ?? "").trim() };
}

function findKey(node: unknown, key: string, depth: number): unknown {
  if (depth > 8 || node === null || typeof node !== "object") return undefined;
  const record = node as Record<string, unknown>;
  if (key in record) return record[key];
  for (const value of Object.values(record)) {
    const found = findKey(value, key, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
