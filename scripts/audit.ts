/**
 * `deno task audit --from YYYY-MM-DD --to YYYY-MM-DD [--datasets a,b] [--nodes x,y|ALL|ALL_APNODES]
 * [--json]`: reads Bronze back (the Kafka topics when KAFKA_BOOTSTRAP_SERVERS is set, else the NDJSON files
 * under BRONZE_DIR) and prints, per dataset and node, the cells expected and present for the Pacific
 * operating days `from..to` (inclusive), the missing ranges, keys seen again with the same value (true
 * duplicates) and with another value (revisions), and per dataset the values that do not parse against the
 * Bronze schema (`src/jobs/audit.ts`); CRR per node, auction period and time of use. Progress goes to stderr (a bar on a terminal, plain lines
 * otherwise); the report to stdout, as text or, with `--json`, one JSON document. Exit codes (`EXIT`, as the
 * backfill's): 0 nothing missing, 1 fatal error (Bronze unreadable), 2 bad arguments or settings, 3 some
 * interval missing.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { NdjsonReader } from "../src/bronze/bronze_reader.ts";
import { createKafkaReader } from "../src/bronze/kafka_reader.ts";
import { type AuditReport, runAudit } from "../src/jobs/audit.ts";
import { AUDIT_MAX_REVISIONS } from "../src/jobs/audit_tally.ts";
import { createCountProgress } from "../src/jobs/backfill_progress.ts";
import { type BackfillMissing, formatMissing } from "../src/jobs/backfill_window.ts";
import { DATASET_NAMES } from "../src/oasis/datasets.ts";
import { CliConfigError, DAY_RANGE_OPTIONS, dayRange, loadCliConfig } from "./cli_config.ts";

/** Exit codes of the audit CLI (the same meanings as the backfill's). */
export const EXIT = { ok: 0, fatal: 1, usage: 2, incomplete: 3 } as const;

const USAGE =
  "Usage: deno task audit --from YYYY-MM-DD --to YYYY-MM-DD [--datasets a,b] [--nodes x,y|ALL|ALL_APNODES] [--json]\n" +
  "Reads Bronze back (Kafka when KAFKA_BOOTSTRAP_SERVERS is set, else the NDJSON files under BRONZE_DIR) and " +
  "lists, per dataset and node, what is missing for the Pacific operating days (inclusive), duplicates, " +
  "revisions and unparsable rows. Exit 0 when nothing is missing, 3 when something is. Datasets: " +
  DATASET_NAMES.join(", ") + ".";

/** Most revised keys printed per node in the text report. */
const PRINTED_REVISIONS = 20;

function parse(args: string[]) {
  const { values } = parseArgs({
    args,
    options: { ...DAY_RANGE_OPTIONS, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) return { help: true as const };
  return { ...values, help: false as const, ...dayRange(values) };
}

/** One missing CRR auction price: `MISSING crr NODE AUCTION/TERM/TOU period START..END`. */
function formatCrrMissing(m: BackfillMissing): string {
  return `MISSING ${m.dataset} ${m.node} ${m.components.join(", ")} period ${m.start.slice(0, 16)}Z..` +
    `${m.end.slice(0, 16)}Z`;
}

function printReport(r: AuditReport): void {
  console.log(`audit ${r.from}..${r.to} (${r.source}): ${r.complete ? "complete" : "INCOMPLETE"}`);
  for (const d of r.datasets) {
    const grid = d.gridChecked ? "" : " (per auction period and time of use)";
    console.log(
      `${d.dataset} (${d.topic}): ${d.read} values read, ${d.outside} outside the range or nodes, ` +
        `${d.unparsable} unparsable${grid}`,
    );
    for (const e of d.unparsableExamples) console.log(`  UNPARSABLE ${e}`);
    for (const n of d.nodes) {
      const missing = n.missing.reduce((k, m) => k + m.intervals, 0);
      const what = d.gridChecked ? "intervals" : "auction prices";
      console.log(
        `  ${n.node}: ${n.present}/${n.expected} cells present, ${missing} ${what} missing, ` +
          `${n.duplicates} duplicates, ${n.revisedKeys} revised keys`,
      );
      for (const m of n.missing) console.log(`    ${d.gridChecked ? formatMissing(m) : formatCrrMissing(m)}`);
      for (const v of n.revisions.slice(0, PRINTED_REVISIONS)) {
        console.log(`    REVISED ${v.key}: ${v.values} values`);
      }
      if (n.revisedKeys > PRINTED_REVISIONS) {
        console.log(
          `    … and ${
            n.revisedKeys - PRINTED_REVISIONS
          } more revised keys (--json lists up to ${AUDIT_MAX_REVISIONS})`,
        );
      }
    }
  }
}

async function main(args: string[]): Promise<number> {
  let values, config;
  try {
    values = parse(args);
    if (values.help) {
      console.log(USAGE);
      return EXIT.ok;
    }
    config = await loadCliConfig(values);
  } catch (e) {
    if (e instanceof CliConfigError) console.error(e.message);
    else console.error(`${(e as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  const bronze = config.bronze;
  const reader = bronze.kafka ? createKafkaReader(bronze.kafka) : new NdjsonReader(bronze.bronzeDir);
  const progress = createCountProgress("audit", reader.unit);
  try {
    const report = await runAudit(
      {
        from: values.from,
        to: values.to,
        datasets: config.datasets,
        nodes: config.nodes,
        topics: bronze.topics,
      },
      reader,
      new Date(),
      progress,
    );
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else printReport(report);
    return report.complete ? EXIT.ok : EXIT.incomplete;
  } catch (error) {
    console.error(`Cannot audit Bronze (${reader.kind}): ${(error as Error).message}`);
    return EXIT.fatal;
  } finally {
    await reader.close().catch(() => {});
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
