/**
 * Small readers for what an OASIS HTTP answer carries besides the ZIP: the file name in
 * `Content-Disposition` and a readable summary of an error page.
 *
 * @module
 */

const decoder = new TextDecoder();

/**
 * The file name in a `Content-Disposition` header: OASIS sends `inline; filename=<name>.zip`; the quoted
 * and RFC 5987 (`filename*=UTF-8''…`) forms are read too. `undefined` when there is none.
 */
export function fileNameFromDisposition(header: string | null): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*[\w!#$%&+^`{}~-]*'[^']*'([^;\s]+)/i.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1]!);
    } catch {
      // A malformed percent-encoding: fall back to the plain parameter.
    }
  }
  const plain = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(header);
  if (!plain) return undefined;
  return plain[1] !== undefined ? plain[1].replace(/\\(.)/g, "$1") : plain[2];
}

/** Readable text from the start of a body, tags stripped (the 429 answer is one line of HTML). */
export function summarizeBody(bytes: Uint8Array, maxChars = 200): string {
  const text = decoder.decode(bytes.subarray(0, maxChars * 3)).replace(/<[^>]*>/g, " ").replace(/\s+/g, " ")
    .trim();
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}
