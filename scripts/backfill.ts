/**
 * `deno task backfill --from YYYY-MM-DD --to YYYY-MM-DD [--datasets a,b] [--nodes x,y|ALL|ALL_APNODES]
 * [--dry-run]`: loads operating days (Pacific, inclusive) through the same request gate, Bronze outbox and
 * hot store as the service (`src/jobs/backfill.ts`), in the fewest requests each dataset's limits allow.
 * Progress goes to stderr (a bar on a terminal, plain lines otherwise); the summary to stdout: rows per
 * dataset, requests, retries, every window that failed after retries with its OASIS code, every range
 * still missing after re-requests, and the rows committed to the outbox apart from the rows the sink
 * acknowledged (it waits up to BACKFILL_DRAIN_TIMEOUT_S for them). Exit codes (`EXIT`): 0 complete and every
 * row acknowledged, 1 fatal error, 2 bad arguments or settings, 3 a window failed or intervals are still
 * missing, 4 rows held in the outbox (sink unreachable; before 3), 130 interrupted. Killed or interrupted,
 * the same command continues from its checkpoint and asks only for what is missing; held rows go first.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { planBackfill, RetentionError, runBackfill } from "../src/jobs/backfill.ts";
import type { BackfillPlan, BackfillSummary } from "../src/jobs/backfill.ts";
import { createProgressReporter } from "../src/jobs/backfill_progress.ts";
import { formatMissing } from "../src/jobs/backfill_window.ts";
import { ackBaseline, awaitAcknowledged, type BronzeAck } from "../src/jobs/bronze_ack.ts";
import { digestRetentionMs } from "../src/jobs/digest_retention.ts";
import type { Log } from "../src/log.ts";
import { DATASET_NAMES } from "../src/oasis/datasets.ts";
import { operatingDate } from "../src/oasis/time.ts";
import { buildUrl } from "../src/oasis/url.ts";
import { openService } from "../src/service.ts";
import { CliConfigError, DAY_RANGE_OPTIONS, dayRange, loadCliConfig } from "./cli_config.ts";

/** Exit codes of the backfill CLI. */
export const EXIT = { ok: 0, fatal: 1, usage: 2, incomplete: 3, held: 4, interrupted: 130 } as const;

const USAGE =
  "Usage: deno task backfill --from YYYY-MM-DD --to YYYY-MM-DD [--datasets a,b] [--nodes x,y|ALL|ALL_APNODES] [--dry-run]\n" +
  "Loads Pacific operating days (inclusive) into Bronze and the hot store; settings come from the environment " +
  "(docs/configuration.md). Datasets: " + DATASET_NAMES.join(", ") + ".";

function parse(args: string[]) {
  const { values } = parseArgs({
    args,
    options: { ...DAY_RANGE_OPTIONS, "dry-run": { type: "boolean" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) return { help: true as const };
  return { ...values, help: false as const, ...dayRange(values) };
}

function printPlan(plan: BackfillPlan, baseUrl: string, format: "csv" | "xml"): void {
  for (const { dataset, windows } of plan.datasets) {
    console.log(`${dataset}: ${windows.length} requests`);
    for (const w of windows) console.log(`  ${buildUrl(baseUrl, w, format)}`);
  }
  console.log(`total: ${plan.total} requests`);
}

function printSummary(plan: BackfillPlan, s: BackfillSummary, retries: number): void {
  const resumed = s.fromCheckpoint > 0
    ? ` (${s.fromCheckpoint} more done by an earlier run: checkpoint)`
    : "";
  console.log(
    `backfill ${plan.from}..${plan.request.to}: ${s.requests} requests${resumed}, ${retries} retries`,
  );
  for (const [dataset, c] of s.datasets) {
    console.log(
      `${dataset}: ${c.requests} requests, ${c.rows} rows, ${c.noData} without data, ${c.failed} failed` +
        ` (${c.published} rows committed to the outbox, ${c.unchanged} already in Bronze unchanged` +
        `${c.fromCheckpoint > 0 ? `, ${c.fromCheckpoint} windows from checkpoint` : ""})` +
        (c.missing > 0 ? `, ${c.missing} intervals missing` : ""),
    );
  }
  for (const n of s.noData) console.log(`  NO DATA ${n.dataset} ${n.start}..${n.end}`);
  for (const m of s.missing) console.log(`  ${formatMissing(m)}`);
  for (const f of s.failures) {
    const code = f.code === undefined ? "" : ` (OASIS code ${f.code})`;
    console.log(`  FAILED ${f.dataset} ${f.start}..${f.end}${code}: ${f.message}`);
  }
  console.log(
    `total: ${s.requests} requests, ${s.rows} rows, ${retries} retries, ${s.failures.length} failed` +
      (s.missing.length > 0 ? `, ${s.missing.length} ranges missing` : "") +
      (s.failures.length + s.missing.length > 0
        ? " — run the same command again to retry the failed windows and ask for what is missing"
        : ""),
  );
}

function printAck(ack: BronzeAck, path: string, timeoutMs: number): void {
  const earlier = ack.earlier > 0 ? ` (and ${ack.earlier} left by an earlier run)` : "";
  const took = ack.sink === "ndjson" ? "written to NDJSON files" : `acknowledged by ${ack.sink}`;
  console.log(
    `bronze: ${ack.committed} rows committed to the outbox${earlier}, ${ack.acknowledged} ${took}, ` +
      `${ack.held} held in the outbox`,
  );
  if (ack.held === 0) return;
  console.log(
    `  HELD ${ack.held} rows in ${path}: ${ack.sink} did not acknowledge them within ${timeoutMs / 1000} s ` +
      `(BACKFILL_DRAIN_TIMEOUT_S); the next backfill run sends them first`,
  );
}

async function main(args: string[]): Promise<number> {
  let values;
  try {
    values = parse(args);
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const today = operatingDate(new Date());
  if (values.to > today) {
    console.error(
      `Warning: --to ${values.to} is after today (${today}, Pacific). OASIS has real-time prices only for ` +
        `intervals that have ended and day-ahead prices up to tomorrow; later days answer "no data".`,
    );
  }
  let config, plan;
  try {
    config = await loadCliConfig(values);
    plan = planBackfill(
      { from: values.from, to: values.to, datasets: config.datasets, nodes: config.nodes },
      new Date(),
    );
  } catch (e) {
    if (!(e instanceof CliConfigError || e instanceof RetentionError)) throw e;
    console.error(e.message);
    return EXIT.usage;
  }
  if (plan.beyondRetention) {
    console.error(
      `Skipping ${plan.beyondRetention.from}..${plan.beyondRetention.to}: older than OASIS keeps (about 39 ` +
        `months); loading ${plan.from}..${plan.request.to}.`,
    );
  }
  if (values["dry-run"]) {
    printPlan(plan, config.oasis.baseUrl, config.oasis.format);
    return 0;
  }
  const log: Log = (level, msg, fields) => {
    if (level === "warn" || level === "error") {
      console.error(`${level}: ${msg} ${JSON.stringify(fields ?? {})}`);
    }
  };
  let attempts = 0;
  // Its own outbox file (one process owns an outbox); one request spacing with the service and other processes.
  const service = await openService(config, {
    log,
    outboxPath: config.jobs.backfillOutboxPath,
    onRequest: () => attempts++,
  });
  const { bronze, coordination } = service;
  const stop = new AbortController();
  const onSignal = () => stop.abort(new Error("Interrupted"));
  Deno.addSignalListener("SIGINT", onSignal);
  const progress = createProgressReporter();
  let code: number = EXIT.ok;
  const baseline = ackBaseline(bronze);
  try {
    progress.start(plan.total, (await coordination.checkpoint(plan.run)).size);
    const summary = await runBackfill(plan, {
      ...service.deliver,
      client: service.oasis.client,
      coordination,
      signal: stop.signal,
      onProgress: (p) => progress.update(p),
      rerequests: config.jobs.backfillRerequests,
      digestTtlMs: digestRetentionMs(config.jobs),
    });
    progress.stop();
    printSummary(plan, summary, Math.max(0, attempts - summary.requests));
    code = summary.failures.length + summary.missing.length > 0 ? EXIT.incomplete : EXIT.ok;
    const ack = await awaitAcknowledged(
      bronze,
      baseline,
      config.jobs.backfillDrainTimeoutMs,
      (depth) => console.error(`waiting for ${bronze.sink.kind} to acknowledge ${depth} rows`),
    );
    printAck(ack, config.jobs.backfillOutboxPath, config.jobs.backfillDrainTimeoutMs);
    if (ack.held > 0) code = EXIT.held;
  } catch (error) {
    progress.stop();
    if (!stop.signal.aborted) throw error;
    console.error("Interrupted: run the same command again to continue from the checkpoint.");
    code = EXIT.interrupted;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    const left = await service.close();
    if (left > 0) {
      console.error(`${left} rows are still in the backfill outbox; the next backfill run sends them first.`);
      if (code === EXIT.ok) code = EXIT.held;
    }
  }
  return code;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
