/**
 * `deno task parse FILE [--dataset NAME]`: reads an OASIS ZIP, CSV or XML file and prints the normalized
 * rows as NDJSON on stdout. A "no data" document prints nothing and exits 0 with a note on stderr; any
 * other OASIS error document, or a file that cannot be read, exits 1 with the reason on stderr.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { datasetArgument, parseFile } from "../src/oasis/parse.ts";

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
    const bytes = await Deno.readFile(file);
    const result = parseFile(bytes, file, { dataset });
    if (result.kind === "no-data") {
      console.error(`No data: OASIS ${result.code} "${result.description}" in ${result.file}`);
      return 0;
    }
    if (result.kind === "oasis-error") {
      console.error(`OASIS error ${result.code}: ${result.description} (${result.file})`);
      return 1;
    }
    const encoder = new TextEncoder();
    const lines: string[] = [];
    const flush = async () => {
      if (lines.length === 0) return;
      await writeAll(encoder.encode(lines.join("\n") + "\n"));
      lines.length = 0;
    };
    for (const row of result.rows) {
      lines.push(JSON.stringify(row));
      if (lines.length >= 5000) await flush();
    }
    await flush();
    for (const p of result.problems) {
      console.error(`Rejected row ${p.row_number} of ${p.source_file}: ${p.reason}`);
    }
    console.error(
      `${result.rows.length} rows from ${result.files.join(", ")}` +
        (result.problems.length ? `; ${result.problems.length} rejected` : ""),
    );
    return 0;
  } catch (e) {
    console.error(`Cannot parse "${file}": ${(e as Error).message}`);
    return 1;
  }
}

async function writeAll(bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await Deno.stdout.write(bytes.subarray(written));
}

if (import.meta.main) Deno.exit(await main(Deno.args));
