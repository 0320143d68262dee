/**
 * `deno task demo`: the local OASIS simulator and the service together, offline, on the embedded default
 * (Deno KV hot store, NDJSON Bronze, all under `data/demo/`). The simulator answers 429 to requests closer
 * than `--throttle-ms` and the service's gate spaces its requests by the same interval
 * (`CAISO_OASIS_MIN_INTERVAL_MS`), so nothing is throttled; real-time intervals are published 60 s plus up to
 * 60 s after they end, like OASIS, and the last published ones are there at start. Prints the dashboard URL
 * once the service answers and the first real-time price once it has one; Ctrl-C stops both.
 *
 * Options: `--port 8000` (the dashboard), `--sim-port 0` (0: any free port), `--throttle-ms 1000`,
 * `--publish-delay-s 60`, `--publish-jitter-s 60`.
 *
 * @module
 */
import { parseArgs } from "node:util";

const USAGE =
  "Usage: deno task demo [--port 8000] [--sim-port 0] [--throttle-ms 1000] [--publish-delay-s 60] " +
  "[--publish-jitter-s 60]\nRuns the OASIS simulator and the service together, offline (files under data/demo/); " +
  "prints the dashboard URL. Ctrl-C stops both.";
const OPTIONS = {
  help: { type: "boolean", short: "h" },
  port: { type: "string", default: "8000" },
  "sim-port": { type: "string", default: "0" },
  "throttle-ms": { type: "string", default: "1000" },
  "publish-delay-s": { type: "string", default: "60" },
  "publish-jitter-s": { type: "string", default: "60" },
} as const;
let parsed;
try {
  parsed = parseArgs({ args: Deno.args, options: OPTIONS }).values;
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  Deno.exit(2);
}
const { help, ...values } = parsed;
if (help) {
  console.log(USAGE);
  Deno.exit(0);
}
for (const [name, text] of Object.entries(values)) {
  if (!/^\d{1,7}$/.test(text)) {
    console.error(`Invalid --${name} "${text}": expected a non-negative integer`);
    Deno.exit(2);
  }
}
const root = new URL("..", import.meta.url).pathname;
const deno = Deno.execPath();
const log = (message: string) => console.error(`demo: ${message}`);

// The first run of a checkout downloads the npm packages (deno.lock) before anything starts.
const cache = await new Deno.Command(deno, {
  args: ["cache", "--frozen", "--quiet", "src/main.ts", "scripts/simulator.ts"],
  cwd: root,
  stdout: "inherit",
  stderr: "inherit",
}).output();
if (!cache.success) {
  log("cannot cache the dependencies (above)");
  Deno.exit(1);
}
const started = Date.now();

/** A free loopback port (0: the system picks one). */
function freePort(wanted: number): number {
  if (wanted !== 0) return wanted;
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  listener.close();
  return listener.addr.port;
}
const simPort = freePort(Number(values["sim-port"]));
const simulator = new Deno.Command(deno, {
  args: [
    "run",
    "--allow-net",
    "--allow-env",
    "--allow-read",
    "scripts/simulator.ts",
    `--port=${simPort}`,
    `--throttle-ms=${values["throttle-ms"]}`,
    `--publish-delay-s=${values["publish-delay-s"]}`,
    `--publish-jitter-s=${values["publish-jitter-s"]}`,
  ],
  cwd: root,
  stdout: "inherit",
  stderr: "inherit",
}).spawn();

/** Waits until `url` answers, polling every 100 ms; false when `child` exits first. */
async function answers(url: string, child: Deno.ChildProcess): Promise<boolean> {
  let exited = false;
  void child.status.then(() => exited = true);
  while (!exited) {
    try {
      await (await fetch(url)).body?.cancel();
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return false;
}

/** The simulator, then the service: stopped in reverse order. */
const children: Deno.ChildProcess[] = [simulator];
async function stop(code: number): Promise<never> {
  for (const child of children.toReversed()) {
    try {
      child.kill("SIGTERM");
      await child.status;
    } catch {
      // Already gone.
    }
  }
  Deno.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, () => void stop(0));

const sim = `http://127.0.0.1:${simPort}`;
if (!await answers(`${sim}/sim/clock`, simulator)) {
  log("the simulator did not start (above)");
  await stop(1);
}
const oasisUrl = `${sim}/oasisapi/SingleZip`;
const dir = "data/demo";
await Deno.mkdir(`${root}/${dir}`, { recursive: true });
const service = new Deno.Command(deno, {
  args: [
    "run",
    "--no-code-cache",
    "--allow-net",
    "--allow-env",
    "--allow-read",
    "--allow-write",
    "--v8-flags=--max-semi-space-size=1,--optimize-for-size",
    "src/main.ts",
  ],
  cwd: root,
  env: {
    // glibc's malloc as `deno task start` sets it (docs/performance.md, "Memory")
    MALLOC_ARENA_MAX: "2",
    MALLOC_TRIM_THRESHOLD_: "131072",
    CAISO_OASIS_BASE_URL: oasisUrl,
    CAISO_OASIS_MIN_INTERVAL_MS: values["throttle-ms"],
    PORT: values.port,
    STORE_KV_PATH: `${dir}/hot_store.kv`,
    JOBS_KV_PATH: `${dir}/jobs.kv`,
    BRONZE_DIR: `${dir}/bronze`,
    BRONZE_OUTBOX_PATH: `${dir}/bronze_outbox.kv`,
    BACKFILL_OUTBOX_PATH: `${dir}/backfill_outbox.kv`,
  },
  stdout: "inherit",
  stderr: "inherit",
}).spawn();
children.push(service);
for (const child of children) void child.status.then((s) => stop(s.code || 1));

const base = `http://127.0.0.1:${values.port}`;
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
let announced = false;
for (;;) {
  try {
    const response = await fetch(`${base}/api/current`);
    const body = await response.json() as { zones?: Array<{ zone: string; rt_price: number | null }> };
    if (!announced) {
      log(`dashboard: ${base}/ (OASIS simulator at ${oasisUrl})`);
      announced = true;
    }
    const priced = body.zones?.find((z) => typeof z.rt_price === "number");
    if (priced) {
      log(`first real-time price after ${seconds()} s: ${priced.zone} ${priced.rt_price} $/MWh`);
      break;
    }
  } catch {
    // Not listening yet.
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}
