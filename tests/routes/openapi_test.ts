import assert from "node:assert/strict";
import { startEdge } from "./helpers.ts";

Deno.test("[openapi] GET /api/openapi.json documents every API route from the same definitions", async () => {
  const t = await startEdge({ seed: false });
  try {
    const res = await t.request("/api/openapi.json");
    assert.equal(res.status, 200);
    const doc = await res.json();
    assert.match(doc.openapi, /^3\./);
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      "/api/alerts",
      "/api/current",
      "/api/history/{hours}",
      "/api/signals",
    ]);
    const history = doc.paths["/api/history/{hours}"].get;
    const hours = history.parameters.find((p: { name: string }) => p.name === "hours");
    assert.deepEqual({ ...hours.schema, description: undefined, example: undefined }, {
      type: "integer",
      minimum: 1,
      maximum: 720,
      description: undefined,
      example: undefined,
    });
    const type = history.parameters.find((p: { name: string }) => p.name === "type");
    assert.deepEqual(type.schema.enum, ["rt", "fmm", "da"]);
    assert.ok(history.responses["400"], "bad input is documented");
    assert.ok(doc.components.schemas.Current && doc.components.schemas.Alert && doc.components.schemas.Error);
    assert.equal(doc.components.securitySchemes.bearerAuth.scheme, "bearer");
  } finally {
    await t.close();
  }
});
