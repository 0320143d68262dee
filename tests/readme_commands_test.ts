/**
 * The README's two commands and the demo, run as a new user runs them: `npx -y deno@2.9.6 task …` in a fresh
 * clone of the committed HEAD, where `deno` is on no PATH but npx's. The test command runs one test of the
 * suite (the whole suite is what runs this file); the start command serves /health on the embedded default;
 * the demo shows a numeric real-time price at /api/current within 10 s of its start. No output of a fresh
 * checkout carries the "Ignored build scripts" warning box. Needs npx (Node.js) and git.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startSimulator } from "../simulator/simulator.ts";
import { freePort } from "./store/helpers.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** The README's prefix: Deno from npm, through npx. */
const DENO = ["npx", "-y", "deno@2.9.6"];

let clone: string | undefined;
/** One fresh clone of the committed HEAD for every test of this file (`git clone` takes a few seconds). */
async function freshClone(): Promise<string> {
  if (clone) return clone;
  const dir = await Deno.makeTempDir({ prefix: "oasis-fresh-clone-" });
  const out = await new Deno.Command("git", { args: ["clone", "-q", ROOT, dir], stderr: "piped" }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  clone = dir;
  return dir;
}

/** The environment of a new user's shell: ours, without the services unless `services`. */
function userEnv(services: boolean, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    ...Deno.env.toObject(),
    NO_COLOR: "1",
    npm_config_prefer_offline: "true",
    ...extra,
  };
  if (!services) {
    delete env.REDIS_URL;
    delete env.KAFKA_BOOTSTRAP_SERVERS;
  }
  return env;
}

/** A command in its own process group (npx, deno task and their children), with its output collected. */
function spawnGroup(args: string[], cwd: string, env: Record<string, string>) {
  const child = new Deno.Command("setsid", {
    args: [...DENO, ...args],
    cwd,
    clearEnv: true,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const decoder = new TextDecoder();
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) output += decoder.decode(chunk, { stream: true });
  };
  const done = Promise.all([collect(child.stdout), collect(child.stderr)]);
  return {
    output: () => output,
    /** SIGTERM to the whole group, SIGKILL after 20 s. */
    stop: async () => {
      const kill = (signal: Deno.Signal) => {
        try {
          Deno.kill(-child.pid, signal);
        } catch { /* gone */ }
      };
      kill("SIGTERM");
      const timer = setTimeout(() => kill("SIGKILL"), 20_000);
      await child.status;
      await done;
      clearTimeout(timer);
    },
  };
}

/** Polls `check` every 250 ms until it returns a value, for at most `ms`. */
async function waitFor<T>(what: string, ms: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

Deno.test("[readme] npx -y deno@2.9.6 task test passes in a fresh clone, without a warning box", async () => {
  const dir = await freshClone();
  const out = await new Deno.Command("setsid", {
    args: [...DENO, "task", "test", "--filter", "[install] everything present"],
    cwd: dir,
    clearEnv: true,
    env: userEnv(true),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, text);
  assert.match(text, /ok \| 1 passed \| 0 failed/);
  assert.doesNotMatch(text, /Ignored build scripts/);
});

Deno.test("[readme] npx -y deno@2.9.6 task start serves /health in a fresh clone on the embedded default", async () => {
  const dir = await freshClone();
  const sim = startSimulator({ port: 0 });
  const port = freePort();
  const run = spawnGroup(
    ["task", "start"],
    dir,
    userEnv(false, {
      CAISO_OASIS_BASE_URL: sim.url,
      CAISO_OASIS_MIN_INTERVAL_MS: "0",
      OASIS_DATASETS: "lmp_rtm",
      PORT: String(port),
    }),
  );
  try {
    const health = await waitFor("/health", 120_000, async () => {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      return res.status === 200 ? await res.json() : (await res.body?.cancel(), undefined);
    }).catch((e) => Promise.reject(new Error(`${e.message}\n${run.output()}`)));
    assert.equal(health.checks.store.backend, "kv");
    assert.equal(
      health.checks.bronze.sink,
      "ndjson",
      "the embedded default: NDJSON files (/health names the kind, no path)",
    );
  } finally {
    await run.stop();
    await sim.shutdown();
  }
  assert.doesNotMatch(run.output(), /Ignored build scripts/);
});

Deno.test("[readme] npx -y deno@2.9.6 task demo shows a numeric real-time price at /api/current within 10 s", async () => {
  const dir = await freshClone();
  const port = freePort();
  const started = Date.now();
  const run = spawnGroup(["task", "demo", "--port", String(port)], dir, userEnv(false));
  try {
    const reported = await waitFor("the demo's first price", 120_000, () => {
      const line = /first real-time price after ([\d.]+) s/.exec(run.output());
      return Promise.resolve(line ? Number(line[1]) : undefined);
    }).catch((e) => Promise.reject(new Error(`${e.message}\n${run.output()}`)));
    const seconds = (Date.now() - started) / 1000;
    const body = await (await fetch(`http://127.0.0.1:${port}/api/current`)).json();
    const prices = body.zones.map((z: { rt_price: unknown }) => z.rt_price);
    assert.ok(prices.some((p: unknown) => typeof p === "number"), JSON.stringify(body));
    // The demo's own clock starts once the dependencies are cached (a fresh machine downloads them first);
    // the generous bound from the spawn covers npx and Deno starting on a loaded machine.
    assert.ok(reported <= 10, `the demo took ${reported} s`);
    assert.ok(seconds < 60, `${seconds} s from the command`);
    assert.match(run.output(), /demo: dashboard: http:\/\/127\.0\.0\.1:\d+\//);
  } finally {
    await run.stop();
  }
  assert.doesNotMatch(run.output(), /Ignored build scripts/);
  await Deno.remove(dir, { recursive: true });
});
