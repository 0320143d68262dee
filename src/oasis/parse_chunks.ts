/**
 * Parses a downloaded OASIS file in chunks for `deno task parse`, so that a one-day all-nodes zip (31.9 MB
 * of CSV, 162,848 rows) never has all its rows, or its text, in memory at once: a CSV member is inflated
 * a piece at a time (`zip_stream.ts`) and parsed a slice of lines at a time under its header. Each
 * chunk is what `parseMembers` gives for those lines, with row numbers counted from the member's start, so
 * the chunks together equal `parseFile`'s result. Pure: bytes in, results out.
 *
 * @module
 */
import { type ParseContext, parseMembers } from "./parse.ts";
import type { ParseResult } from "./row.ts";
import { looksLikeZip, unzipMembers, type ZipMember } from "./unzip.ts";
import { memberPieces, zipEntries } from "./zip_stream.ts";

/** Lines per chunk of a CSV member (default of `parseFileChunks`). */
export const CHUNK_LINES = 1_000;

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const decoder = new TextDecoder("utf-8");

/** A member as pieces of its bytes. */
interface StreamedMember {
  readonly name: string;
  readonly pieces: Iterable<Uint8Array>;
}

/** The members of a zip, each inflated a piece at a time (or unzipped whole when the reader cannot). */
function zipMembers(bytes: Uint8Array, fileName: string): StreamedMember[] {
  const entries = zipEntries(bytes);
  if (entries === null || entries.length === 0) {
    return unzipMembers(bytes, fileName).map((m) => ({ name: m.name, pieces: [m.bytes] }));
  }
  return entries.map((entry) => ({ name: entry.name, pieces: memberPieces(bytes, entry) }));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
}

/**
 * Slices of a CSV member: its header line followed by at most `lines` of its lines, cut only on line
 * breaks before the first quote character (after one, the rest of the member is one slice, as a quoted
 * field may hold a line break; OASIS writes none).
 */
function* csvSlices(member: StreamedMember, lines: number): Generator<{ member: ZipMember; offset: number }> {
  let header: Uint8Array | undefined;
  let parts: Uint8Array[] = [];
  let count = 0;
  let offset = 0;
  let quoted = false;
  const slice = () => {
    const bytes = concat([header ?? new Uint8Array(0), ...parts]);
    const out = { member: { name: member.name, bytes }, offset };
    offset += count;
    [parts, count] = [[], 0];
    return out;
  };
  for (let piece of member.pieces) {
    if (header === undefined) {
      parts.push(piece);
      const joined = concat(parts);
      const end = joined.indexOf(NEWLINE);
      if (end < 0) {
        parts = [joined];
        continue;
      }
      header = joined.subarray(0, end + 1);
      piece = joined.subarray(end + 1);
      parts = [];
    }
    quoted ||= piece.includes(QUOTE);
    let from = 0;
    while (!quoted) {
      const next = piece.indexOf(NEWLINE, from);
      if (next < 0) break;
      from = next + 1;
      if (++count === lines) {
        parts.push(piece.subarray(0, from));
        yield slice();
        piece = piece.subarray(from);
        from = 0;
      }
    }
    if (piece.length > 0) parts.push(piece);
  }
  if (header === undefined) return yield { member: { name: member.name, bytes: concat(parts) }, offset: 0 };
  if (parts.some((p) => p.length > 0) || offset === 0) yield slice();
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
    : [{ name: fileName.split("/").pop() ?? fileName, pieces: [bytes] }];
  const context = { ...ctx, fileName };
  for (const streamed of members) {
    let member: StreamedMember = streamed;
    let whole: ZipMember | undefined;
    if (!isCsvName(member.name)) {
      // An XML member (or one named neither way) is judged by its first bytes, as `parseMembers` does.
      whole = { name: member.name, bytes: concat([...member.pieces]) };
      member = { name: member.name, pieces: [whole.bytes] };
    }
    const slices = whole && looksLikeXml(whole.bytes)
      ? [{ member: whole, offset: 0 }]
      : csvSlices(member, lines);
    for (const slice of slices) yield shifted(parseMembers([slice.member], context), slice.offset);
  }
}

function looksLikeXml(bytes: Uint8Array): boolean {
  const head = decoder.decode(bytes.subarray(0, 16)).replace(/^[\ufeff\s]+/, "");
  return head.startsWith("<");
}
