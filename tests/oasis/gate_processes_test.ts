/**
 * The shared request gate across two real `deno` processes, measured where it matters: at the server. A
 * loopback server in this process records when each request arrives; one child keeps its main thread
 * busy (it parses every all-node answer there and runs 300 ms chunks of work in between), the other is
 * idle; both reserve in the real Redis named by `REDIS_URL` (own key prefix), or in one Deno KV file.
 * Every two consecutive arrivals must be at least the interval apart (less 50 ms of network jitter).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { deletePrefix, requireRedisUrl } from "../store/helpers.ts";

const ZIP = new URL(
  "../fixtures/oasis-samples/singlezip_PRC_LMP_DAM_v1_ALL_APNODES_start-20200102T00Z.zip",
  import.meta.url,
);
const CHILD = new URL("./gate_process_child.ts", import.meta.url).pathname;
// As in the report: CAISO_OASIS_MIN_INTERVAL_MS=1500 with the default guard.
// JITTER_MS: how far the recording server's own arrival stamps may lag on a loaded machine. The bug this
// test catches gave gaps of 1210-1285 ms, well under INTERVAL_MS - JITTER_MS.
const [INTERVAL_MS, GUARD_MS, PER_PROCESS, JITTER_MS] = [1500, 100, 5, 150];

interface ChildReport {
  parseMs: number[];
  failed: string[];
  fallbacks: number;
  tickets: number;
}

/** Runs the busy and the idle child against a recording server; returns the arrivals, by child. */
async function runTwoProcesses(kind: "redis" | "kv", target: string, prefix: string) {
  const zip = await Deno.readFile(ZIP);
  const arrivals: Array<{ child: string; at: number }> = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    arrivals.push({ child: new URL(req.url).pathname.split("/")[1]!, at: Date.now() });
    return new Response(zip, { headers: { "content-type": "application/zip" } });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const spawn = (name: string, busyMs: number, parse: string) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-check", "--allow-all", CHILD, kind, target, prefix, String(INTERVAL_MS)]
        .concat([String(GUARD_MS), String(PER_PROCESS), `${base}/${name}/oasisapi/SingleZip`])
        .concat([String(busyMs), parse]),
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  const children = [spawn("busy", 300, "main"), spawn("idle", 0, "none")];
  try {
    const outputs = children.map((c) => c.stdout.pipeThrough(new TextDecoderStream()).getReader());
    const errors = children.map((c) => new Response(c.stderr).text());
    for (const out of outputs) assert.match((await out.read()).value ?? "", /^ready/);
    for (const c of children) {
      const w = c.stdin.getWriter();
      await w.write(new TextEncoder().encode("go\n"));
      await w.close();
    }
    const reports: ChildReport[] = [];
    for (const [i, c] of children.entries()) {
      let text = "";
      for (let r = await outputs[i]!.read(); !r.done; r = await outputs[i]!.read()) text += r.value;
      assert.ok((await c.status).success, (await errors[i]) ?? "");
      reports.push(JSON.parse(text.trim()) as ChildReport);
    }
    return { arrivals, reports };
  } finally {
    for (const c of children) {
      try {
        c.kill();
      } catch {
        // already exited
      }
    }
    await server.shutdown();
  }
}

function assertSpacedAtServer(result: Awaited<ReturnType<typeof runTwoProcesses>>): void {
  const { arrivals, reports } = result;
  const [busy, idle] = reports;
  assert.deepEqual([busy!.failed, idle!.failed], [[], []]);
  assert.deepEqual([busy!.fallbacks, idle!.fallbacks], [0, 0], "both reserved in the shared store");
  assert.ok(Math.max(...busy!.parseMs) >= 300, `the busy child parsed on its main thread: ${busy!.parseMs}`);
  assert.equal(arrivals.length, 2 * PER_PROCESS);
  assert.deepEqual(new Set(arrivals.map((a) => a.child)), new Set(["busy", "idle"]));
  const log = arrivals.map((a, i) => `${a.child} +${i === 0 ? 0 : a.at - arrivals[i - 1]!.at}`).join(", ");
  for (let i = 1; i < arrivals.length; i++) {
    const gap = arrivals[i]!.at - arrivals[i - 1]!.at;
    assert.ok(gap >= INTERVAL_MS - JITTER_MS, `requests ${i - 1} and ${i} arrived ${gap} ms apart: ${log}`);
  }
}

Deno.test({
  name: "[redis] a busy process and an idle one on one Redis keep the interval between all their requests",
  sanitizeResources: false,
  fn: async () => {
    const url = requireRedisUrl();
    const prefix = `test:${crypto.randomUUID()}:`;
    try {
      assertSpacedAtServer(await runTwoProcesses("redis", url, prefix));
    } finally {
      await deletePrefix(url, prefix);
    }
  },
});

Deno.test({
  name:
    "[kv] a busy process and an idle one on one JOBS_KV_PATH keep the interval between all their requests",
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "gate-processes-" });
    try {
      assertSpacedAtServer(await runTwoProcesses("kv", join(dir, "jobs.kv"), "gate-test"));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
