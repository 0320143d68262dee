/** `--help` on every task prints its usage on stdout and exits 0, as users try first. */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const decoder = new TextDecoder();

async function run(command: string, args: string[]) {
  const out = await new Deno.Command(command, {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

const deno = (script: string) => [Deno.execPath(), ["run", "--allow-all", script, "--help"]] as const;
const CASES: ReadonlyArray<readonly [string, readonly [string, readonly string[]], RegExp]> = [
  ["start", deno("src/main.ts"), /^Usage: deno task start/],
  ["backfill", deno("scripts/backfill.ts"), /^Usage: deno task backfill --from YYYY-MM-DD/],
  ["audit", deno("scripts/audit.ts"), /^Usage: deno task audit --from YYYY-MM-DD/],
  ["parse", deno("scripts/parse.ts"), /^Usage: deno task parse FILE/],
  ["arbitrage", deno("scripts/arbitrage.ts"), /^Usage: deno task arbitrage --prices FILE[\s\S]*--example/],
  ["docs", deno("scripts/settings_table.ts"), /^Usage: deno task docs/],
  ["simulator", deno("scripts/simulator.ts"), /^Usage: deno task simulator/],
  ["demo", deno("scripts/demo.ts"), /^Usage: deno task demo/],
  ["kafka", ["bash", ["scripts/kafka.sh", "--help"]], /scripts\/kafka\.sh start/],
  ["redis", ["bash", ["scripts/redis.sh", "--help"]], /scripts\/redis\.sh start/],
];

for (const [task, [command, args], usage] of CASES) {
  Deno.test(`[cli] deno task ${task} --help prints its usage and exits 0`, async () => {
    const r = await run(command, [...args]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, usage);
  });
}
