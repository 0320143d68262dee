/** Why OASIS gave no answer, said once per outage: the cause classes, the tracker and the service's log. */
import assert from "node:assert/strict";
import { OasisClient, type OasisRequestEvent } from "../../src/oasis/client.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";
import { RequestGate } from "../../src/oasis/gate.ts";
import { networkCause } from "../../src/oasis/network_cause.ts";
import { OutageTracker } from "../../src/oasis/outage.ts";
import { createOasisRequestLog, NO_OASIS_HINT } from "../../src/service/oasis_request_log.ts";
import { freePort } from "../store/helpers.ts";

/** Deno's fetch error: `TypeError("fetch failed")` with the connector's message as `cause`. */
const fetchError = (inner: string) => new TypeError("fetch failed", { cause: new Error(inner) });

Deno.test("networkCause() classifies dns, refused, tls, timeout and other from the error chain", () => {
  const cases: [unknown, string][] = [
    [
      fetchError(
        "error sending request for url (https://oasis.caiso.com/x): client error (Connect): dns error: failed to lookup address information: Name or service not known",
      ),
      "dns",
    ],
    [Object.assign(new Error("getaddrinfo ENOTFOUND oasis.caiso.com"), { code: "ENOTFOUND" }), "dns"],
    [fetchError("client error (Connect): tcp connect error: Connection refused (os error 111)"), "refused"],
    [fetchError("client error (Connect): invalid peer certificate: UnknownIssuer"), "tls"],
    [fetchError("client error (Connect): received corrupt message of type InvalidContentType"), "tls"],
    [fetchError("client error (Connect): tcp connect error: Connection timed out (os error 110)"), "timeout"],
    [fetchError("connection reset by peer"), "other"],
    ["weird", "other"],
  ];
  for (const [error, cause] of cases) assert.equal(networkCause(error).cause, cause, String(error));
  assert.equal(networkCause(new Error("aborted"), true).cause, "timeout", "the attempt's own timeout");
  assert.match(networkCause(cases[2]![0]).detail, /Connection refused/, "the innermost message");
});

async function attemptEvents(url: string): Promise<OasisRequestEvent[]> {
  const events: OasisRequestEvent[] = [];
  const client = new OasisClient({
    baseUrl: url,
    gate: new RequestGate({ minIntervalMs: 0, ratePerMinute: 1_000_000 }),
    maxAttempts: 1,
    onRequest: (e) => events.push(e),
  });
  const window = {
    dataset: "lmp_dam" as const,
    query: DATASETS.lmp_dam.queries[0]!,
    start: new Date("2026-01-01T08:00:00Z"),
    end: new Date("2026-01-02T08:00:00Z"),
    nodes: ["TH_NP15_GEN-APND"],
  };
  await assert.rejects(client.fetchWindow(window), /Network error \((refused|tls)\)/);
  return events;
}

Deno.test("the client reports refused and tls from real loopback failures, with the connector's message", async () => {
  const refused = await attemptEvents(`http://127.0.0.1:${freePort()}/oasisapi/SingleZip`);
  assert.equal(refused[0]!.outcome, "network");
  assert.equal(refused[0]!.cause, "refused");
  assert.match(refused[0]!.detail!, /Connection refused/);
  // TLS to a plain HTTP server: the handshake fails.
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, () => new Response("x"));
  try {
    const tls = await attemptEvents(`https://127.0.0.1:${server.addr.port}/oasisapi/SingleZip`);
    assert.equal(tls[0]!.cause, "tls");
  } finally {
    await server.shutdown();
  }
});

const event = (outcome: OasisRequestEvent["outcome"], extra: Partial<OasisRequestEvent> = {}) => ({
  url: "https://oasis.caiso.com/oasisapi/SingleZip?queryname=PRC_LMP",
  attempt: 1,
  outcome,
  durationMs: 1,
  ...extra,
});

Deno.test("OutageTracker: the first attempt without an answer starts an outage, the first answer ends it", () => {
  const t = new OutageTracker();
  assert.deepEqual(t.observe(event("ok"), 0), { change: null, quiet: false });
  const down = t.observe(event("network", { cause: "dns", detail: "dns error" }), 1000);
  assert.deepEqual(down.change, {
    kind: "down",
    host: "oasis.caiso.com",
    url: event("ok").url,
    cause: "dns",
    detail: "dns error",
  });
  assert.equal(t.observe(event("timeout"), 2000).change, null);
  assert.equal(t.observe(event("breaker_open"), 3000).quiet, true);
  const up = t.observe(event("http_5xx", { status: 503 }), 61_000);
  assert.deepEqual(up.change, { kind: "up", host: "oasis.caiso.com", downForMs: 60_000, failedAttempts: 3 });
  assert.equal(t.down, false);
  assert.deepEqual(t.observe(event("breaker_open"), 62_000), { change: null, quiet: false });
});

Deno.test("the service logs the cause of an outage once, with host and hint, then quietly until OASIS answers", () => {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  let now = 0;
  const logRequest = createOasisRequestLog(
    (level, msg, fields) => lines.push({ level, msg, fields }),
    () => now,
  );
  const refused = {
    cause: "refused" as const,
    detail: "tcp connect error: Connection refused (os error 111)",
  };
  for (let i = 0; i < 20; i++) logRequest(event("network", refused));
  now = 90_000;
  logRequest(event("ok"));
  const loud = lines.filter((l) => l.level !== "debug");
  assert.deepEqual(loud.map((l) => l.msg), ["OASIS unreachable", "OASIS reachable again"]);
  assert.deepEqual(loud[0]!.fields, {
    host: "oasis.caiso.com",
    url: event("ok").url,
    cause: "refused",
    error: refused.detail,
    hint: NO_OASIS_HINT,
  });
  assert.match(NO_OASIS_HINT, /deno task demo/);
  assert.deepEqual(loud[1]!.fields, { host: "oasis.caiso.com", downForS: 90, failedAttempts: 20 });
  assert.equal(lines.filter((l) => l.msg === "oasis request").length, 21, "every attempt still at debug");
  logRequest(event("http_5xx", { status: 500 }));
  assert.equal(lines.at(-1)!.level, "warn", "an answer that is an error is no outage: warn as before");
});
