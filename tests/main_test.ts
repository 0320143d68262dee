/**
 * The Docker image's exact start command, run outside the image (Docker cannot run here): the `CMD` is
 * read from the Dockerfile, `/app` is mapped to the repository and `/deno-dir` to Deno's cache, the build's
 * `deno cache` step runs first, then the service starts against the simulator on the embedded defaults,
 * answers `/health`, and on SIGTERM shuts down in order and exits 0; and the same command publishes to the
 * real broker with `KAFKA_CLIENT=librdkafka` (the image installs the library, `--allow-ffi` is scoped to it).
 */
import assert from "node:assert/strict";
import { freePort } from "./store/helpers.ts";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSimulator } from "../simulator/simulator.ts";
import { bootstrap } from "./bronze/kafka_fixtures.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url)).replace(/\/$/, "");
const decoder = new TextDecoder();

/** The JSON array of the Dockerfile instruction `name` (`CMD`), or the shell text of each `RUN`. */
async function dockerfile(): Promise<{ cmd: string[]; runs: string[]; env: Record<string, string> }> {
  const text = (await Deno.readTextFile(join(ROOT, "Dockerfile"))).replace(/\\\n/g, " ");
  const lines = text.split("\n").filter((l) => !l.trimStart().startsWith("#"));
  const cmd = lines.find((l) => l.startsWith("CMD "));
  assert.ok(cmd, "the Dockerfile has a CMD");
  const env: Record<string, string> = {};
  for (const l of lines.filter((l) => l.startsWith("ENV "))) {
    for (const m of l.slice(4).matchAll(/([A-Z_]+)=(\S+)/g)) env[m[1]!] = m[2]!;
  }
  return {
    cmd: JSON.parse(cmd.slice(4)),
    runs: lines.filter((l) => l.startsWith("RUN ")).map((l) => l.slice(4)),
    env,
  };
}

async function denoDir(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" }).output();
  return JSON.parse(decoder.decode(out.stdout)).denoDir;
}

/** The image's CMD running outside the image, with its output and a way to wait on it. */
interface ImageRun {
  readonly child: Deno.ChildProcess;
  readonly port: number;
  readonly data: string;
  /** The JSON log lines so far. */
  lines(): Array<Record<string, unknown>>;
  waitFor(what: string, check: () => boolean | Promise<boolean>): Promise<void>;
  /** SIGTERM, then the exit code and stderr. */
  stop(): Promise<{ code: number; stderr: string }>;
  /** Kills what is left and removes the data directory. */
  cleanUp(): Promise<void>;
}

/** Runs the build's `deno cache` step, then the Dockerfile's CMD with the image's ENV plus `env`. */
async function runImageCmd(env: Record<string, string>): Promise<ImageRun> {
  const { cmd, runs, env: imageEnv } = await dockerfile();
  const cache = await denoDir();
  const map = (arg: string) => arg.replaceAll("/deno-dir", cache).replaceAll("/app", ROOT);
  assert.equal(cmd[0], "deno");
  assert.ok(!cmd.includes("-A") && !cmd.includes("--allow-all"), "explicit permissions, not -A");
  // The build step that caches the dependencies (so --cached-only finds them).
  const cacheStep = runs.map((r) => r.split("&&")[0]!.trim()).find((r) => r.startsWith("deno cache"));
  assert.ok(cacheStep, "the Dockerfile caches the entry points at build time");
  const built = await new Deno.Command(Deno.execPath(), {
    args: cacheStep.split(/\s+/).slice(1),
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(built.code, 0, decoder.decode(built.stderr));

  const data = `data/test-main-${crypto.randomUUID()}`;
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: cmd.slice(1).map(map),
    cwd: ROOT,
    clearEnv: true,
    env: {
      ...imageEnv,
      DENO_DIR: cache,
      HOME: Deno.env.get("HOME") ?? "/tmp",
      PATH: Deno.env.get("PATH") ?? "",
      PORT: String(port),
      CAISO_OASIS_MIN_INTERVAL_MS: "0",
      STORE_KV_PATH: `${data}/hot_store.kv`,
      JOBS_KV_PATH: `${data}/jobs.kv`,
      BRONZE_OUTBOX_PATH: `${data}/bronze_outbox.kv`,
      BRONZE_DIR: `${data}/bronze`,
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stdout = "";
  const reading = (async () => {
    for await (const chunk of child.stdout) stdout += decoder.decode(chunk, { stream: true });
  })();
  const stderr = new Response(child.stderr).text();
  const lines = () => stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  return {
    child,
    port,
    data,
    lines,
    waitFor: async (what, check) => {
      const deadline = Date.now() + 60_000;
      while (!(await check())) {
        if (Date.now() > deadline) {
          child.kill("SIGKILL"); // stderr ends only when the process does
          throw new Error(`Timed out waiting for ${what}:\n${stdout}\n${await stderr}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: async () => {
      child.kill("SIGTERM");
      const status = await child.status;
      await reading;
      return { code: status.code, stderr: await stderr };
    },
    cleanUp: async () => {
      try {
        child.kill("SIGKILL");
      } catch { /* already exited */ }
      await child.status;
      await reading.catch(() => {});
      await Deno.remove(join(ROOT, data), { recursive: true }).catch(() => {});
    },
  };
}

/** Whether `GET url` answers 200. */
async function answers200(url: string): Promise<boolean> {
  try {
    const res = await fetch(url);
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

Deno.test("the Dockerfile's CMD starts the service, serves /health and shuts down in order on SIGTERM", async () => {
  const sim = startSimulator({ port: 0 });
  const run = await runImageCmd({ CAISO_OASIS_BASE_URL: sim.url, OASIS_DATASETS: "lmp_rtm,lmp_dam,as_fmm" });
  const { port, lines, waitFor, data } = run;
  try {
    await waitFor("/health 200", () => answers200(`http://127.0.0.1:${port}/health`));
    // /health answers as soon as the server listens; the start line is written just after, so wait for it.
    await waitFor("the start line", () => lines().some((l) => l.message === "oasis-stream started"));
    const started = lines().find((l) => l.message === "oasis-stream started");
    assert.ok(started, "a start line says what it is connected to");
    assert.equal(started.dashboard, `http://localhost:${port}/`);
    assert.match(String(started.store), /^deno kv /);
    assert.match(String(started.bronze), /^ndjson /);
    await waitFor(
      "the immediate runs",
      () => lines().filter((l) => l.message === "poll finished").length === 3,
    );
    const health = await (await fetch(`http://127.0.0.1:${port}/health`)).json();
    assert.equal(health.status, "ok");
    assert.equal(health.checks.bronze.sink, "ndjson");
    assert.ok(!JSON.stringify(health).includes(data), "/health shows no filesystem path");
    const datasets = health.datasets as Record<string, { lastSuccess: string | null }>;
    assert.deepEqual(Object.keys(datasets).sort(), ["as_fmm", "lmp_dam", "lmp_rtm"]);
    assert.ok(Object.values(datasets).every((d) => d.lastSuccess !== null), JSON.stringify(datasets));
    const gaps = await fetch(`http://127.0.0.1:${port}/api/gaps?dataset=lmp_rtm&token=s3cret-in-query`);
    assert.equal(gaps.status, 200);
    await gaps.body?.cancel();
    // One access-log line per request: method, route pattern, status, ms; never the query string.
    await waitFor("the access-log line", () => lines().some((l) => l.route === "/api/gaps"));
    const access = lines().filter((l) => l.message === "http request");
    const gapsLine = access.find((l) => l.route === "/api/gaps")!;
    assert.deepEqual({ ...gapsLine, ms: typeof gapsLine.ms }, {
      ...gapsLine,
      method: "GET",
      status: 200,
      ms: "number",
    });
    assert.ok(access.some((l) => l.route === "/health" && l.status === 200));
    assert.ok(!JSON.stringify(lines()).includes("s3cret-in-query"), "the query string is never logged");

    const { code, stderr } = await run.stop();
    assert.equal(code, 0, stderr);
    const order = lines().map((l) => String(l.message)).filter((m) =>
      m.startsWith("shut") || m === "stopped"
    );
    assert.deepEqual(order, [
      "shutting down",
      "shutdown: cron stopped",
      "shutdown: http stopped",
      "shutdown: producer and outbox flushed",
      "shutdown: store closed",
      "stopped",
    ]);
    const topics = [...Deno.readDirSync(join(ROOT, run.data, "bronze"))].map((e) => e.name);
    assert.ok(topics.includes("ingestion.market.caiso.lmp.rtm.raw.v1"));
  } finally {
    await run.cleanUp();
    await sim.shutdown();
  }
});

Deno.test("the Dockerfile's CMD publishes to Kafka through librdkafka with KAFKA_CLIENT=librdkafka", async () => {
  const servers = bootstrap();
  const sim = startSimulator({ port: 0 });
  const topic = `test.image.${crypto.randomUUID().slice(0, 8)}.lmp.rtm`;
  const run = await runImageCmd({
    CAISO_OASIS_BASE_URL: sim.url,
    OASIS_DATASETS: "lmp_rtm",
    KAFKA_BOOTSTRAP_SERVERS: servers,
    KAFKA_CLIENT: "librdkafka",
    KAFKA_TOPIC_PARTITIONS: "1",
    BRONZE_TOPICS: `lmp_rtm=${topic}`,
  });
  try {
    await run.waitFor("the immediate run", () => run.lines().some((l) => l.message === "poll finished"));
    const started = run.lines().find((l) => l.message === "oasis-stream started");
    assert.match(String(started?.bronze), /^kafka /);
    const finished = run.lines().find((l) => l.message === "poll finished");
    assert.equal(finished?.outcome, "done", JSON.stringify(finished));
    assert.ok(Number(finished?.rows) > 0, JSON.stringify(finished));
    await run.waitFor("the outbox to drain", async () => {
      const health = await (await fetch(`http://127.0.0.1:${run.port}/health`)).json();
      return health.checks?.bronze?.outboxDepth === 0;
    });
    const { code, stderr } = await run.stop();
    assert.equal(code, 0, stderr);
  } finally {
    await run.cleanUp();
    await sim.shutdown();
  }
});

Deno.test("the Dockerfile's CMD refuses a bad setting with exit code 2 and a message naming it", async () => {
  const { cmd } = await dockerfile();
  const cache = await denoDir();
  const map = (arg: string) => arg.replaceAll("/deno-dir", cache).replaceAll("/app", ROOT);
  const data = `data/test-main-${crypto.randomUUID()}`;
  await Deno.mkdir(join(ROOT, data), { recursive: true });
  try {
    await Deno.writeTextFile(
      join(ROOT, data, "oasis.yaml"),
      'market: "CAISO"\nthresholds: { spread: wide }\n',
    );
    const start = (env: Record<string, string>) =>
      new Deno.Command(Deno.execPath(), {
        args: cmd.slice(1).map(map),
        cwd: ROOT,
        clearEnv: true,
        env: { DENO_DIR: cache, HOME: Deno.env.get("HOME") ?? "/tmp", ...env },
        stdout: "piped",
        stderr: "piped",
      }).output();
    const fromFile = await start({ CONFIG_FILE: `${data}/oasis.yaml` });
    assert.equal(fromFile.code, 2);
    assert.match(
      decoder.decode(fromFile.stderr),
      /Invalid setting thresholds\.spread in data\/test-main-[^ ]+\/oasis\.yaml: "wide" is not a number/,
    );
    const fromEnv = await start({ JOB_SCHEDULES: "lmp_rtm=every 5 minutes" });
    assert.equal(fromEnv.code, 2);
    assert.match(
      decoder.decode(fromEnv.stderr),
      /Invalid setting JOB_SCHEDULES: "every 5 minutes" has 3 fields, not 5/,
    );
  } finally {
    await Deno.remove(join(ROOT, data), { recursive: true });
  }
});
