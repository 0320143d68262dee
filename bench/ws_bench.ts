/**
 * WebSocket fan-out benchmark: N clients (1,000 and 10,000) in a separate process on loopback, a typical
 * update broadcast repeatedly, and the time until the LAST client has it (p50, p99 over the broadcasts),
 * plus the server's memory per 1,000 clients; measured for the live edge (`fanout`: store publish → fan-out
 * → sockets) and, in the same run, for a bare `Deno.upgradeWebSocket` broadcast loop with the same
 * clients (the practical limit). Each side runs as its own process with the open-files limit raised.
 *
 * @module
 */
import { type BenchRow, taskCommand, taskV8Flags } from "./bench_util.ts";

/** One measured configuration. */
export interface WsBenchResult {
  readonly mode: "fanout" | "bare";
  readonly clients: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly mbPer1000: number;
  readonly connectS: number;
  readonly missed: number;
}

const CASES = [{ clients: 1_000, rounds: 40 }, { clients: 10_000, rounds: 25 }];
const WARMUP = 3;
const REPEATS = 2;
const here = (file: string) => new URL(file, import.meta.url).pathname;

/** Nearest-rank percentile. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

// The open-files limit is raised in the child's own shell: as far as the hard limit allows.
const withFiles = (cmd: string) => `ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec ${cmd}`;
const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return text.split("\n")[0]!;
}

/**
 * The live edge runs with `deno task start`'s V8 flags and variables (`MALLOC_ARENA_MAX`), as the service
 * does; the bare loop with V8's and glibc's own.
 */
const START_V8 = await taskV8Flags("start");
const START_ENV = (await taskCommand("start")).env;
const v8 = (mode: "fanout" | "bare") => mode === "fanout" && START_V8 ? `,${START_V8}` : "";

async function runCase(mode: "fanout" | "bare", clients: number, rounds: number): Promise<WsBenchResult> {
  const deno = quote(Deno.execPath());
  const server = new Deno.Command("bash", {
    args: [
      "-c",
      withFiles(
        `${deno} run -A --v8-flags=--expose-gc${v8(mode)} ${quote(here("ws_bench_server.ts"))} ${mode}`,
      ),
    ],
    env: mode === "fanout" ? START_ENV : {},
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const ready = await firstLine(server.stdout);
    const [word, wsUrl, controlUrl] = ready.split(" ");
    if (word !== "READY" || !wsUrl || !controlUrl) throw new Error(`Bench server did not start: ${ready}`);
    const args = [wsUrl, controlUrl, clients, rounds, WARMUP, mode === "fanout" ? 1 : 0].map(String);
    const out = await new Deno.Command("bash", {
      args: [
        "-c",
        withFiles(`${deno} run -A ${quote(here("ws_bench_clients.ts"))} ${args.map(quote).join(" ")}`),
      ],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
    if (!out.success) throw new Error(`Bench clients failed: ${text}`);
    const r = JSON.parse(text);
    return {
      mode,
      clients,
      p50Ms: percentile(r.latencies, 50),
      p99Ms: percentile(r.latencies, 99),
      mbPer1000: (r.rss - r.baseline) / 1e6 / (clients / 1000),
      connectS: r.connectMs / 1000,
      missed: r.missed,
    };
  } finally {
    try {
      server.kill("SIGKILL");
    } catch {
      // already gone
    }
    await server.status;
    await server.stdout.cancel().catch(() => {});
  }
}

/**
 * Runs every case `REPEATS` times, the two modes interleaved, and keeps each mode's run with the lowest p99:
 * on a shared machine another process's burst only ever makes a run slower.
 */
export async function measureWsFanOut(): Promise<WsBenchResult[]> {
  const results: WsBenchResult[] = [];
  for (const { clients, rounds } of CASES) {
    const runs: WsBenchResult[] = [];
    for (let i = 0; i < REPEATS; i++) {
      for (const mode of ["fanout", "bare"] as const) runs.push(await runCase(mode, clients, rounds));
    }
    for (const mode of ["fanout", "bare"] as const) {
      results.push(
        runs.filter((r) => r.mode === mode).reduce((best, r) => (r.p99Ms < best.p99Ms ? r : best)),
      );
    }
  }
  return results;
}

const fmt = (n: number, d = 1) => n.toLocaleString("en-US", { maximumFractionDigits: d });

/** Runs the benchmark; rows give the last-receipt p50 as `ms`, with p99, memory and the ratio in the note. */
export async function runWsBench(): Promise<BenchRow[]> {
  const results = await measureWsFanOut();
  return results.map((r) => {
    const bare = results.find((b) => b.mode === "bare" && b.clients === r.clients)!;
    const ratio = r.mode === "fanout" ? `, ${fmt(r.p99Ms / bare.p99Ms, 2)}× bare p99` : "";
    const missed = r.missed ? `, ${r.missed} broadcasts not received by all` : "";
    return {
      name: `${r.mode === "fanout" ? "live edge fan-out" : "bare upgradeWebSocket loop"}, ${
        fmt(r.clients, 0)
      } clients`,
      ms: r.p50Ms,
      note: `last receipt p99 ${fmt(r.p99Ms)} ms${ratio}; ${fmt(r.mbPer1000)} MB per 1,000 clients; ` +
        `connect ${fmt(r.connectS)} s${missed}`,
    };
  });
}

if (import.meta.main) {
  const { table } = await import("./bench_util.ts");
  console.log(table("WebSocket fan-out: time until the last client has a broadcast", await runWsBench()));
}
