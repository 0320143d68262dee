/**
 * Parses a downloaded OASIS file in chunks for `deno task parse`, so that a one-day all-nodes zip (31.9 MB
 * of CSV, 162,848 rows) never has all its rows, or its whole text, in memory at once: members are unzipped
 * one at a time, and a CSV member is decoded and parsed a slice of lines at a time under its header. Each
 * chunk is what `parseMembers` gives for those lines, with row numbers counted from the member's start, so
 * the chunks together equal `parseFile`'s result. Pure: bytes in, results out.
 *
 * @module
 */
import { unzipSync } from "fflate";
import { OasisParseError } from "./errors.ts";
import { type ParseContext, parseMembers } from "./parse.ts";
import type { ParseResult } from "./row.ts";
import { looksLikeZip, unzipMembers, type ZipMember } from "./unzip.ts";

/** Lines per chunk of a CSV member (default of `parseFileChunks`). */
export const CHUNK_LINES = 5_000;

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const decoder = new TextDecoder("utf-8");

/** The members of a zip, unzipped one at a time (names first, then each member's bytes on its turn). */
function* zipMembers(bytes: Uint8Array, fileName: string): Generator<ZipMember> {
  const names: string[] = [];
  try {
    unzipSync(bytes, { filter: (f) => (names.push(f.name), false) });
  } catch (cause) {
    // The full read names the problem exactly as `parseFile` would.
    unzipMembers(bytes, fileName);
    throw cause;
  }
  const files = names.filter((n) => !n.endsWith("/"));
  if (files.length === 0) yield* unzipMembers(bytes, fileName); // throws: no files
  for (const name of files) {
    const data = unzipSync(bytes, { filter: (f) => f.name === name })[name];
    if (data === undefined) throw new OasisParseError(`Cannot read "${fileName}": member "${name}"`);
    yield { name, bytes: data };
  }
}

/** Slices of a quote-free CSV member: its header line followed by at most `lines` of its lines. */
function* csvSlices(member: ZipMember, lines: number): Generator<{ member: ZipMember; offset: number }> {
  const bytes = member.bytes;
  const headerEnd = bytes.indexOf(NEWLINE);
  if (headerEnd < 0 || bytes.includes(QUOTE)) return yield { member, offset: 0 };
  const header = bytes.subarray(0, headerEnd + 1);
  let start = headerEnd + 1;
  let offset = 0;
  while (start < bytes.length) {
    let end = start;
    let n = 0;
    while (n < lines && end < bytes.length) {
      const next = bytes.indexOf(NEWLINE, end);
      end = next < 0 ? bytes.length : next + 1;
      n++;
    }
    const chunk = new Uint8Array(header.length + end - start);
    chunk.set(header);
    chunk.set(bytes.subarray(start, end), header.length);
    yield { member: { name: member.name, bytes: chunk }, offset };
    offset += n;
    start = end;
  }
}

function isCsvName(name: string): boolean {
  return /\.csv$/i.test(name);
}

/** `result` with its row numbers moved `offset` lines on (no copy when 0). */
function shifted(result: ParseResult, offset: number): ParseResult {
  if (offset === 0 || result.kind !== "rows") return result;
  return {
    ...result,
    rows: result.rows.map((r) => ({ ...r, row_number: r.row_number + offset })),
    problems: result.problems.map((p) => ({ ...p, row_number: p.row_number + offset })),
  };
}

/**
 * Parses a ZIP, CSV or XML file as a sequence of results, one per chunk: `rows` chunks, and for a member
 * that is an OASIS error document, its `no-data` or `oasis-error` result (the caller decides, as
 * `parseMembers` does, whether it stands alone or beside data). Throws `OasisParseError` like `parseFile`.
 */
export function* parseFileChunks(
  bytes: Uint8Array,
  fileName: string,
  ctx: ParseContext = {},
  lines = CHUNK_LINES,
): Generator<ParseResult> {
  const members = looksLikeZip(bytes)
    ? zipMembers(bytes, fileName)
    : [{ name: fileName.split("/").pop() ?? fileName, bytes }];
  const context = { ...ctx, fileName };
  for (const member of members) {
    const slices = isCsvName(member.name) || !looksLikeXml(member.bytes)
      ? csvSlices(member, lines)
      : [{ member, offset: 0 }];
    for (const slice of slices) yield shifted(parseMembers([slice.member], context), slice.offset);
  }
}

function looksLikeXml(bytes: Uint8Array): boolean {
  const head = decoder.decode(bytes.subarray(0, 16)).replace(/^[\ufeff\s]+/, "");
  return head.startsWith("<");
}
