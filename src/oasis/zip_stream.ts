/**
 * Reads the members of a ZIP archive a piece at a time, through its central directory (OASIS zips set the
 * data-descriptor flag, so local headers carry no sizes): the directory gives each member's name, method,
 * size and local header; the member's deflate stream is then inflated with fflate's streaming `Inflate`,
 * 64 KB of compressed bytes at a time, so a 32 MB member never exists whole. An archive this reader does
 * not handle (ZIP64, a method other than stored or deflate, an inconsistent directory) gives `null`, and
 * the caller falls back to `unzipMembers`.
 *
 * @module
 */
import { Inflate } from "fflate";

/** One member of the archive, located. */
export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflate. */
  readonly method: 0 | 8;
  /** Offset of the member's (compressed) data. */
  readonly start: number;
  /** Compressed size. */
  readonly size: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const decoder = new TextDecoder();

/** The archive's file members (directories skipped) in directory order, or `null` when not handled. */
export function zipEntries(bytes: Uint8Array): ZipEntry[] | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--) {
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== CENTRAL) return null;
    const method = view.getUint16(at + 10, true);
    const size = view.getUint32(at + 20, true);
    const nameLength = view.getUint16(at + 28, true);
    const local = view.getUint32(at + 42, true);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    if (size === 0xffffffff || local === 0xffffffff || (method !== 0 && method !== 8)) return null;
    if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL) return null;
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (start + size > bytes.length) return null;
    if (!name.endsWith("/")) entries.push({ name, method, start, size });
  }
  return entries;
}

/** The member's uncompressed bytes, in pieces (each piece is fresh; the caller may keep it). */
export function* memberPieces(
  bytes: Uint8Array,
  entry: ZipEntry,
  pieceBytes = 65_536,
): Generator<Uint8Array> {
  const data = bytes.subarray(entry.start, entry.start + entry.size);
  if (entry.method === 0) {
    for (let i = 0; i < data.length; i += pieceBytes) yield data.slice(i, i + pieceBytes);
    return;
  }
  const out: Uint8Array[] = [];
  const inflate = new Inflate((piece) => out.push(piece));
  for (let i = 0; i < data.length; i += pieceBytes) {
    inflate.push(data.subarray(i, i + pieceBytes), i + pieceBytes >= data.length);
    yield* out.splice(0);
  }
  if (data.length === 0) inflate.push(new Uint8Array(0), true);
  yield* out.splice(0);
}
