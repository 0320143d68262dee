/**
 * Recognizes OASIS in-band error documents (`<m:OASISReport>…<m:ERROR><m:ERR_CODE>`), which OASIS sends
 * with HTTP 200 inside a normal-looking zip. Read with the same streaming reader as the data reports
 * (`xml_stream.ts`), by local name, leniently: a document cut short still gives its code when the code came.
 *
 * @module
 */
import { streamXml } from "./xml_stream.ts";

/** An OASIS error: its code and description. */
export interface OasisErrorDocument {
  /** OASIS `ERR_CODE` (1000 = no data). */
  readonly code: number;
  /** OASIS `ERR_DESC`. */
  readonly description: string;
}

/** Cheap check on the first bytes: does this XML text contain an `ERR_CODE` element? */
export function mayBeErrorDocument(text: string): boolean {
  const head = text.length > 4096 ? text.slice(0, 4096) : text;
  return head.includes("ERR_CODE>");
}

/** The texts of the first `ERROR` element's children, by local name, and the first syntax error met. */
function errorFields(text: string): { fields?: Map<string, string>; failure?: Error } {
  let fields: Map<string, string> | undefined;
  let depth = 0; // inside the first ERROR: 1 = ERROR itself, 2 = one of its children
  let field: string | undefined;
  const failure = streamXml(text, {
    open: (name) => {
      if (depth > 0) depth++;
      else if (!fields && name === "ERROR") [depth, fields] = [1, new Map()];
      field = depth === 2 ? name : undefined;
      if (field !== undefined) fields!.set(field, "");
    },
    text: (t) => {
      if (field !== undefined) fields!.set(field, fields!.get(field)! + t);
    },
    close: () => {
      if (depth > 0) depth--;
      field = undefined;
    },
  }, { lenient: true });
  return { fields, failure };
}

/**
 * Parses an OASIS error document; `undefined` when `text` is not one (a data report, other XML).
 * Throws `SyntaxError` only if the text claims an error but cannot be read.
 */
export function parseErrorDocument(text: string): OasisErrorDocument | undefined {
  if (!mayBeErrorDocument(text)) return undefined;
  const { fields, failure } = errorFields(text);
  if (!fields) {
    if (failure) {
      throw new SyntaxError(`Cannot read OASIS error document: ${failure.message}`, { cause: failure });
    }
    return undefined;
  }
  const code = Number((fields.get("ERR_CODE") ?? "").trim());
  if (!Number.isInteger(code)) throw new SyntaxError(`Cannot read OASIS error document: bad ERR_CODE`);
  return { code, description: (fields.get("ERR_DESC") ?? "").trim() };
}
