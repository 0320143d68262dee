/**
 * `deno task bench`: runs every benchmark, prints Markdown tables and writes them to
 * `bench/results/latest.md`. Figures are measured, never asserted: compare ratios within one run. Each
 * section runs in a process of its own (`run.ts --section NAME`), so no benchmark inherits another's heap,
 * workers, connections or timers (one full run hung in the Kafka section after the parse and Redis ones,
 * which it never did alone); a section that fails says so in its place and the others still run.
 *
 * @module
 */
import { table } from "./bench_util.ts";
import { runParseBench } from "./parse_bench.ts";
import { runRedisBench } from "./redis_bench.ts";
import { runKafkaBench } from "./kafka_bench.ts";
import { runWsBench } from "./ws_bench.ts";
import { runArbitrageBench } from "./arbitrage_bench.ts";
import { runMemoryBench } from "./memory_bench.ts";
import { PUBLICATION_TITLE, runPublicationBench } from "./publication_bench.ts";

/** Each section: its title and how its rows are measured, in the order of the report. */
const SECTIONS: Record<string, () => Promise<string>> = {
  parse: async () =>
    table("Parsing: real 2020 PRC_LMP ALL_APNODES day (31.9 MB CSV, 162,848 rows)", await runParseBench()),
  redis: async () =>
    table(
      "Hot store: one day of 5-minute prices for 3 zones, pipelined, vs redis-benchmark",
      await runRedisBench(),
    ),
  kafka: async () =>
    table("Bronze: 162,848 envelopes produced to the local broker vs kcat", await runKafkaBench()),
  ws: async () => table("WebSocket fan-out: time until the last client has a broadcast", await runWsBench()),
  arbitrage: async () => table("Battery arbitrage: exact optimizer solve times", await runArbitrageBench()),
  memory: async () => table("Memory: resident set size (one run)", await runMemoryBench()),
  publication: async () => table(PUBLICATION_TITLE, await runPublicationBench()),
};

if (Deno.args[0] === "--section") {
  const run = SECTIONS[Deno.args[1] ?? ""];
  if (run === undefined) {
    throw new Error(`Unknown section "${Deno.args[1]}" (known: ${Object.keys(SECTIONS)})`);
  }
  console.log(await run());
  Deno.exit(0);
}

/** One section's table, measured in a child process. */
async function section(name: string): Promise<string> {
  const child = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL(import.meta.url).pathname, "--section", name],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(child.stdout);
  const start = text.indexOf("### ");
  if (!child.success || start < 0) {
    return `### ${name}\n\nNot measured: the section exited with code ${child.code}.`;
  }
  return text.slice(start).trim();
}

const started = new Date().toISOString();
const sections = [
  `# oasis-stream benchmarks\n\nRun ${started} on ${Deno.build.os}/${Deno.build.arch}, Deno ${Deno.version.deno}, ` +
  `${navigator.hardwareConcurrency} cores.\n`,
];
for (const name of Object.keys(SECTIONS)) sections.push(await section(name));
const report = sections.join("\n\n") + "\n";
console.log(report);
await Deno.mkdir(new URL("./results/", import.meta.url), { recursive: true });
await Deno.writeTextFile(new URL("./results/latest.md", import.meta.url), report);
