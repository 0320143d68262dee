/**
 * `deno task bench`: runs every benchmark, prints Markdown tables and writes them to
 * `bench/results/latest.md`. Figures are measured, never asserted: compare ratios within one run.
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

const sections: string[] = [];
const started = new Date().toISOString();
sections.push(
  `# oasis-stream benchmarks\n\nRun ${started} on ${Deno.build.os}/${Deno.build.arch}, Deno ${Deno.version.deno}, ` +
    `${navigator.hardwareConcurrency} cores.\n`,
);
sections.push(
  table("Parsing: real 2020 PRC_LMP ALL_APNODES day (31.9 MB CSV, 162,848 rows)", runParseBench()),
);
sections.push(
  table(
    "Hot store: one day of 5-minute prices for 3 zones, pipelined, vs redis-benchmark",
    await runRedisBench(),
  ),
);
sections.push(table("Bronze: 162,848 envelopes produced to the local broker vs kcat", await runKafkaBench()));
sections.push(table("WebSocket fan-out: time until the last client has a broadcast", await runWsBench()));
sections.push(table("Battery arbitrage: exact optimizer solve times", await runArbitrageBench()));
sections.push(table("Memory: resident set size (one run)", await runMemoryBench()));
sections.push(
  table(
    PUBLICATION_TITLE,
    await runPublicationBench(),
  ),
);
const report = sections.join("\n\n") + "\n";
console.log(report);
await Deno.mkdir(new URL("./results/", import.meta.url), { recursive: true });
await Deno.writeTextFile(new URL("./results/latest.md", import.meta.url), report);
