/**
 * Every arbitrage answer validates against its documented schema, for batteries at the corners of the
 * physical bounds; inputs past them (a discharge power of 1e-300 MW once gave `strategy_hours: null`, an
 * Infinity) answer 400 instead. The OpenAPI document shows the bounds.
 */
import assert from "node:assert/strict";
import { ArbitrageBody, SummaryBody } from "../../routes/arbitrage_schemas.ts";
import { startEdge } from "./helpers.ts";

const CORNERS = [
  "power_mw=0.001&energy_mwh=1000000",
  "power_mw=1000000&energy_mwh=0.001",
  "charge_mw=0.001&discharge_mw=1000000&duration_h=0.01",
  "power_mw=1&energy_mwh=4&rte=0.5&cycles=100",
  "power_mw=1&energy_mwh=4&cycles=0.01&degradation=1000000",
  "power_mw=1&energy_mwh=4&standing_loss=0.5&end=free",
  "power_mw=1&energy_mwh=4&soc_min=0.49&soc_max=0.5",
];

const PAST_BOUNDS = [
  "charge_mw=1&discharge_mw=1e-300&energy_mwh=4",
  "power_mw=1e-320&energy_mwh=4",
  "power_mw=1&energy_mwh=1000001",
  "power_mw=1&energy_mwh=4&soc_min=0.495&soc_max=0.5",
];

Deno.test("[arbitrage] answers for batteries at the bounds validate against the documented schemas", async () => {
  const t = await startEdge({ serviceRoutes: true });
  try {
    for (const battery of CORNERS) {
      for (const market of ["da", "rt", "two-settlement"]) {
        const res = await t.request(`/api/arbitrage?zone=sp15&date=2026-06-30&market=${market}&${battery}`);
        const body = await res.json();
        assert.equal(res.status, 200, `${battery} ${market}: ${JSON.stringify(body)}`);
        const parsed = ArbitrageBody.safeParse(body);
        assert.ok(parsed.success, `${battery} ${market}: ${parsed.error?.message}`);
      }
      for (const date of ["2026-06-30", "2026-07-01"]) {
        const res = await t.request(`/api/arbitrage/summary?date=${date}&${battery}`);
        const body = await res.json();
        assert.equal(res.status, 200, `${battery}: ${JSON.stringify(body)}`);
        const parsed = SummaryBody.safeParse(body);
        assert.ok(parsed.success, `${battery} summary: ${parsed.error?.message}`);
      }
    }
    for (const battery of PAST_BOUNDS) {
      for (const path of ["/api/arbitrage?zone=sp15&", "/api/arbitrage/summary?"]) {
        const res = await t.request(`${path}${battery}`);
        assert.equal(res.status, 400, `${path}${battery}`);
        await res.body?.cancel();
      }
    }
  } finally {
    await t.close();
  }
});

Deno.test("[openapi] the battery parameters document their physical bounds", async () => {
  const t = await startEdge({ serviceRoutes: true });
  try {
    const doc = await (await t.request("/api/openapi.json")).json();
    const params: Array<{ name: string; schema: { minimum?: number; maximum?: number } }> =
      doc.paths["/api/arbitrage"].get.parameters;
    const bounds = (name: string) => {
      const schema = params.find((p) => p.name === name)?.schema;
      return [schema?.minimum, schema?.maximum];
    };
    assert.deepEqual(bounds("energy_mwh"), [0.001, 1e6]);
    assert.deepEqual(bounds("power_mw"), [0.001, 1e6]);
    assert.deepEqual(bounds("rte"), [0.5, 1]);
    assert.deepEqual(bounds("cycles"), [0.01, 100]);
    assert.deepEqual(bounds("n"), [1, 12]);
    assert.ok(doc.paths["/api/arbitrage/summary"].get.responses["503"], "503 is documented");
  } finally {
    await t.close();
  }
});
