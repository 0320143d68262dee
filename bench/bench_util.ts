/**
 * Small helpers shared by the benchmarks: timing, median and a Markdown table.
 *
 * @module
 */

/** One line of a benchmark table. */
export interface BenchRow {
  readonly name: string;
  readonly ms: number;
  readonly rowsPerS?: number;
  readonly mbPerS?: number;
  readonly note?: string;
}

/** Runs `fn` once to warm up, then `n` times, returning the duration of each run in ms. */
export function timeIt(fn: () => unknown, n: number): number[] {
  fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Median of `xs`. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined ? "" : n.toLocaleString("en-US", { maximumFractionDigits: digits });

/** Formats rows as a Markdown table. */
export function table(title: string, rows: readonly BenchRow[]): string {
  const lines = [
    `### ${title}`,
    "",
    "| benchmark | median ms | rows/s | MB/s | note |",
    "|---|---:|---:|---:|---|",
    ...rows.map((r) =>
      `| ${r.name} | ${fmt(r.ms, 1)} | ${fmt(r.rowsPerS)} | ${fmt(r.mbPerS, 1)} | ${r.note ?? ""} |`
    ),
  ];
  return lines.join("\n");
}

/**
 * A deno.json task's `deno run` command: the variables it sets before `deno` (`MALLOC_ARENA_MAX=2 deno run …`)
 * and the arguments after `deno` (`run`, flags, the script); a task that installs first
 * (`bash scripts/install.sh start && deno run …`) gives its last command's.
 */
export async function taskCommand(name: string): Promise<{ env: Record<string, string>; args: string[] }> {
  const json = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  const words = String(json.tasks[name]).split("&&").at(-1)!.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (/^[A-Z_][A-Z0-9_]*=/.test(words[0] ?? "")) {
    const word = words.shift()!;
    env[word.slice(0, word.indexOf("="))] = word.slice(word.indexOf("=") + 1);
  }
  if (words[0] !== "deno" || words[1] !== "run") throw new Error(`Task "${name}" is not a deno run`);
  return { env, args: words.slice(1) };
}

/** The arguments of a deno.json task's `deno run` after `deno` (see {@linkcode taskCommand}). */
export async function taskArgs(name: string): Promise<string[]> {
  return (await taskCommand(name)).args;
}

/** The `--v8-flags` value of a deno.json task ("" without one). */
export async function taskV8Flags(name: string): Promise<string> {
  return (await taskArgs(name)).find((a) => a.startsWith("--v8-flags="))?.slice("--v8-flags=".length) ?? "";
}
