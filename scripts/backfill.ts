/**
 * `deno task backfill --from YYYY-MM-DD --to YYYY-MM-DD [--datasets a,b] [--nodes x,y] [--dry-run]`:
 * loads operating days (Pacific, inclusive) through the same request gate and client as the service, in the
 * fewest requests each dataset's limits allow, and writes the normalized rows as NDJSON to
 * `<BACKFILL_DIR>/<dataset>.ndjson` (default `./data/backfill`). Prints a summary; exits 1 when any window
 * failed after retries. `--dry-run` prints the request plan only. (The scheduling issue routes this through
 * the Bronze outbox and the hot store, with checkpoints and a progress bar.)
 *
 * @module
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config.ts";
import { type DatasetName, DATASETS, isDatasetName } from "../src/oasis/datasets.ts";
import { nextDate, pacificMidnight, parseDate } from "../src/oasis/time.ts";
import { buildUrl } from "../src/oasis/url.ts";
import { planWindows } from "../src/oasis/windows.ts";
import { createOasisStack } from "../src/oasis_stack.ts";
import { pollDataset, type PollSink } from "../src/jobs/poll.ts";

const USAGE =
  "Usage: deno task backfill --from YYYY-MM-DD --to YYYY-MM-DD [--datasets a,b] [--nodes x,y|ALL|ALL_APNODES] [--dry-run]";

async function main(args: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args,
      options: {
        from: { type: "string" },
        to: { type: "string" },
        datasets: { type: "string" },
        nodes: { type: "string" },
        "dry-run": { type: "boolean" },
      },
    }).values;
    if (!values.from || !values.to) throw new Error("--from and --to are required");
    parseDate(values.from);
    parseDate(values.to);
    if (values.to < values.from) throw new Error(`--to "${values.to}" is before --from "${values.from}"`);
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const env = { ...Deno.env.toObject() };
  if (values.nodes) env.OASIS_NODES = values.nodes;
  if (values.datasets) env.OASIS_DATASETS = values.datasets;
  let config;
  try {
    config = loadConfig(env);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  const range = { start: pacificMidnight(values.from), end: pacificMidnight(nextDate(values.to)) };
  const datasets = config.datasets.filter(isDatasetName) as DatasetName[];
  const plans = datasets.map((d) => ({ dataset: d, windows: planWindows(DATASETS[d], range, config.nodes) }));
  if (values["dry-run"]) {
    for (const { dataset, windows } of plans) {
      console.log(`${dataset}: ${windows.length} requests`);
      for (const w of windows) console.log(`  ${buildUrl(config.oasis.baseUrl, w, config.oasis.format)}`);
    }
    console.log(`total: ${plans.reduce((n, p) => n + p.windows.length, 0)} requests`);
    return 0;
  }
  const dir = Deno.env.get("BACKFILL_DIR") ?? "./data/backfill";
  await Deno.mkdir(dir, { recursive: true });
  const oasis = createOasisStack(config.oasis);
  const client = oasis.client;
  const encoder = new TextEncoder();
  const sink: PollSink = {
    async accept(dataset, window, fetched) {
      const r = fetched.result;
      const rows = r.kind === "rows" ? r.rows : [];
      if (rows.length > 0) {
        const text = rows.map((row) => JSON.stringify(row)).join("\n") + "\n";
        await Deno.writeFile(`${dir}/${dataset}.ndjson`, encoder.encode(text), { append: true });
      }
      console.error(
        `${dataset} ${window.start.toISOString()}..${window.end.toISOString()}: ` +
          (r.kind === "rows"
            ? `${rows.length} rows${r.problems.length ? `, ${r.problems.length} rejected` : ""}`
            : r.kind),
      );
    },
  };
  let failed = 0;
  try {
    for (const { dataset } of plans) {
      const s = await pollDataset(dataset, { client, sink, nodes: config.nodes }, new Date(), range);
      console.log(
        `${dataset}: ${s.requests} requests, ${s.rows} rows, ${s.noData} without data, ${s.failures.length} failed`,
      );
      for (const f of s.failures) console.log(`  FAILED ${f.url}: ${f.message}`);
      failed += s.failures.length;
    }
  } finally {
    oasis.close();
  }
  return failed > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
