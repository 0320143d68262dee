/** `deno task backfill` as users run it: a subprocess against the simulator over HTTP, embedded defaults. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startSimulator } from "../../simulator/simulator.ts";
import { envFor } from "./cli_env.ts";

const ROOT = new URL("../../", import.meta.url);
const decoder = new TextDecoder();

function command(args: string[], env: Record<string, string>) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "scripts/backfill.ts", ...args],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  });
}

async function run(args: string[], env: Record<string, string>) {
  const out = await command(args, env).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** Every Bronze envelope written under `dir/bronze`, by topic folder. */
async function bronzeRows(dir: string): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for await (const topic of Deno.readDir(join(dir, "bronze"))) {
    for await (const file of Deno.readDir(join(dir, "bronze", topic.name))) {
      const text = await Deno.readTextFile(join(dir, "bronze", topic.name, file.name));
      for (const line of text.split("\n")) if (line.endsWith("}")) out.push(JSON.parse(line));
    }
  }
  return out;
}

const keyOf = (e: Record<string, unknown>) =>
  [e.dataset, e.node, e.qualifier ?? "", e.component, e.interval_start].join("|");

async function lines(dir: string, topic: string): Promise<number> {
  try {
    let n = 0;
    for await (const f of Deno.readDir(join(dir, "bronze", topic))) {
      n += (await Deno.readTextFile(join(dir, "bronze", topic, f.name))).split("\n").filter((l) =>
        l.endsWith("}")
      )
        .length;
    }
    return n;
  } catch {
    return 0;
  }
}

Deno.test("[backfill CLI] --dry-run prints the plan; a bad range and days beyond retention are refused with exit 2", async () => {
  const env = { NO_COLOR: "1", REDIS_URL: "", KAFKA_BOOTSTRAP_SERVERS: "", CONFIG_FILE: "" };
  const r = await run([
    "--from",
    "2025-11-01",
    "--to",
    "2025-11-30",
    "--datasets",
    "lmp_dam,as_dam",
    "--dry-run",
  ], env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /lmp_dam: 1 requests/);
  assert.match(r.stdout, /as_dam: 30 requests/);
  assert.match(r.stdout, /total: 31 requests/);
  const bad = await run(["--from", "2025-11-31", "--to", "2025-12-01"], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Invalid date "2025-11-31": no such day/);
  const old = await run(["--from", "2015-01-01", "--to", "2015-01-31", "--dry-run"], env);
  assert.equal(old.code, 2);
  assert.match(
    old.stderr,
    /is older than OASIS keeps \(about 39 months\): the oldest day it still serves is \d{4}-\d{2}-\d{2}/,
  );
  assert.doesNotMatch(old.stderr, /\n\s+at /, "no stack trace");
});

Deno.test("[backfill CLI] killed halfway with SIGKILL, the same command continues from its checkpoint without duplicate keys", async () => {
  const server = startSimulator({ port: 0, now: () => new Date("2025-11-10T20:00:00Z") });
  const dir = await Deno.makeTempDir();
  const args = ["--from", "2025-11-01", "--to", "2025-11-05", "--datasets", "as_fmm,lmp_dam"];
  try {
    const env = envFor(dir, server.url);
    // as_fmm's five days go through; lmp_dam's request hangs, and the process is killed there.
    server.simulator.faults.add({ kind: "slow", delayMs: 20_000, query: "PRC_LMP" });
    const child = command(args, env).spawn();
    // stderr is read as it comes: the progress line of the fifth window can follow its Bronze rows.
    let progress = "";
    const reading = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
      new WritableStream({ write: (chunk) => void (progress += chunk) }),
    );
    const draining = child.stdout.pipeTo(new WritableStream());
    const asFmmRows = (4 * 96 + 100) * 36;
    const deadline = Date.now() + 60_000;
    while (
      (await lines(dir, "ingestion.market.caiso.as.fmm.raw.v1")) < asFmmRows ||
      !/backfill 5\/6 as_fmm/.test(progress)
    ) {
      assert.ok(Date.now() < deadline, `as_fmm did not finish in time; progress so far:\n${progress}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill("SIGKILL");
    const killed = await child.status;
    await Promise.all([reading, draining]);
    assert.equal(killed.signal, "SIGKILL");
    const asked = (query: string) =>
      server.simulator.requests.filter((r) => r.url.includes(`queryname=${query}`) && r.status === 200)
        .length;
    assert.equal(asked("PRC_INTVL_AS"), 5);
    assert.equal(asked("PRC_LMP"), 0);

    server.simulator.faults.clear();
    const again = await run(args, env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /1 requests \(5 more done by an earlier run: checkpoint\)/);
    assert.match(
      again.stdout,
      /as_fmm: 0 requests, 0 rows, 0 without data, 0 failed .*5 windows from checkpoint/,
    );
    assert.match(again.stdout, /lmp_dam: 1 requests, 1815 rows/);
    assert.equal(asked("PRC_INTVL_AS"), 5, "the days done before the kill are not asked again");
    assert.equal(asked("PRC_LMP"), 1);

    const rows = await bronzeRows(dir);
    const keys = rows.map(keyOf);
    assert.equal(new Set(keys).size, keys.length, "no key written twice");
    assert.equal(rows.filter((r) => r.dataset === "as_fmm").length, asFmmRows);
    assert.equal(rows.filter((r) => r.dataset === "lmp_dam").length, 3 * 5 * (4 * 24 + 25));
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("[backfill CLI] a window that fails after retries is listed with its OASIS code, and the exit code is 3", async () => {
  const server = startSimulator({ port: 0, now: () => new Date("2025-11-10T20:00:00Z") });
  const dir = await Deno.makeTempDir();
  try {
    const env = envFor(dir, server.url, { CAISO_OASIS_MAX_ATTEMPTS: "2" });
    server.simulator.faults.add({ kind: "http500" }, { kind: "errorDocument", code: 1001 });
    const r = await run(["--from", "2025-11-03", "--to", "2025-11-04", "--datasets", "as_fmm"], env);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /as_fmm: 2 requests, 3456 rows, 0 without data, 1 failed/);
    assert.match(
      r.stdout,
      /FAILED as_fmm 2025-11-03T08:00:00\.000Z\.\.2025-11-04T08:00:00\.000Z \(OASIS code 1001\): OASIS request failed \(OASIS error 1001\)/,
    );
    assert.match(r.stdout, /total: 2 requests, 3456 rows, 1 retries, 1 failed — run the same command again/);
    const retry = await run(["--from", "2025-11-03", "--to", "2025-11-04", "--datasets", "as_fmm"], env);
    assert.equal(retry.code, 0, retry.stderr);
    assert.match(retry.stdout, /as_fmm: 1 requests, 3456 rows, 0 without data, 0 failed/);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("[backfill CLI] a bad --datasets or --nodes is reported under the flag, not the variable", async () => {
  const dir = await Deno.makeTempDir({ prefix: "backfill-flags-" });
  try {
    const env = envFor(dir, "http://127.0.0.1:9/oasisapi/SingleZip");
    const datasets = await run(["--from", "2025-11-01", "--to", "2025-11-01", "--datasets", "lmp_foo"], env);
    assert.equal(datasets.code, 2);
    assert.match(datasets.stderr, /^Invalid --datasets: unknown dataset "lmp_foo"/);
    assert.doesNotMatch(datasets.stderr, /OASIS_DATASETS/);
    const nodes = await run(["--from", "2025-11-01", "--to", "2025-11-01", "--nodes", "A;B"], env);
    assert.equal(nodes.code, 2);
    assert.match(nodes.stderr, /^Invalid --nodes: "A;B" is not a node name/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("[backfill CLI] a range after today warns that OASIS has no data for it yet", async () => {
  const dir = await Deno.makeTempDir({ prefix: "backfill-future-" });
  try {
    const env = envFor(dir, "http://127.0.0.1:9/oasisapi/SingleZip");
    const future = await run(["--from", "2099-01-01", "--to", "2099-01-02", "--dry-run"], env);
    assert.equal(future.code, 0, future.stderr);
    assert.match(future.stderr, /Warning: --to 2099-01-02 is after today \(\d{4}-\d{2}-\d{2}, Pacific\)/);
    const past = await run(["--from", "2025-11-01", "--to", "2025-11-01", "--dry-run"], env);
    assert.equal(past.code, 0, past.stderr);
    assert.doesNotMatch(past.stderr, /Warning/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Runs `test` with a simulator at 2025-11-10 and a scratch directory, both removed afterwards. */
async function withSimulator(
  test: (server: ReturnType<typeof startSimulator>, dir: string) => Promise<void>,
): Promise<void> {
  const server = startSimulator({ port: 0, now: () => new Date("2025-11-10T20:00:00Z") });
  const dir = await Deno.makeTempDir();
  try {
    await test(server, dir);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
}

const LMP_DAM = "ingestion.market.caiso.lmp.dam.raw.v1";
const hubs = ["TH_NP15_GEN-APND", "TH_SP15_GEN-APND", "TH_ZP26_GEN-APND"];

Deno.test("[backfill CLI] OASIS answering only the first of three days: re-requested, the missing ranges listed per node, exit 3; a re-run asks only for them", async () => {
  await withSimulator(async (server, dir) => {
    const args = ["--from", "2025-11-02", "--to", "2025-11-04", "--datasets", "lmp_dam"];
    const env = envFor(dir, server.url);
    server.simulator.faults.add({ kind: "partialAnswer", from: "2025-11-03T08:00:00Z", count: 3 });
    const r = await run(args, env);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /lmp_dam: 3 requests, 375 rows, .*, 144 intervals missing/);
    for (const node of hubs) {
      assert.match(
        r.stdout,
        new RegExp(
          `MISSING lmp_dam ${node} 2025-11-03T08:00Z\\.\\.2025-11-05T08:00Z: 48 intervals missing\\n`,
        ),
      );
    }
    const urls = server.simulator.requests.map((q) => new URL(q.url).searchParams);
    assert.deepEqual(
      urls.slice(1).map((p) => [p.get("startdatetime"), p.get("enddatetime"), p.get("node")]),
      Array(2).fill(["20251103T08:00-0000", "20251105T08:00-0000", hubs.join(",")]),
      "the re-requests ask only for the missing days",
    );
    assert.equal(await lines(dir, LMP_DAM), 375, "the first day is in Bronze");
    assert.match(r.stdout, /bronze: 375 rows committed to the outbox, 375 written to NDJSON files, 0 held/);

    const again = await run(args, env);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /lmp_dam: 1 requests, 720 rows, 0 without data, 0 failed/);
    assert.doesNotMatch(again.stdout, /MISSING/);
    const last = new URL(server.simulator.requests.at(-1)!.url).searchParams;
    assert.equal(
      last.get("startdatetime"),
      "20251103T08:00-0000",
      "the re-run asks only for what was missing",
    );
    const keys = (await bronzeRows(dir)).map(keyOf);
    assert.equal(keys.length, 375 + 720);
    assert.equal(new Set(keys).size, keys.length, "no key written twice");
  });
});

Deno.test("[backfill CLI] a node and then a component missing from answers are asked again by name until complete", async () => {
  await withSimulator(async (server, dir) => {
    server.simulator.faults.add(
      { kind: "partialAnswer", node: "TH_SP15_GEN-APND" },
      { kind: "partialAnswer", component: "MCL" },
    );
    const r = await run(
      ["--from", "2025-11-05", "--to", "2025-11-05", "--datasets", "lmp_dam"],
      envFor(dir, server.url),
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /lmp_dam: 3 requests/);
    const nodes = server.simulator.requests.map((q) => new URL(q.url).searchParams.get("node"));
    assert.deepEqual(nodes, [hubs.join(","), "TH_SP15_GEN-APND", "TH_SP15_GEN-APND"]);
    const rows = await bronzeRows(dir);
    assert.equal(new Set(rows.map(keyOf)).size, 3 * 24 * 5, "every node, hour and component is in Bronze");
    assert.equal(rows.length, 3 * 24 * 5, "and none twice");
  });
});

Deno.test('[backfill CLI] "no data" for a past day within retention counts as missing, not as done', async () => {
  await withSimulator(async (server, dir) => {
    server.simulator.faults.add({ kind: "errorDocument", code: 1000, count: 3 });
    const r = await run(
      ["--from", "2025-11-05", "--to", "2025-11-05", "--datasets", "lmp_dam"],
      envFor(dir, server.url),
    );
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(r.stdout, /lmp_dam: 3 requests, 0 rows, 1 without data/);
    assert.match(r.stdout, /NO DATA lmp_dam 2025-11-05T08:00:00\.000Z\.\.2025-11-06T08:00:00\.000Z/);
    for (const node of hubs) {
      assert.match(
        r.stdout,
        new RegExp(
          `MISSING lmp_dam ${node} 2025-11-05T08:00Z\\.\\.2025-11-06T08:00Z: 24 intervals missing\\n`,
        ),
      );
    }
    const again = await run(
      ["--from", "2025-11-05", "--to", "2025-11-05", "--datasets", "lmp_dam"],
      envFor(dir, server.url),
    );
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.equal(await lines(dir, LMP_DAM), 3 * 24 * 5);
  });
});
