/**
 * Schema-driven garbage for every operation of `GET /api/openapi.json`: each parameter in turn gets each
 * value of a fixed list (the other parameters keep a valid baseline), through `app.request()`. No answer may
 * be a 5xx, every 4xx must be JSON naming a parameter of the operation (the spoiled one, or its partner in a
 * rule across parameters), and the 400s are counted in `http_requests_total`.
 */
import assert from "node:assert/strict";
import { startEdge } from "./helpers.ts";

interface Parameter {
  readonly name: string;
  readonly in: "query" | "path";
  readonly required?: boolean;
  readonly schema: { readonly example?: unknown };
}

/** One string per request, or several to repeat the parameter (`a=1&a=2`). */
const GARBAGE: readonly (string | readonly string[])[] = [
  "",
  "x".repeat(10_000),
  "ünïcødé ✓ 漢字 🔋",
  "-1",
  "99999999999999999999999",
  "NaN",
  "1e309",
  "0x10",
  " 24",
  "../",
  "\u0000", // sent as %00
  "%00", // sent as %2500
  ["1", "2"],
  ["sp15", "sp15"],
  "9999-12-31",
  "0000-00-00",
  "2025-02-30",
  "2026-07-01T20:00:00Z/../",
];

function url(path: string, params: readonly Parameter[], values: Map<string, readonly string[]>): string {
  let out = path;
  const query = new URLSearchParams();
  for (const p of params) {
    const given = values.get(p.name);
    if (given === undefined) continue;
    if (p.in === "path") out = out.replace(`{${p.name}}`, encodeURIComponent(given[0]!));
    else for (const v of given) query.append(p.name, v);
  }
  const text = query.toString();
  return text ? `${out}?${text}` : out;
}

Deno.test("[openapi] garbage in any parameter of any documented operation answers 4xx JSON naming it, never 5xx", async () => {
  const t = await startEdge({ serviceRoutes: true });
  try {
    const doc = await (await t.request("/api/openapi.json")).json();
    let requests = 0;
    const renamed = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, object>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const params = (op as { parameters?: Parameter[] }).parameters ?? [];
        const names = params.map((p) => p.name);
        // The baseline: every required parameter at its documented example, which must answer 200.
        const baseline = new Map<string, readonly string[]>();
        for (const p of params) if (p.required) baseline.set(p.name, [String(p.schema.example)]);
        const ok = await t.request(url(path, params, baseline), { method: method.toUpperCase() });
        assert.equal(ok.status, 200, `${method} ${path} with its examples: ${await ok.text()}`);
        for (const p of params) {
          for (const garbage of GARBAGE) {
            const values = typeof garbage === "string" ? [garbage] : garbage;
            // A path parameter is one non-empty segment: an empty one is another URL, a list is not a path.
            if (p.in === "path" && (values.length > 1 || values[0] === "")) continue;
            const target = url(path, params, new Map([...baseline, [p.name, values]]));
            const res = await t.request(target, { method: method.toUpperCase() });
            requests++;
            const what = `${method.toUpperCase()} ${target.slice(0, 200)} → ${res.status}`;
            assert.ok(res.status < 500, what);
            if (res.status < 400) {
              await res.body?.cancel();
              continue;
            }
            assert.match(res.headers.get("content-type") ?? "", /application\/json/, what);
            const body = await res.json();
            assert.equal(typeof body.error, "string", what);
            // Usually the spoiled one; a rule across parameters may name its partner (charge_mw without
            // discharge_mw: power_mw is required).
            assert.ok(names.includes(body.parameter), `${what}: ${body.error}`);
            if (body.parameter !== p.name) renamed.add(`${p.name} → ${body.parameter}`);
          }
        }
      }
    }
    assert.ok(requests > 500, `${requests} requests`);
    assert.deepEqual([...renamed].sort(), ["charge_mw → power_mw", "discharge_mw → power_mw"]);
    // Each bad request is counted too, under its route.
    const metrics = await t.metrics.text();
    for (const path of Object.keys(doc.paths)) {
      const route = path.replaceAll(/{([^}]+)}/g, ":$1");
      assert.match(
        metrics,
        new RegExp(`http_requests_total{method="GET",route="${route}",status="400"} \\d+`),
      );
    }
  } finally {
    await t.close();
  }
});
