/**
 * Zones come from the configured node list: rows of another node (a backfill run with `--nodes FOO_BAR`)
 * stay in the store but are never offered by the API, the arbitrage panel or the WebSocket.
 */
import assert from "node:assert/strict";
import { DEFAULT_NODES } from "../../src/oasis/datasets.ts";
import { startWsServer, TestSocket } from "../live/ws_helpers.ts";
import { priceRows, SP15, startEdge, type TestEdge } from "./helpers.ts";

async function withBackfilledFooBar(fn: (t: TestEdge) => Promise<void>): Promise<void> {
  const t = await startEdge({ nodes: { nodes: DEFAULT_NODES }, serviceRoutes: true });
  try {
    // A one-off backfill of a node outside OASIS_NODES.
    await t.store.ingest(priceRows("lmp_rtm", "FOO_BAR", "2026-07-01T19:00:00Z", [10, 11, 12]));
    await t.store.ingest(priceRows("lmp_dam", "FOO_BAR", "2026-07-01T07:00:00Z", Array(24).fill(20)));
    assert.ok((await t.store.zones()).value.includes("foo_bar"), "the store keeps its rows");
    await fn(t);
  } finally {
    await t.close();
  }
}

Deno.test("[api] a zone outside the configured nodes is not listed, nor accepted, though the store has its rows", () =>
  withBackfilledFooBar(async (t) => {
    const current = await (await t.request("/api/current")).json();
    assert.deepEqual(current.zones.map((z: { zone: string }) => z.zone), ["np15", "sp15", "zp26"]);
    for (
      const path of ["/api/current?zone=foo_bar", "/api/history/24?zone=foo_bar", "/api/signals?zone=foo_bar"]
    ) {
      const res = await t.request(path);
      assert.equal(res.status, 400, path);
      assert.match((await res.json()).error, /unknown zone "foo_bar" \(known: np15, sp15, zp26\)/);
    }
  }));

Deno.test("[arbitrage] the panel's zones are the configured ones, not every zone ever stored", () =>
  withBackfilledFooBar(async (t) => {
    const res = await t.request("/api/arbitrage/summary");
    assert.equal(res.status, 200);
    const zones = (await res.json()).zones.map((z: { zone: string }) => z.zone);
    assert.ok(!zones.includes("foo_bar"), `zones: ${zones}`);
    assert.equal((await t.request("/api/arbitrage?zone=foo_bar")).status, 400);
  }));

Deno.test("[ws] an update of a node outside the configured nodes reaches no client, and no snapshot lists it", async () => {
  const s = await startWsServer({}, undefined, { nodes: DEFAULT_NODES });
  try {
    const all = await TestSocket.open(s.wsUrl());
    assert.deepEqual((await all.next("snapshot")).zones, ["np15", "sp15", "zp26"]);
    // Both above the high threshold: each raises an alert in the store.
    await s.store.ingest(priceRows("lmp_rtm", "FOO_BAR", "2026-07-01T20:00:00Z", [500]));
    await s.store.ingest(priceRows("lmp_rtm", SP15, "2026-07-01T20:00:00Z", [144]));
    assert.equal((await all.next("update")).update.zone, "sp15", "the FOO_BAR update was never sent");
    assert.equal((await all.next("alert")).alert.zone, "sp15", "nor its alert");
    all.send({ type: "subscribe", zones: ["*"] });
    const snapshot = await all.next("snapshot");
    const zones = new Set(snapshot.alerts.map((a) => a.zone));
    assert.deepEqual([...zones], ["sp15"], "nor in a snapshot");
    all.send({ type: "subscribe", zones: ["foo_bar"] });
    assert.equal(
      (await all.next("error")).error,
      'Unknown zone "foo_bar"',
      "a subscription to it is refused",
    );
    await all.close();
  } finally {
    await s.close();
  }
});

Deno.test("[api] alerts of a node outside the configured nodes are neither listed nor sent", () =>
  withBackfilledFooBar(async (t) => {
    // 500 $/MWh is above the high threshold: the store raises an alert for the backfilled node.
    await t.store.ingest(priceRows("lmp_rtm", "FOO_BAR", "2026-07-01T19:15:00Z", [500]));
    assert.ok((await t.store.alerts(50)).value.some((a) => a.zone === "foo_bar"), "the store has its alert");
    const body = await (await t.request("/api/alerts")).json();
    assert.deepEqual(body.alerts.filter((a: { zone: string }) => a.zone === "foo_bar"), []);
  }));
