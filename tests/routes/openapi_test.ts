import assert from "node:assert/strict";
import type { z } from "@hono/zod-openapi";
import { ArbitrageBody, SummaryBody } from "../../routes/arbitrage_schemas.ts";
import { GapsBody } from "../../routes/gaps.ts";
import { OPENAPI_PATH } from "../../routes/openapi_app.ts";
import { startEdge } from "./helpers.ts";

/** `METHOD /path/{param}` of every `/api/*` handler the app serves (middleware and the document left out). */
function servedApiRoutes(routes: readonly { method: string; path: string }[]): string[] {
  const served = routes
    .filter((r) => r.method !== "ALL" && r.path.startsWith("/api/") && r.path !== OPENAPI_PATH)
    .map((r) => `${r.method} ${r.path.replaceAll(/:([^/]+)/g, "{$1}")}`);
  return [...new Set(served)].sort();
}

Deno.test("[openapi] GET /api/openapi.json documents every /api route the app serves", async () => {
  const t = await startEdge({ seed: false, serviceRoutes: true });
  try {
    const res = await t.request("/api/openapi.json");
    assert.equal(res.status, 200);
    const doc = await res.json();
    assert.match(doc.openapi, /^3\./);
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const served = servedApiRoutes(t.edge.app.routes);
    assert.deepEqual(
      documented,
      served,
      "a plain (undocumented) /api route, or a documented route not served",
    );
    for (
      const route of [
        "GET /api/current",
        "GET /api/history/{hours}",
        "GET /api/alerts",
        "GET /api/signals",
        "GET /api/gaps",
        "GET /api/arbitrage",
        "GET /api/arbitrage/summary",
        "GET /api/alerts/rules",
        "POST /api/alerts/rules",
        "DELETE /api/alerts/rules/{id}",
      ]
    ) {
      assert.ok(served.includes(route), `${route} is served and documented`);
    }
    type Op = { responses: object; parameters?: unknown[]; requestBody?: unknown };
    for (const ops of Object.values(doc.paths as Record<string, Record<string, Op>>)) {
      for (const op of Object.values(ops)) {
        const input = (op.parameters?.length ?? 0) > 0 || op.requestBody !== undefined;
        if (input) assert.ok("400" in op.responses, "bad input is documented");
      }
    }
  } finally {
    await t.close();
  }
});

Deno.test("[openapi] the coverage check sees a plain route added under /api as undocumented", async () => {
  const t = await startEdge({ seed: false, serviceRoutes: true });
  try {
    t.edge.app.get("/api/plain", (c) => c.json({}));
    const doc = await (await t.request("/api/openapi.json")).json();
    assert.ok(servedApiRoutes(t.edge.app.routes).includes("GET /api/plain"));
    assert.equal(doc.paths["/api/plain"], undefined);
  } finally {
    await t.close();
  }
});

Deno.test("[openapi] parameters are documented with their types, ranges and enums", async () => {
  const t = await startEdge({ seed: false, serviceRoutes: true });
  try {
    const doc = await (await t.request("/api/openapi.json")).json();
    const param = (path: string, name: string) =>
      doc.paths[path].get.parameters.find((p: { name: string }) => p.name === name);
    const hours = param("/api/history/{hours}", "hours");
    assert.deepEqual({ ...hours.schema, description: undefined, example: undefined }, {
      type: "integer",
      minimum: 1,
      maximum: 720,
      description: undefined,
      example: undefined,
    });
    assert.equal(hours.required, true);
    assert.deepEqual(param("/api/history/{hours}", "type").schema.enum, ["rt", "fmm", "da"]);
    assert.equal(param("/api/alerts", "limit").schema.type, "integer");
    assert.equal(param("/api/arbitrage", "zone").required, true);
    assert.deepEqual(param("/api/arbitrage", "market").schema.enum, ["da", "fmm", "rt", "two-settlement"]);
    assert.equal(param("/api/arbitrage", "power_mw").schema.type, "number");
    assert.equal(param("/api/arbitrage/summary", "n").schema.type, "integer");
    assert.equal(param("/api/arbitrage/summary", "date").schema.format, "date");
    assert.ok(param("/api/gaps", "dataset").schema.enum.includes("lmp_rtm"));
    const schemas = doc.components.schemas;
    for (
      const name of ["Current", "Alert", "Error", "Gaps", "Arbitrage", "ArbitrageSummary", "ZoneSummary"]
    ) {
      assert.ok(schemas[name], `${name} is a component`);
    }
    assert.ok(doc.paths["/api/arbitrage"].get.responses["404"], "a day without prices is documented");
    assert.equal(doc.components.securitySchemes.bearerAuth.scheme, "bearer");
  } finally {
    await t.close();
  }
});

Deno.test("[openapi] answers match their documented schemas exactly (no undocumented field)", async () => {
  const t = await startEdge({ serviceRoutes: true });
  try {
    const cases: [string, z.ZodType][] = [
      ["/api/arbitrage?zone=sp15&soc=1", ArbitrageBody], // today: with the live value
      ["/api/arbitrage?zone=np15&date=2026-06-30&market=two-settlement", ArbitrageBody],
      ["/api/arbitrage/summary", SummaryBody],
      ["/api/arbitrage/summary?date=2026-06-30", SummaryBody],
      ["/api/gaps", GapsBody],
    ];
    for (const [path, schema] of cases) {
      const res = await t.request(path);
      assert.equal(res.status, 200, path);
      const body = await res.json();
      // Parsing drops fields the schema does not name, at any depth: equal means fully documented.
      assert.deepEqual(schema.parse(body), body, path);
    }
  } finally {
    await t.close();
  }
});

Deno.test("[openapi] with API_TOKEN the document requires the bearer scheme and documents 401 on every operation", async () => {
  const token = "s3cret-token-0123456789";
  const t = await startEdge({ seed: false, serviceRoutes: true, env: { API_TOKEN: token } });
  try {
    const res = await t.request("/api/openapi.json", { headers: { Authorization: `Bearer ${token}` } });
    const doc = await res.json();
    assert.deepEqual(doc.security, [{ bearerAuth: [] }]);
    assert.deepEqual(doc.components.securitySchemes.bearerAuth, { type: "http", scheme: "bearer" });
    for (
      const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses: object }>>)
    ) {
      for (const [method, op] of Object.entries(ops)) {
        assert.ok("401" in op.responses, `${method} ${path} documents its 401`);
      }
    }
  } finally {
    await t.close();
  }
  const open = await startEdge({ seed: false, serviceRoutes: true });
  try {
    const doc = await (await open.request("/api/openapi.json")).json();
    assert.deepEqual(doc.security, [], "without API_TOKEN no operation needs a token");
    assert.ok(!("401" in doc.paths["/api/current"].get.responses));
  } finally {
    await open.close();
  }
});
