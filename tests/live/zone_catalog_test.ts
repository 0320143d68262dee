import assert from "node:assert/strict";
import { configuredZones, ZoneCatalog } from "../../src/live/zone_catalog.ts";
import type { StoreRead } from "../../src/store/store.ts";

function fakeStore(zones: string[]) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    zones(): Promise<StoreRead<string[]>> {
      calls++;
      return Promise.resolve({ value: [...zones], stale: false, ageMs: 0 });
    },
  };
}

Deno.test("ZoneCatalog knows the hubs without asking the store", async () => {
  const store = fakeStore([]);
  const catalog = new ZoneCatalog(store);
  assert.equal(await catalog.has("sp15"), true);
  assert.equal(store.calls, 0);
});

Deno.test("ZoneCatalog refreshes on a miss at most once per minRefreshMs", async () => {
  let now = 0;
  const zones = ["sp15"];
  const store = fakeStore(zones);
  const catalog = new ZoneCatalog({ zones: () => store.zones().then((r) => ({ ...r, value: zones })) }, {
    now: () => now,
  });
  assert.equal(await catalog.has("node_a"), false);
  zones.push("node_a");
  assert.equal(await catalog.has("node_a"), false, "within the refresh interval");
  now = 1000;
  assert.equal(await catalog.has("node_a"), true);
  assert.equal(await catalog.has("NOT A ZONE"), false);
});

Deno.test("ZoneCatalog learns zones from updates and lists them sorted", async () => {
  const catalog = new ZoneCatalog(fakeStore(["b_node"]));
  catalog.add("a_node");
  assert.equal(await catalog.has("a_node"), true);
  assert.deepEqual(await catalog.list(), ["a_node", "b_node", "np15", "sp15", "zp26"]);
});

Deno.test("ZoneCatalog keeps what it knows when the store fails", async () => {
  const catalog = new ZoneCatalog({ zones: () => Promise.reject(new Error("down")) });
  assert.deepEqual(await catalog.list(), ["np15", "sp15", "zp26"]);
});

Deno.test("configuredZones() maps a node list to its zones, and leaves a node group's zones to be learned", () => {
  assert.deepEqual(configuredZones({ nodes: ["TH_SP15_GEN-APND", "FOO_BAR", "TH_NP15_GEN-APND"] }), [
    "foo_bar",
    "np15",
    "sp15",
  ]);
  assert.equal(configuredZones({ grpType: "ALL_APNODES" }), undefined);
  assert.equal(configuredZones(undefined), undefined);
});

Deno.test("ZoneCatalog with configured zones never learns another, from the store or an update", async () => {
  const store = fakeStore(["foo_bar", "sp15"]);
  const catalog = new ZoneCatalog(store, { configured: ["sp15"] });
  catalog.add("foo_bar");
  assert.equal(await catalog.has("foo_bar"), false);
  assert.deepEqual(await catalog.list(), ["sp15"]);
  assert.equal(store.calls, 0, "the store is not asked");
});
