import assert from "node:assert/strict";
import { startEdge } from "./helpers.ts";

Deno.test("[api] an empty date=, dataset=, from= or to= answers 400 naming it instead of meaning the default", async () => {
  const t = await startEdge({ serviceRoutes: true });
  try {
    for (
      const [path, name] of [
        ["/api/signals?zone=sp15&date=", "date"],
        ["/api/arbitrage?zone=sp15&date=", "date"],
        ["/api/arbitrage/summary?date=%20", "date"],
        ["/api/gaps?dataset=", "dataset"],
        ["/api/gaps?from=", "from"],
        ["/api/gaps?to=%20", "to"],
      ] as const
    ) {
      const res = await t.request(path);
      assert.equal(res.status, 400, path);
      const body = await res.json();
      assert.equal(body.parameter, name, `${path}: ${body.error}`);
    }
    // Left out, each still means its default.
    for (const path of ["/api/signals?zone=sp15", "/api/arbitrage?zone=sp15", "/api/gaps"]) {
      const res = await t.request(path);
      assert.equal(res.status, 200, path);
      await res.body?.cancel();
    }
  } finally {
    await t.close();
  }
});
