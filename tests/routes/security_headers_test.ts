import assert from "node:assert/strict";
import { withEdge } from "./helpers.ts";

Deno.test("[headers] every answer has nosniff, no-referrer and a CSP whose connect-src is the same origin", () =>
  withEdge(async (t) => {
    for (const path of ["/", "/api/current", "/api/history/0?zone=sp15", "/health", "/metrics", "/nope"]) {
      const res = await t.request(path);
      await res.body?.cancel();
      assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
      assert.equal(res.headers.get("referrer-policy"), "no-referrer", path);
      const csp = res.headers.get("content-security-policy") ?? "";
      assert.match(csp, /(^|; )connect-src 'self'(;|$)/, `${path}: ${csp}`);
      assert.doesNotMatch(csp, /ws:|wss:|\*/, "no socket to any other host");
      assert.match(csp, /frame-ancestors 'none'/);
    }
  }));

Deno.test("[methods] any method but GET, HEAD and OPTIONS answers 405 JSON with Allow, on any path", () =>
  withEdge(async (t) => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "PROPFIND"]) {
      for (const path of ["/api/current", "/api/history/24?zone=sp15", "/health", "/", "/nope"]) {
        const res = await t.request(path, { method, body: method === "POST" ? "{not json" : undefined });
        assert.equal(res.status, 405, `${method} ${path}`);
        assert.equal(res.headers.get("allow"), "GET, HEAD, OPTIONS");
        assert.match((await res.json()).error, /Method not allowed/);
      }
    }
    const head = await t.request("/api/current", { method: "HEAD" });
    assert.equal(head.status, 200);
  }));
