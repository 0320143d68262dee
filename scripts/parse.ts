/**
 * `deno task parse FILE [--dataset NAME]`: reads an OASIS ZIP, CSV or XML file and prints the normalized
 * rows as NDJSON on stdout, a chunk of lines at a time (`parse_chunks.ts`), so memory stays flat however
 * many rows the file has. A "no data" document prints nothing and exits 0 with a note on stderr; any
 * other OASIS error document, or a file that cannot be read, exits 1 with the reason on stderr.
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { DatasetName } from "../src/oasis/datasets.ts";
import { datasetArgument } from "../src/oasis/parse.ts";
import { parseFileChunks } from "../src/oasis/parse_chunks.ts";

const GC_EVERY_ROWS = 20_000;
const collect = (globalThis as { gc?: () => void }).gc;

const USAGE = "Usage: deno task parse FILE [--dataset NAME]";

async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { dataset: { type: "string" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const file = parsed.positionals[0];
  if (!file || parsed.positionals.length > 1) {
    console.error(USAGE);
    return 2;
  }
  try {
    const dataset = datasetArgument(parsed.values.dataset);
    return await printRows(await Deno.readFile(file), file, dataset);
  } catch (e) {
    console.error(`Cannot parse "${file}": ${(e as Error).message}`);
    return 1;
  }
}

/**
 * Writes the rows of `bytes` as NDJSON a chunk at a time (a chunk's rows are dropped once written), then
 * the rejected rows and a count on stderr. Error documents decide as in `parseMembers`: alone, they are the
 * answer; beside data, each one but "no data" is a rejected row.
 */
async function printRows(bytes: Uint8Array, file: string, dataset: DatasetName | undefined): Promise<number> {
  const encoder = new TextEncoder();
  const errors: Array<{ code: number; description: string; file: string }> = [];
  const files: string[] = [];
  let rows = 0;
  let rejected = 0;
  for (const chunk of parseFileChunks(bytes, file, { dataset })) {
    if (chunk.kind !== "rows") {
      errors.push(chunk);
      continue;
    }
    for (const name of chunk.files) if (!files.includes(name)) files.push(name);
    for (let i = 0; i < chunk.rows.length; i += 5000) {
      const lines = chunk.rows.slice(i, i + 5000).map((row) => JSON.stringify(row));
      await writeAll(encoder.encode(lines.join("\n") + "\n"));
    }
    // A full collection now and then (when the task grants --expose-gc) keeps the old generation from
    // filling with written chunks' rows: peak RSS about halves, for a few ms per collection.
    if (Math.floor((rows + chunk.rows.length) / GC_EVERY_ROWS) > Math.floor(rows / GC_EVERY_ROWS)) {
      collect?.();
    }
    rows += chunk.rows.length;
    for (const p of chunk.problems) {
      console.error(`Rejected row ${p.row_number} of ${p.source_file}: ${p.reason}`);
    }
    rejected += chunk.problems.length;
  }
  if (files.length === 0) {
    const real = errors.find((e) => e.code !== 1000);
    if (real) {
      console.error(`OASIS error ${real.code}: ${real.description} (${real.file})`);
      return 1;
    }
    const first = errors[0]!;
    console.error(`No data: OASIS ${first.code} "${first.description}" in ${first.file}`);
    return 0;
  }
  for (const e of errors.filter((e) => e.code !== 1000)) {
    console.error(`Rejected row 0 of ${e.file}: OASIS error ${e.code} beside data: ${e.description}`);
    rejected++;
  }
  console.error(`${rows} rows from ${files.join(", ")}` + (rejected ? `; ${rejected} rejected` : ""));
  return 0;
}

async function writeAll(bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await Deno.stdout.write(bytes.subarray(written));
}

if (import.meta.main) Deno.exit(await main(Deno.args));
