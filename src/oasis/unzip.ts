/**
 * Reads every member of an OASIS SingleZip response. OASIS zips use the data-descriptor flag (sizes
 * after the data, zero in the local header), so the archive is read through its central directory
 * (fflate's `unzipSync`), never by walking local headers.
 *
 * @module
 */
import { unzipSync } from "fflate";
import { OasisParseError } from "./errors.ts";

/** One archive member. */
export interface ZipMember {
  /** Member file name. */
  readonly name: string;
  /** Uncompressed bytes. */
  readonly bytes: Uint8Array;
}

/** Whether `bytes` starts like a ZIP archive (`PK\x03\x04`, or `PK\x05\x06` for an empty one). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b &&
    ((bytes[2] === 0x03 && bytes[3] === 0x04) || (bytes[2] === 0x05 && bytes[3] === 0x06));
}

/**
 * Returns the members of a ZIP archive in archive order, skipping directory entries.
 * Throws `OasisParseError` when the bytes are not a readable ZIP (truncated, corrupt, not a zip at all).
 */
export function unzipMembers(bytes: Uint8Array, fileName = "response.zip"): ZipMember[] {
  if (!looksLikeZip(bytes)) {
    const head = new TextDecoder().decode(bytes.subarray(0, 80)).replace(/\s+/g, " ").trim();
    throw new OasisParseError(`Cannot read "${fileName}": not a ZIP archive (starts with "${head}")`, {
      file: fileName,
    });
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (cause) {
    throw new OasisParseError(
      `Cannot read "${fileName}": corrupt or truncated ZIP archive (${(cause as Error).message})`,
      { file: fileName, cause },
    );
  }
  const members = Object.entries(files)
    .filter(([name]) => !name.endsWith("/"))
    .map(([name, data]) => ({ name, bytes: data }));
  if (members.length === 0) {
    throw new OasisParseError(`Cannot read "${fileName}": the ZIP archive has no files`, { file: fileName });
  }
  return members;
}
