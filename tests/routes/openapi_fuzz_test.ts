/**
 * Schema-driven garbage for every operation of `GET /api/openapi.json`: each parameter, and each field of a
 * JSON body, in turn gets each value of a fixed list (the others keep a valid baseline), through
 * `app.request()` from a loopback client. No answer may be a 5xx, every 4xx must be JSON naming a parameter
 * of the operation (the spoiled one, or its partner in a rule across parameters; a DELETE of an id that is
 * not there answers 404), and the 400s are counted in `http_requests_total`.
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

type Schema = {
  readonly $ref?: string;
  readonly properties?: Record<string, { example?: unknown; enum?: unknown[]; default?: unknown }>;
};
type Body = { content: { "application/json": { schema: Schema } } };
const LOOPBACK = { remoteAddr: { hostname: "127.0.0.1", port: 50000, transport: "tcp" } };

/** A valid body of the operation from its schema's examples, enums and defaults; null without a body. */
function baselineBody(doc: { components: { schemas: Record<string, Schema> } }, body?: Body) {
  if (body === undefined) return null;
  let schema = body.content["application/json"].schema;
  if (schema.$ref) schema = doc.components.schemas[schema.$ref.split("/").at(-1)!]!;
  return Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([k, p]) => [k, p.example ?? p.enum?.[0] ?? p.default]),
  );
}

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
        const body = baselineBody(doc, (op as { requestBody?: Body }).requestBody);
        const names = [...params.map((p) => p.name), ...Object.keys(body ?? {})];
        const send = (target: string, json: unknown) =>
          t.edge.app.request(`http://localhost${target}`, {
            method: method.toUpperCase(),
            ...(json === null
              ? {}
              : { body: JSON.stringify(json), headers: { "content-type": "application/json" } }),
          }, LOOPBACK);
        // The baseline: every required parameter at its documented example, which must answer 2xx.
        const baseline = new Map<string, readonly string[]>();
        for (const p of params) if (p.required) baseline.set(p.name, [String(p.schema.example)]);
        const ok = await send(url(path, params, baseline), body);
        assert.ok(
          ok.status >= 200 && ok.status < 300,
          `${method} ${path} with its examples: ${await ok.text()}`,
        );
        const cases = [
          ...params.map((p) => ({ p, field: null })),
          ...Object.keys(body ?? {}).map((field) => ({ p: null, field })),
        ];
        for (const { p, field } of cases) {
          for (const garbage of GARBAGE) {
            const values = typeof garbage === "string" ? [garbage] : garbage;
            // A path parameter is one non-empty segment: an empty one is another URL, a list is not a path.
            if (p?.in === "path" && (values.length > 1 || values[0] === "")) continue;
            const target = url(path, params, p ? new Map([...baseline, [p.name, values]]) : baseline);
            const spoiled = field === null
              ? body
              : { ...body, [field]: values.length > 1 ? values : values[0] };
            const res = await send(target, spoiled);
            requests++;
            const what = `${method.toUpperCase()} ${target.slice(0, 200)} ${field ?? ""} → ${res.status}`;
            assert.ok(res.status < 500, what);
            if (res.status < 400) {
              await res.body?.cancel();
              continue;
            }
            if (field !== null && res.status === 413) {
              assert.match((await res.json()).error, /too large/, what); // the 10,000-character value
              continue;
            }
            if (method === "delete" && res.status === 404) {
              assert.match((await res.json()).error, /No alert rule/, what);
              continue;
            }
            assert.match(res.headers.get("content-type") ?? "", /application\/json/, what);
            const answer = await res.json();
            assert.equal(typeof answer.error, "string", what);
            // Usually the spoiled one; a rule across parameters may name its partner (charge_mw without
            // discharge_mw: power_mw is required).
            assert.ok(names.includes(answer.parameter), `${what}: ${answer.error}`);
            const name = p?.name ?? field;
            if (answer.parameter !== name) renamed.add(`${name} → ${answer.parameter}`);
          }
        }
      }
    }
    assert.ok(requests > 500, `${requests} requests`);
    assert.deepEqual([...renamed].sort(), ["charge_mw → power_mw", "discharge_mw → power_mw"]);
    // Each bad request is counted too, under its route.
    const metrics = await t.metrics.text();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, object>>)) {
      const route = path.replaceAll(/{([^}]+)}/g, ":$1");
      for (const [method, op] of Object.entries(ops)) {
        const { parameters, requestBody } = op as { parameters?: unknown[]; requestBody?: unknown };
        if ((parameters ?? []).length === 0 && requestBody === undefined) continue; // nothing to spoil
        assert.match(
          metrics,
          new RegExp(
            `http_requests_total{method="${method.toUpperCase()}",route="${route}",status="400"} \\d+`,
          ),
        );
      }
    }
  } finally {
    await t.close();
  }
});
