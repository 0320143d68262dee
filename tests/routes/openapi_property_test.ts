/**
 * Property-based fuzzing of every operation of `GET /api/openapi.json` (a JSON body too, where one is
 * documented: `POST /api/alerts/rules`) against a real `Deno.serve` in a
 * child process (`fuzz_server.ts`): each generated request must answer within 2 s (or, on a machine so loaded
 * that one arbitrage computation measured at the server's start takes more than 400 ms, five times that) with a
 * non-5xx status
 * while `GET /health/live`, probed all along, answers within 1 s. A handler that blocks the event loop
 * fails the test (the child is killed) instead of hanging it. Bounded: a number of runs per operation and a
 * time limit per operation; the first failure stops the run and is reported as is (no shrinking, which
 * would only retry against a server that no longer answers).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { bodyOf, type Operation, operations, requestOf } from "./openapi_arbitraries.ts";

const RUNS_PER_OPERATION = 60;
const TIME_PER_OPERATION_MS = 20_000;
const REQUEST_TIMEOUT_FLOOR_MS = 2_000;
let REQUEST_TIMEOUT_MS = REQUEST_TIMEOUT_FLOOR_MS;
const LIVE_TIMEOUT_MS = 1_000;

async function startServer(): Promise<{ url: string; child: Deno.ChildProcess; stderr: Promise<string> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL("./fuzz_server.ts", import.meta.url).pathname],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`The fuzz server exited before listening: ${await stderr}`);
    text += value;
  }
  clearTimeout(timer);
  await reader.cancel();
  const { port, computeMs } = JSON.parse(text.slice(0, text.indexOf("\n")));
  // A hang never answers; a loaded machine answers late: the bound scales with this run's own reference.
  REQUEST_TIMEOUT_MS = Math.max(REQUEST_TIMEOUT_FLOOR_MS, 5 * computeMs);
  return { url: `http://127.0.0.1:${port}`, child, stderr };
}

/** Probes `/health/live` until stopped; `failure` is the first probe that did not answer 200 in time. */
function watchLiveness(url: string, current: () => string) {
  let failure: string | undefined;
  let stopped = false;
  const loop = (async () => {
    while (!stopped && failure === undefined) {
      const started = performance.now();
      try {
        const res = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(LIVE_TIMEOUT_MS) });
        await res.body?.cancel();
        if (res.status !== 200) failure = `/health/live answered ${res.status} during ${current()}`;
      } catch (error) {
        const ms = Math.round(performance.now() - started);
        failure = `/health/live did not answer within ${LIVE_TIMEOUT_MS} ms (${ms} ms: ` +
          `${(error as Error).name}) during ${current()}`;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    failure: () => failure,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

async function send(url: string, op: Operation, target: string, body?: string): Promise<void> {
  const what = `${op.method.toUpperCase()} ${target}${body === undefined ? "" : ` ${body.slice(0, 200)}`}`;
  let res: Response;
  try {
    res = await fetch(url + target, {
      method: op.method.toUpperCase(),
      body,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new Error(`${what} did not answer within ${REQUEST_TIMEOUT_MS} ms: ${(error as Error).name}`);
  }
  const answer = await res.text();
  assert.ok(res.status < 500, `${what} answered ${res.status}: ${answer.slice(0, 300)}`);
}

Deno.test("[openapi] generated requests to every documented operation answer within 2 s, never 5xx, while /health/live answers within 1 s", async () => {
  const server = await startServer();
  let current = "(no request yet)";
  const live = watchLiveness(server.url, () => current);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await live.stop();
    server.child.kill("SIGKILL"); // SIGTERM is not handled by a frozen event loop
    await server.child.status;
    await server.stderr;
  };
  try {
    const doc = await (await fetch(`${server.url}/api/openapi.json`)).json();
    const ops = operations(doc);
    assert.ok(ops.length >= 7, `${ops.length} documented operations`);
    let requests = 0;
    for (const op of ops) {
      await fc.assert(
        fc.asyncProperty(requestOf(op), bodyOf(op), async (target, body) => {
          current = `${op.method.toUpperCase()} ${target}`;
          requests++;
          await send(server.url, op, target, body);
          const failure = live.failure();
          if (failure !== undefined) throw new Error(failure);
        }),
        { numRuns: RUNS_PER_OPERATION, interruptAfterTimeLimit: TIME_PER_OPERATION_MS, endOnFailure: true },
      );
    }
    assert.ok(requests >= ops.length * 10, `${requests} requests`);
    await live.stop();
    assert.equal(live.failure(), undefined);
  } catch (error) {
    await stop();
    const stderr = (await server.stderr).slice(-2000);
    if (stderr.trim() !== "") (error as Error).message += `\nThe server's stderr:\n${stderr}`;
    throw error;
  } finally {
    await stop();
  }
});
