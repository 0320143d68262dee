import assert from "node:assert/strict";
import { startEdge } from "./helpers.ts";

Deno.test("[access log] one line per request with method, route pattern, status and ms; never a token", async () => {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
  const t = await startEdge({
    env: { API_TOKEN: "s3cret-token-0123456789" },
    log: (level, msg, fields) => lines.push({ level, msg, fields }),
  });
  try {
    const auth = { Authorization: "Bearer s3cret-token-0123456789" };
    const requests: [string, RequestInit][] = [
      ["/api/history/24?zone=sp15&token=s3cret-in-query", { headers: auth }],
      ["/api/history/0?zone=sp15", { headers: auth }],
      ["/api/current", {}],
      ["/no/such/path/s3cret-in-path", {}],
      ["/api/current", { method: "DELETE", headers: auth }],
      ["/health/live", {}],
    ];
    for (const [path, init] of requests) await (await t.request(path, init)).body?.cancel();
    const access = lines.filter((l) => l.msg === "http request");
    assert.equal(access.length, requests.length, "exactly one line per request");
    assert.ok(access.every((l) => l.level === "info" && typeof l.fields?.ms === "number"));
    assert.deepEqual(access.map((l) => ({ ...l.fields, ms: undefined })), [
      { method: "GET", route: "/api/history/:hours", status: 200, ms: undefined },
      { method: "GET", route: "/api/history/:hours", status: 400, ms: undefined },
      { method: "GET", route: "/api/current", status: 401, ms: undefined },
      { method: "GET", route: "unmatched", status: 404, ms: undefined },
      { method: "DELETE", route: "unmatched", status: 405, ms: undefined },
      { method: "GET", route: "/health/live", status: 200, ms: undefined },
    ]);
    assert.ok(!JSON.stringify(lines).includes("s3cret"), "no token, query string or path is logged");
  } finally {
    await t.close();
  }
});
