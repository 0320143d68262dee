import assert from "node:assert/strict";
import { NEGATIVE_FOR_3 } from "../store/store_contract_rules.ts";
import { NP15, priceRows, SP15, type TestEdge, withEdge } from "./helpers.ts";

const LOOPBACK = { remoteAddr: { hostname: "127.0.0.1", port: 50000, transport: "tcp" } };
const REMOTE = { remoteAddr: { hostname: "192.0.2.7", port: 50000, transport: "tcp" } };
const RULE = NEGATIVE_FOR_3;

function send(t: TestEdge, method: string, path: string, init: RequestInit = {}, env: object = LOOPBACK) {
  const headers = new Headers(init.headers);
  if (typeof init.body === "string" && !headers.has("content-type")) {
    headers.set("content-type", "application/json");
  }
  return t.edge.app.request(`http://localhost${path}`, { ...init, method, headers }, env);
}
const post = (t: TestEdge, body: unknown, init: RequestInit = {}, env?: object) =>
  send(t, "POST", "/api/alerts/rules", { ...init, body: JSON.stringify(body) }, env);

Deno.test("[rules] GET /api/alerts/rules lists the default rules from the ALERT_* settings", () =>
  withEdge(async (t) => {
    const res = await t.request("/api/alerts/rules");
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.max_rules, 100);
    assert.deepEqual(body.rules.map((r: { id: string }) => r.id), [
      "default-high",
      "default-negative",
      "default-spread",
    ]);
  }));

Deno.test("[rules] a rule POSTed from loopback is stored, alerts on the next poll and is DELETEd", () =>
  withEdge(async (t) => {
    const res = await post(t, RULE);
    assert.equal(res.status, 201);
    const rule = await res.json();
    assert.deepEqual({ ...rule, id: undefined }, { ...RULE, id: undefined });
    const r = await t.store.ingest(priceRows("lmp_rtm", NP15, "2026-07-01T20:05:00Z", [-20, -20, -20]));
    const mine = r.alerts.filter((a) => a.rule === rule.id);
    assert.deepEqual(mine.map((a) => a.timestamp), ["2026-07-01T20:15:00Z"], "raised on the third interval");
    assert.equal((await send(t, "DELETE", `/api/alerts/rules/${rule.id}`)).status, 204);
    const again = await send(t, "DELETE", `/api/alerts/rules/${rule.id}`);
    assert.equal(again.status, 404);
    assert.match((await again.json()).error, /No alert rule/);
  }));

Deno.test("[rules] without API_TOKEN a write from another machine or another site's page answers 403", () =>
  withEdge(async (t) => {
    const remote = await post(t, RULE, {}, REMOTE);
    assert.equal(remote.status, 403);
    assert.match((await remote.json()).error, /API_TOKEN/);
    assert.equal((await post(t, RULE, {}, {})).status, 403, "no connection info: not known to be loopback");
    const page = await post(t, RULE, { headers: { origin: "https://evil.example" } });
    assert.equal(page.status, 403);
    assert.equal((await send(t, "DELETE", "/api/alerts/rules/default-high", {}, REMOTE)).status, 403);
    assert.equal((await t.request("/api/alerts/rules")).status, 200, "reading stays open");
  }));

Deno.test("[rules] with API_TOKEN a write needs the token, from anywhere", () =>
  withEdge(async (t) => {
    assert.equal((await post(t, RULE, {}, REMOTE)).status, 401);
    const auth = { authorization: "Bearer s3cret-token-of-length" };
    assert.equal((await post(t, RULE, { headers: auth }, REMOTE)).status, 201);
  }, { API_TOKEN: "s3cret-token-of-length" }));

Deno.test("[rules] a bad rule answers 400 naming the field; non-JSON 415; a large body 413; the 101st 409", () =>
  withEdge(async (t) => {
    const cases: [unknown, string][] = [
      [{ ...RULE, threshold: 1e9 }, "threshold"],
      [{ ...RULE, threshold: "-10" }, "threshold"],
      [{ ...RULE, min_intervals: 0 }, "min_intervals"],
      [{ ...RULE, min_intervals: 2.5 }, "min_intervals"],
      [{ ...RULE, hysteresis: -1 }, "hysteresis"],
      [{ ...RULE, zone: "nowhere" }, "zone"],
      [{ ...RULE, zone: "NP 15" }, "zone"],
      [{ ...RULE, condition: "sideways" }, "condition"],
      [{ ...RULE, condition: undefined }, "condition"],
      [{ ...RULE, extra: 1 }, ""],
      [[RULE], ""],
    ];
    for (const [body, field] of cases) {
      const res = await post(t, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      const error = await res.json();
      if (field !== "") assert.equal(error.parameter, field, JSON.stringify(error));
    }
    const broken = await send(t, "POST", "/api/alerts/rules", { body: "{not json" });
    assert.equal(broken.status, 400);
    const text = await send(t, "POST", "/api/alerts/rules", {
      body: "x",
      headers: { "content-type": "text/plain" },
    });
    assert.equal(text.status, 415);
    const big = await post(t, { ...RULE, zone: "np15", pad: "x".repeat(5000) });
    assert.equal(big.status, 413);
    for (let i = 3; i < 100; i++) assert.equal((await post(t, { ...RULE, threshold: -i })).status, 201);
    const full = await post(t, RULE);
    assert.equal(full.status, 409);
    assert.match((await full.json()).error, /at most 100/);
  }));

Deno.test("[rules] only POST and DELETE on the rules answer; other writes stay 405 with Allow", () =>
  withEdge(async (t) => {
    const put = await send(t, "PUT", "/api/alerts/rules", { body: "{}" });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "GET, HEAD, OPTIONS, POST");
    assert.equal((await send(t, "POST", "/api/alerts/rules/default-high", { body: "{}" })).status, 405);
    assert.equal((await send(t, "DELETE", "/api/alerts/rules")).status, 405);
    assert.equal((await send(t, "DELETE", "/api/alerts")).status, 405);
  }));

Deno.test("[api] GET /api/alerts orders alerts of every zone by interval and filters by zone, market and kind", () =>
  withEdge(async (t) => {
    // Ingested out of time order across zones, as the pollers do.
    await t.store.ingest(priceRows("lmp_rtm", SP15, "2026-07-01T20:05:00Z", [150, 20]));
    await t.store.ingest(priceRows("lmp_rtm", NP15, "2026-07-01T20:00:00Z", [-5, 20]));
    await t.store.ingest(priceRows("lmp_fmm", NP15, "2026-07-01T20:15:00Z", [150]));
    const feed = async (query = "") =>
      ((await (await t.request(`/api/alerts${query}`)).json()).alerts as {
        zone: string;
        market: string;
        kind: string;
        event: string;
        timestamp: string;
      }[])
        .map((a) => `${a.zone} ${a.market} ${a.kind} ${a.event} ${a.timestamp.slice(11, 16)}`);
    assert.deepEqual(await feed(), [
      "np15 FMM high raised 20:15",
      "sp15 RT high cleared 20:10",
      "np15 RT negative cleared 20:05",
      "sp15 RT high raised 20:05",
      "np15 RT negative raised 20:00",
    ]);
    assert.deepEqual(await feed("?zone=SP15"), ["sp15 RT high cleared 20:10", "sp15 RT high raised 20:05"]);
    assert.deepEqual(await feed("?market=fmm"), ["np15 FMM high raised 20:15"]);
    assert.deepEqual(await feed("?kind=negative&limit=1"), ["np15 RT negative cleared 20:05"]);
    assert.equal((await t.request("/api/alerts?zone=nowhere")).status, 400);
    assert.equal((await t.request("/api/alerts?kind=low")).status, 400);
  }, { ALERT_SPREAD: "100000" }));
