/**
 * Memory benchmark: the service started with `deno task start`'s own command line (flags read from
 * deno.json) against the local OASIS simulator, default configuration (three hubs, every dataset, Deno KV
 * and NDJSON, no clients): its start-up peak (VmHWM) and idle resident memory (VmRSS, the lowest in the
 * 150 s after every first poll, when no worker runs between polls, and at the end); a bare Deno process
 * beside it; and `deno task parse` on the 162,848-row all-nodes zip (peak RSS, wall time) next to the old
 * CLI's path on the same file (`parseFile` on the whole file, then NDJSON written 5,000 rows at a time),
 * three runs of each, interleaved (median time, highest peak).
 *
 * Run alone: `deno run --allow-all bench/memory_bench.ts` (rewrites its section of bench/results/latest.md).
 *
 * @module
 */
import { startSimulator } from "../simulator/simulator.ts";
import { type BenchRow, median, taskArgs, taskCommand } from "./bench_util.ts";

const ROOT = new URL("../", import.meta.url);
const ZIP = "tests/fixtures/oasis-samples/singlezip_PRC_LMP_DAM_v1_ALL_APNODES_start-20200102T00Z.zip";
const ROWS = 162_848;
/** Long enough for the workers' idle stop (30 s, 60 s) to come between two 5-minute polls. */
const IDLE_MS = 150_000;

function status(pid: number): { rss: number; hwm: number } | null {
  try {
    const text = Deno.readTextFileSync(`/proc/${pid}/status`);
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);
    return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
  } catch {
    return null;
  }
}

/** Runs the service until its first polls are done and it has idled; start-up peak and idle RSS in MB. */
async function serviceMemory(): Promise<BenchRow> {
  const sim = startSimulator({ port: 0, hostname: "127.0.0.1", throttleMs: 500, seed: 1 });
  const dir = await Deno.makeTempDir({ prefix: "oasis-memory-bench-" });
  const start = await taskCommand("start");
  const env: Record<string, string> = {
    ...start.env,
    PATH: Deno.env.get("PATH") ?? "",
    HOME: Deno.env.get("HOME") ?? "/tmp",
    NO_COLOR: "1",
    DENO_NO_UPDATE_CHECK: "1",
    DATA_DIR: dir,
    PORT: "0",
    CAISO_OASIS_BASE_URL: sim.url,
    CAISO_OASIS_MIN_INTERVAL_MS: "500",
  };
  const child = new Deno.Command(Deno.execPath(), {
    args: start.args,
    cwd: ROOT,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const t0 = performance.now();
  let polls = 0;
  let datasets = -1;
  let startedMs = 0;
  try {
    const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    while (datasets < 0 || polls < datasets) {
      const { value, done } = await lines.read();
      if (done) throw new Error("The service exited before its first polls were done");
      buffer += value;
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      for (const line of parts) {
        if (line.includes('"oasis-stream started"')) datasets = JSON.parse(line).datasets.length;
        if (line.includes('"poll finished"')) polls++;
      }
    }
    startedMs = performance.now() - t0;
    void lines.closed.catch(() => {});
    void (async () => {
      while (!(await lines.read()).done) { /* drain */ }
    })().catch(() => {});
    const samples: number[] = [];
    for (let t = 0; t < IDLE_MS; t += 1000) {
      await new Promise((r) => setTimeout(r, 1000));
      samples.push(status(child.pid)?.rss ?? NaN);
    }
    const m = status(child.pid);
    if (!m || samples.some(Number.isNaN)) throw new Error("The service exited while idle");
    return {
      name: "service (`deno task start` flags), simulator, defaults",
      ms: startedMs,
      note:
        `start-up peak ${m.hwm.toFixed(0)} MB; idle RSS ${
          Math.min(...samples).toFixed(0)
        } MB between polls ` +
        `(lowest in the ${IDLE_MS / 1000} s after the ${polls} first polls), ${
          m.rss.toFixed(0)
        } MB at its end; ` +
        `ms = until the first polls were done`,
    };
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await sim.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Peak RSS (MB) and wall time of a `deno` run, from `/usr/bin/time`. */
async function peakOf(args: string[]): Promise<{ mb: number; ms: number }> {
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%M %e", Deno.execPath(), ...args],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).output();
  const last = new TextDecoder().decode(out.stderr).trim().split("\n").pop() ?? "";
  const [kb, s] = last.split(" ").map(Number);
  if (!out.success || !kb || s === undefined) throw new Error(`Cannot measure "${args.join(" ")}": ${last}`);
  return { mb: kb / 1024, ms: s * 1000 };
}

/** The memory rows: service, bare Deno, `deno task parse` and a whole-file parse. */
export async function runMemoryBench(): Promise<BenchRow[]> {
  const service = await serviceMemory();
  const bare = await peakOf(["eval", "await new Promise((r) => setTimeout(r, 2000))"]);
  const wholeArgs = [
    "eval",
    `const { parseFile } = await import("./src/oasis/parse.ts");` +
    `const r = parseFile(Deno.readFileSync("${ZIP}"), "x.zip");` +
    `const rows = r.kind === "rows" ? r.rows : []; const e = new TextEncoder();` +
    `for (let i = 0; i < rows.length; i += 5000) Deno.stdout.writeSync(` +
    `e.encode(rows.slice(i, i + 5000).map((x) => JSON.stringify(x)).join("\\n") + "\\n"));`,
  ];
  const runs: Array<{ parse: { mb: number; ms: number }; whole: { mb: number; ms: number } }> = [];
  for (let i = 0; i < 3; i++) {
    runs.push({ parse: await peakOf([...await taskArgs("parse"), ZIP]), whole: await peakOf(wholeArgs) });
  }
  const summary = (ms: number[], mb: number[]) => ({ ms: median(ms), mb: Math.max(...mb) });
  const parse = summary(runs.map((r) => r.parse.ms), runs.map((r) => r.parse.mb));
  const whole = summary(runs.map((r) => r.whole.ms), runs.map((r) => r.whole.mb));
  const row = (name: string, m: { mb: number; ms: number }, note: string): BenchRow => ({
    name,
    ms: m.ms,
    rowsPerS: note.includes("rows") ? ROWS / (m.ms / 1000) : undefined,
    note: `peak ${m.mb.toFixed(0)} MB; ${note}`,
  });
  return [
    service,
    row("bare Deno process (reference)", bare, "`deno eval` waiting 2 s"),
    row(
      "`deno task parse` all-nodes zip (streamed)",
      parse,
      `${ROWS} rows to NDJSON; ${(parse.mb / whole.mb * 100).toFixed(0)} % of the old path's peak, ` +
        `${(whole.ms / parse.ms * 100).toFixed(0)} % of its rows/s`,
    ),
    row("old path: parseFile on the whole file, then NDJSON", whole, `${ROWS} rows to NDJSON`),
  ];
}

if (import.meta.main) {
  const { table } = await import("./bench_util.ts");
  const section = table("Memory: resident set size (one run)", await runMemoryBench());
  console.log(section);
  const path = new URL("bench/results/latest.md", ROOT);
  const text = await Deno.readTextFile(path);
  const start = text.indexOf("### Memory:");
  const end = start < 0 ? -1 : text.indexOf("\n### ", start + 1);
  const next = start < 0
    ? `${text.trimEnd()}\n\n${section}\n`
    : `${text.slice(0, start)}${section}\n${end < 0 ? "" : text.slice(end)}`;
  await Deno.writeTextFile(path, next);
}
