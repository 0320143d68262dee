/**
 * The product's one CSV reader: records of a CSV text as arrays of cells. A text without a quote character
 * is split on line breaks (`\n` or `\r\n`) and commas, which is what RFC 4180 reduces to without quotes and
 * what OASIS writes; any other text goes through `npm:d3-dsv`, chosen by `bench/parse_bench.ts` (the
 * fastest CSV library measured, and the one that hands rows to a callback without holding them: a few MB
 * on the 31.9 MB all-nodes day, against about 100 MB for papaparse and 37 MB for csv-parse).
 *
 * @module
 */
// @deno-types="@types/d3-dsv"
import { csvParseRows } from "d3-dsv";

/** Calls `onRow` for every record without a quote in `text`, splitting records and fields by hand. */
function splitRows(text: string, onRow: (cells: string[], index: number) => unknown): void {
  let start = 0;
  let i = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    onRow(text.slice(start, stop).split(","), i++);
    start = end + 1;
  }
}

/**
 * Calls `onRow` with the cells and 0-based record number of every record of `text`, a blank line being one
 * record of one empty cell. A leading byte-order mark is skipped; cells are not trimmed.
 */
export function forEachCsvRow(text: string, onRow: (cells: string[], index: number) => unknown): void {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!body.includes('"')) return splitRows(body, onRow);
  csvParseRows(body, (cells, i) => {
    onRow(cells, i);
    return null; // keep nothing: the caller holds what it needs
  });
}

/** Every record of `text` as cells, like `forEachCsvRow`. */
export function readCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  forEachCsvRow(text, (cells) => rows.push(cells));
  return rows;
}
