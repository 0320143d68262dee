import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { strToU8, zipSync } from "fflate";
import {
  type FetchResult,
  OasisClient,
  type OasisClientOptions,
  type OasisRequestEvent,
} from "../../src/oasis/client.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";
import { OasisParseError, OasisRequestError } from "../../src/oasis/errors.ts";
import { createBackoff } from "../../src/oasis/fetch_policy.ts";
import { RequestGate } from "../../src/oasis/gate.ts";
import { fileNameFromDisposition } from "../../src/oasis/http_answer.ts";
import type { ParseResult } from "../../src/oasis/row.ts";
import { buildUrl } from "../../src/oasis/url.ts";
import type { RequestWindow } from "../../src/oasis/windows.ts";

type Clock = ReturnType<typeof FakeTimers.install>;

const BASE = "https://oasis.test/oasisapi/SingleZip";

function windowFor(day: number, node = "TH_NP15_GEN-APND"): RequestWindow {
  return {
    dataset: "lmp_dam",
    query: DATASETS.lmp_dam.queries[0]!,
    start: new Date(Date.UTC(2026, 0, day, 8)),
    end: new Date(Date.UTC(2026, 0, day + 1, 8)),
    nodes: [node],
  };
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** A body that starts like a ZIP; the fake parser reads the marker after the magic bytes. */
function zipBody(marker: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array([...ZIP_MAGIC, ...new TextEncoder().encode(marker)]);
}

/** Fake parser: `rows`, `nodata`, `err:<code>` or `truncated` after the ZIP magic. */
const fakeParse = (bytes: Uint8Array): ParseResult => {
  const marker = new TextDecoder().decode(bytes.subarray(4));
  if (marker === "rows") return { kind: "rows", rows: [], problems: [], files: ["a.csv"] };
  if (marker === "nodata") return { kind: "no-data", code: 1000, description: "No data", file: "e.xml" };
  if (marker.startsWith("err:")) {
    return {
      kind: "oasis-error",
      code: Number(marker.slice(4)),
      description: "OASIS says no",
      file: "e.xml",
    };
  }
  throw new OasisParseError("Cannot read response: truncated ZIP", { file: "x.zip" });
};

type Responder = (url: string, init: RequestInit) => Response | Promise<Response>;

const ok = (marker = "rows", headers: HeadersInit = {}): Responder => () =>
  new Response(zipBody(marker), { status: 200, headers });
const status = (code: number, body = "<html><body><p>Error page</p></body></html>"): Responder => () =>
  new Response(body, { status: code, headers: { "content-type": "text/html" } });
const networkError: Responder = () =>
  Promise.reject(new TypeError("error sending request: connection reset"));
const neverAnswers: Responder = (_url, init) =>
  new Promise((_resolve, reject) =>
    init.signal!.addEventListener("abort", () => reject(init.signal!.reason))
  );

/** A scripted fetch: answers with the responders in order (the last one repeats); records each call. */
function scriptedFetch(...responders: Responder[]) {
  const calls: Array<{ url: string; init: RequestInit; at: number }> = [];
  const fetch = (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = String(input);
    const responder = responders[Math.min(calls.length, responders.length - 1)]!;
    calls.push({ url, init, at: Date.now() });
    return Promise.resolve(responder(url, init));
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

interface Harness {
  clock: Clock;
  client: OasisClient;
  events: OasisRequestEvent[];
  calls: ReturnType<typeof scriptedFetch>["calls"];
}

async function withClient(
  responders: Responder[],
  options: Partial<OasisClientOptions>,
  fn: (h: Harness) => Promise<void>,
): Promise<void> {
  const clock = FakeTimers.install({ now: 0, toFake: ["setTimeout", "clearTimeout", "Date"] });
  try {
    const { fetch, calls } = scriptedFetch(...responders);
    const events: OasisRequestEvent[] = [];
    const client = new OasisClient({
      baseUrl: BASE,
      gate: new RequestGate(),
      fetch,
      parse: fakeParse,
      onRequest: (e) => events.push(e),
      ...options,
    });
    await fn({ clock, client, events, calls });
  } finally {
    clock.uninstall();
  }
}

type Settled = { ok: true; value: FetchResult } | { ok: false; error: unknown };

/** Attaches handlers at once (no unhandled rejection while fake time runs) and runs all timers. */
async function run(clock: Clock, promise: Promise<FetchResult>): Promise<Settled> {
  const settled = promise.then(
    (value): Settled => ({ ok: true, value }),
    (error): Settled => ({ ok: false, error }),
  );
  await clock.runAllAsync();
  return await settled;
}

function failure(s: Settled): OasisRequestError {
  assert.ok(!s.ok, "expected the request to fail");
  assert.ok(s.error instanceof OasisRequestError, `expected OasisRequestError, got ${s.error}`);
  return s.error;
}

function success(s: Settled): FetchResult {
  if (!s.ok) throw s.error;
  return s.value;
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

Deno.test("fetchWindow() returns parsed rows with the URL, file name and attempt count", async () => {
  const disposition = "inline; filename=20260101_20260101_PRC_LMP_DAM_20260102_10_00_00_v12.zip";
  const seen: Array<{ dataset?: string; fileName?: string }> = [];
  await withClient(
    [ok("rows", { "content-disposition": disposition })],
    { parse: (b, ctx) => (seen.push(ctx), fakeParse(b)) },
    async ({ clock, client, events, calls }) => {
      const w = windowFor(1);
      const r = success(await run(clock, client.fetchWindow(w)));
      assert.equal(r.result.kind, "rows");
      assert.equal(r.url, buildUrl(BASE, w));
      assert.equal(r.finalUrl, r.url);
      assert.equal(r.fileName, "20260101_20260101_PRC_LMP_DAM_20260102_10_00_00_v12.zip");
      assert.equal(r.attempts, 1);
      assert.equal(r.bytes, 8);
      assert.equal(r.fetchedAt, new Date(0).toISOString());
      assert.deepEqual(seen, [{ dataset: "lmp_dam", fileName: r.fileName }]);
      assert.equal(calls[0]!.url, r.url);
      assert.deepEqual(events.map((e) => e.outcome), ["ok"]);
      assert.equal(events[0]!.status, 200);
      assert.equal(client.breakerState, "closed");
    },
  );
});

Deno.test("fetchWindow() spaces every attempt of concurrent windows and their retries by the gate", async () => {
  // Window 1 fails twice (503) before succeeding; windows 2 and 3 succeed at once. Backoff is short, so
  // only the shared gate keeps the starts 5 s apart.
  const answers = new Map<string, number>();
  const responder: Responder = (url) => {
    const n = (answers.get(url) ?? 0) + 1;
    answers.set(url, n);
    return url.includes("20260101") && n <= 2 ? status(503)(url, {}) : ok()(url, {});
  };
  await withClient([responder], { backoffInitialMs: 10 }, async ({ clock, client, calls }) => {
    const results = await Promise.all([1, 2, 3].map((d) => run(clock, client.fetchWindow(windowFor(d)))));
    for (const r of results) assert.equal(success(r).result.kind, "rows");
    assert.equal(calls.length, 5);
    const starts = calls.map((c) => c.at);
    for (const gap of gaps(starts)) assert.ok(gap >= 5000, `starts ${starts} closer than 5 s`);
  });
});

Deno.test("fetchWindow() backs off at least 5 s after HTTP 429, longer each time", async () => {
  const body =
    "<html><body><p>CAISO Acceptable Use Policy Violation. Please retry your request after 5 seconds.</p>" +
    "</body></html>";
  await withClient(
    [status(429, body), status(429, body), status(429, body), ok()],
    { gate: new RequestGate({ minIntervalMs: 0 }) },
    async ({ clock, client, calls, events }) => {
      const r = success(await run(clock, client.fetchWindow(windowFor(1))));
      assert.equal(r.attempts, 4);
      const g = gaps(calls.map((c) => c.at));
      assert.ok(g.every((x) => x >= 5000), `gaps ${g}`);
      assert.ok(g[1]! > g[0]! && g[2]! > g[1]!, `gaps ${g} do not grow`);
      assert.deepEqual(events.map((e) => e.outcome), ["http_429", "http_429", "http_429", "ok"]);
    },
  );
});

Deno.test("fetchWindow() waits 5 s after a 429 even when the configured backoff is shorter", async () => {
  await withClient(
    [status(429), ok(), status(503), ok()],
    { gate: new RequestGate({ minIntervalMs: 0 }), backoffInitialMs: 100 },
    async ({ clock, client, calls }) => {
      success(await run(clock, client.fetchWindow(windowFor(1))));
      success(await run(clock, client.fetchWindow(windowFor(2))));
      const g = gaps(calls.map((c) => c.at));
      assert.ok(g[0]! >= 5000, `429 retried after ${g[0]} ms`);
      assert.ok(g[2]! < 5000, `503 retried after ${g[2]} ms, expected the short backoff`);
    },
  );
});

Deno.test("fetchWindow() retries a 5xx answer and then succeeds", async () => {
  await withClient([status(502), ok()], {}, async ({ clock, client, events }) => {
    const r = success(await run(clock, client.fetchWindow(windowFor(1))));
    assert.equal(r.attempts, 2);
    assert.deepEqual(events.map((e) => [e.outcome, e.status]), [["http_5xx", 502], ["ok", 200]]);
  });
});

Deno.test("fetchWindow() retries a network error and then succeeds", async () => {
  await withClient([networkError, ok()], {}, async ({ clock, client, events }) => {
    const r = success(await run(clock, client.fetchWindow(windowFor(1))));
    assert.equal(r.attempts, 2);
    assert.deepEqual(events.map((e) => e.outcome), ["network", "ok"]);
  });
});

Deno.test("fetchWindow() aborts an attempt after timeoutMs and reports a timeout when retries run out", async () => {
  await withClient(
    [neverAnswers],
    { timeoutMs: 30_000, maxAttempts: 2 },
    async ({ clock, client, calls, events }) => {
      const w = windowFor(1);
      const err = failure(await run(clock, client.fetchWindow(w)));
      assert.equal(err.kind, "timeout");
      assert.equal(err.retryable, true);
      assert.equal(err.url, buildUrl(BASE, w));
      assert.equal(calls.length, 2);
      assert.ok(calls.every((c) => c.init.signal?.aborted));
      assert.deepEqual(events.map((e) => [e.outcome, e.durationMs]), [["timeout", 30_000], [
        "timeout",
        30_000,
      ]]);
    },
  );
});

Deno.test("fetchWindow() retries after a timeout and then succeeds", async () => {
  await withClient([neverAnswers, ok()], { timeoutMs: 10_000 }, async ({ clock, client, events }) => {
    const r = success(await run(clock, client.fetchWindow(windowFor(1))));
    assert.equal(r.attempts, 2);
    assert.deepEqual(events.map((e) => e.outcome), ["timeout", "ok"]);
  });
});

Deno.test("fetchWindow() follows redirects and records the final URL beside the requested one", async () => {
  const final =
    "https://oasis.test/oasisapi/GroupZip?groupid=DAM_PRC_AS_GRP&startdatetime=20260101T08:00-0000";
  const redirected: Responder = () => {
    const response = new Response(zipBody("rows"), { status: 200 });
    Object.defineProperty(response, "url", { value: final });
    Object.defineProperty(response, "redirected", { value: true });
    return response;
  };
  await withClient([redirected], {}, async ({ clock, client, calls, events }) => {
    const w = windowFor(1);
    const r = success(await run(clock, client.fetchWindow(w)));
    assert.equal(calls[0]!.init.redirect, "follow");
    assert.equal(r.url, buildUrl(BASE, w));
    assert.equal(r.finalUrl, final);
    assert.equal(events[0]!.finalUrl, final);
  });
});

Deno.test("fetchWindow() retries a 200 answer whose body is not a ZIP, without parsing it", async () => {
  let parsed = 0;
  await withClient(
    [status(200, "<html><body>Service temporarily unavailable</body></html>"), ok()],
    { parse: (b) => (parsed++, fakeParse(b)) },
    async ({ clock, client, events }) => {
      const r = success(await run(clock, client.fetchWindow(windowFor(1))));
      assert.equal(r.attempts, 2);
      assert.equal(parsed, 1);
      assert.deepEqual(events.map((e) => e.outcome), ["parse_error", "ok"]);
    },
  );
});

Deno.test("fetchWindow() retries an unreadable ZIP and finally fails with kind parse and the parse error as cause", async () => {
  await withClient([ok("truncated")], { maxAttempts: 3 }, async ({ clock, client, calls }) => {
    const w = windowFor(1);
    const err = failure(await run(clock, client.fetchWindow(w)));
    assert.equal(err.kind, "parse");
    assert.equal(err.retryable, true);
    assert.ok(err.cause instanceof OasisParseError);
    assert.equal(err.url, buildUrl(BASE, w));
    assert.equal(calls.length, 3);
  });
});

Deno.test("fetchWindow() returns OASIS 1000 as a no-data result without retrying", async () => {
  await withClient([ok("nodata")], {}, async ({ clock, client, calls, events }) => {
    const r = success(await run(clock, client.fetchWindow(windowFor(1))));
    assert.equal(r.result.kind, "no-data");
    assert.equal(calls.length, 1);
    assert.deepEqual(events.map((e) => [e.outcome, e.code]), [["no-data", 1000]]);
  });
});

Deno.test("fetchWindow() throws OASIS 1001 as a typed, non-retryable error after one attempt", async () => {
  await withClient([ok("err:1001")], {}, async ({ clock, client, calls, events }) => {
    const w = windowFor(1);
    const err = failure(await run(clock, client.fetchWindow(w)));
    assert.equal(err.kind, "oasis");
    assert.equal(err.code, 1001);
    assert.equal(err.retryable, false);
    assert.equal(err.description, "OASIS says no");
    assert.equal(err.url, buildUrl(BASE, w));
    assert.ok(err.message.includes(err.url));
    assert.equal(calls.length, 1);
    assert.deepEqual(events.map((e) => [e.outcome, e.code]), [["oasis_error", 1001]]);
  });
});

Deno.test("fetchWindow() retries OASIS 1010 (system error) and then succeeds", async () => {
  await withClient([ok("err:1010"), ok("err:1010"), ok()], {}, async ({ clock, client, events }) => {
    const r = success(await run(clock, client.fetchWindow(windowFor(1))));
    assert.equal(r.attempts, 3);
    assert.deepEqual(events.map((e) => e.outcome), ["oasis_error", "oasis_error", "ok"]);
  });
});

Deno.test("fetchWindow() gives up on a retryable OASIS code after maxAttempts", async () => {
  await withClient([ok("err:1003")], { maxAttempts: 2 }, async ({ clock, client, calls }) => {
    const err = failure(await run(clock, client.fetchWindow(windowFor(1))));
    assert.equal(err.code, 1003);
    assert.equal(err.retryable, true);
    assert.equal(calls.length, 2);
  });
});

Deno.test("fetchWindow() does not retry a 4xx answer other than 429", async () => {
  await withClient([status(404, "Not Found")], {}, async ({ clock, client, calls, events }) => {
    const w = windowFor(1);
    const err = failure(await run(clock, client.fetchWindow(w)));
    assert.equal(err.kind, "http");
    assert.equal(err.status, 404);
    assert.equal(err.retryable, false);
    assert.equal(err.description, "Not Found");
    assert.equal(err.url, buildUrl(BASE, w));
    assert.equal(calls.length, 1);
    assert.deepEqual(events.map((e) => e.outcome), ["http_4xx"]);
  });
});

Deno.test("fetchWindow() carries the 429 page text and the URL in the final error", async () => {
  await withClient([status(429, "<html><body><p>Please retry after 5 seconds.</p></body></html>")], {
    maxAttempts: 2,
  }, async ({ clock, client }) => {
    const w = windowFor(1);
    const err = failure(await run(clock, client.fetchWindow(w)));
    assert.equal(err.status, 429);
    assert.equal(err.description, "Please retry after 5 seconds.");
    assert.equal(err.url, buildUrl(BASE, w));
  });
});

Deno.test("the circuit breaker opens after sustained failures, fails fast, half-opens after the delay and closes on success", async () => {
  let probe: ((r: Response) => void) | undefined;
  let mode: "fail" | "probe" = "fail";
  const responder: Responder = (url) => {
    if (mode === "fail") return status(503)(url, {});
    return new Promise<Response>((resolve) => probe = resolve);
  };
  await withClient(
    [responder],
    { maxAttempts: 2, breakerThreshold: 4, breakerHalfOpenMs: 60_000 },
    async ({ clock, client, calls, events }) => {
      // Two windows of two failed attempts each: four consecutive failures open the breaker.
      failure(await run(clock, client.fetchWindow(windowFor(1))));
      assert.equal(client.breakerState, "closed");
      failure(await run(clock, client.fetchWindow(windowFor(2))));
      assert.equal(client.breakerState, "open");
      assert.equal(calls.length, 4);

      // While open: no request is sent, the error says so and carries the URL.
      const w = windowFor(3);
      const err = failure(await run(clock, client.fetchWindow(w)));
      assert.equal(err.kind, "breaker");
      assert.equal(err.url, buildUrl(BASE, w));
      assert.ok(
        err.cause instanceof OasisRequestError && err.cause.status === 503,
        "cause is the last failure",
      );
      assert.equal(calls.length, 4);
      assert.equal(events.at(-1)!.outcome, "breaker_open");

      // After the half-open delay one probe goes through; while it runs the breaker is half-open.
      await clock.tickAsync(60_000);
      mode = "probe";
      const pending = client.fetchWindow(windowFor(4));
      const settled = pending.then((v) => v, (e) => e);
      await clock.tickAsync(0);
      assert.equal(calls.length, 5);
      assert.equal(client.breakerState, "half-open");
      probe!(new Response(zipBody("rows"), { status: 200 }));
      const result = await settled;
      assert.equal((result as FetchResult).result.kind, "rows");
      assert.equal(client.breakerState, "closed");
    },
  );
});

Deno.test("a failed probe re-opens the circuit breaker", async () => {
  await withClient(
    [status(503)],
    { maxAttempts: 1, breakerThreshold: 2, breakerHalfOpenMs: 30_000 },
    async ({ clock, client, calls }) => {
      failure(await run(clock, client.fetchWindow(windowFor(1))));
      failure(await run(clock, client.fetchWindow(windowFor(2))));
      assert.equal(client.breakerState, "open");
      await clock.tickAsync(30_000);
      const err = failure(await run(clock, client.fetchWindow(windowFor(3))));
      assert.equal(err.kind, "http");
      assert.equal(calls.length, 3);
      assert.equal(client.breakerState, "open");
      assert.equal(failure(await run(clock, client.fetchWindow(windowFor(4)))).kind, "breaker");
    },
  );
});

Deno.test("non-retryable answers do not open the circuit breaker", async () => {
  await withClient([ok("err:1001")], { breakerThreshold: 2 }, async ({ clock, client }) => {
    for (const d of [1, 2, 3]) failure(await run(clock, client.fetchWindow(windowFor(d))));
    assert.equal(client.breakerState, "closed");
  });
});

Deno.test("fetchWindow() rejects with the abort reason when aborted during a backoff wait", async () => {
  await withClient([status(503)], {}, async ({ clock, client, calls }) => {
    const controller = new AbortController();
    const pending = client.fetchWindow(windowFor(1), controller.signal).then(() => "resolved", (e) => e);
    await clock.tickAsync(1000);
    assert.equal(calls.length, 1);
    controller.abort(new Error("shutting down"));
    const reason = await pending;
    assert.ok(reason instanceof Error && reason.message === "shutting down");
    await clock.runAllAsync();
    assert.equal(calls.length, 1);
  });
});

Deno.test("fetchWindow() rejects with the abort reason when aborted during a request, without retrying", async () => {
  await withClient([neverAnswers], {}, async ({ clock, client, calls, events }) => {
    const controller = new AbortController();
    const pending = client.fetchWindow(windowFor(1), controller.signal).then(() => "resolved", (e) => e);
    await clock.tickAsync(1000);
    controller.abort(new Error("shutting down"));
    const reason = await pending;
    assert.ok(reason instanceof Error && reason.message === "shutting down");
    await clock.runAllAsync();
    assert.equal(calls.length, 1);
    assert.deepEqual(events.map((e) => e.outcome), ["aborted"]);
    assert.equal(client.breakerState, "closed");
  });
});

Deno.test("a throwing onRequest hook does not fail the request", async () => {
  await withClient([ok()], {
    onRequest: () => {
      throw new Error("metrics down");
    },
  }, async ({ clock, client }) => {
    assert.equal(success(await run(clock, client.fetchWindow(windowFor(1)))).result.kind, "rows");
  });
});

Deno.test("fileNameFromDisposition() reads plain, quoted and RFC 5987 file names", () => {
  assert.equal(
    fileNameFromDisposition("inline; filename=INVALID_REQUEST.xml.zip"),
    "INVALID_REQUEST.xml.zip",
  );
  assert.equal(fileNameFromDisposition('attachment; filename="a b.zip"'), "a b.zip");
  assert.equal(fileNameFromDisposition("attachment; filename*=UTF-8''a%20b.zip; filename=x.zip"), "a b.zip");
  assert.equal(fileNameFromDisposition("inline"), undefined);
  assert.equal(fileNameFromDisposition(null), undefined);
});

Deno.test("fetchWindow() parses with parseResponse by default", async () => {
  const errorDocument =
    '<m:OASISReport xmlns:m="http://www.caiso.com/soa/OASISReport_v1.xsd"><m:MessagePayload>' +
    "<m:RTO><m:name>CAISO</m:name><m:ERROR><m:ERR_CODE>1000</m:ERR_CODE>" +
    "<m:ERR_DESC>No data returned for the specified selection</m:ERR_DESC></m:ERROR></m:RTO></m:MessagePayload>" +
    "</m:OASISReport>";
  const zip = zipSync({ "20260101_20260101_PRC_LMP_DAM_20260102_10_00_00_v12.xml": strToU8(errorDocument) });
  const answer: Responder = () =>
    new Response(zip.slice(), {
      headers: { "content-disposition": "inline; filename=20260101_PRC_LMP.xml.zip" },
    });
  await withClient([answer], { parse: undefined }, async ({ clock, client }) => {
    const r = success(await run(clock, client.fetchWindow(windowFor(1))));
    assert.equal(r.result.kind, "no-data");
    assert.equal(r.fileName, "20260101_PRC_LMP.xml.zip");
  });
});

Deno.test("createBackoff() starts at the initial delay, doubles with jitter and never exceeds the cap", () => {
  const context = { attempt: 1, signal: new AbortController().signal, result: { error: new Error("x") } };
  let backoff = createBackoff(5000, 30_000).next(context);
  const delays = [backoff.duration];
  for (let i = 0; i < 6; i++) {
    backoff = backoff.next(context);
    delays.push(backoff.duration);
  }
  const floors = [5000, 10_000, 15_000, 15_000, 15_000, 15_000, 15_000];
  delays.forEach((d, i) => assert.ok(d >= floors[i]! && d <= 30_000, `delay ${i} = ${d}`));
  assert.ok(delays[0]! < 10_000 && delays[1]! < 20_000);
});
