import assert from "node:assert/strict";
import { ConfigError, loadConfig, SETTINGS } from "../src/config.ts";
import { DEFAULT_NODES } from "../src/oasis/datasets.ts";

Deno.test("loadConfig({}) gives the documented defaults", () => {
  const c = loadConfig({});
  assert.equal(c.oasis.baseUrl, "https://oasis.caiso.com/oasisapi/SingleZip");
  assert.equal(c.oasis.timeoutMs, 60_000);
  assert.equal(c.oasis.minIntervalMs, 5000);
  assert.equal(c.oasis.ratePerMinute, 50);
  assert.equal(c.oasis.format, "csv");
  assert.deepEqual(c.nodes, { nodes: DEFAULT_NODES });
  assert.equal(c.datasets.length, 7);
  assert.equal(c.port, 8000);
  assert.equal(c.analytics.deadlineMs, 10_000);
});

Deno.test("loadConfig() reads node groups, node lists and dataset lists", () => {
  assert.deepEqual(loadConfig({ OASIS_NODES: "ALL_APNODES" }).nodes, { grpType: "ALL_APNODES" });
  assert.deepEqual(loadConfig({ OASIS_NODES: " A_1 , B-2,A_1" }).nodes, { nodes: ["A_1", "B-2"] });
  assert.deepEqual(loadConfig({ OASIS_DATASETS: "lmp_rtm,lmp_dam" }).datasets, ["lmp_rtm", "lmp_dam"]);
  assert.equal(loadConfig({ CAISO_OASIS_TIMEOUT: "2.5" }).oasis.timeoutMs, 2500);
});

Deno.test("a bad setting fails fast with a message naming the variable and the value", () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ CAISO_OASIS_TIMEOUT: "soon" }, /Invalid setting CAISO_OASIS_TIMEOUT: "soon" is not a number/],
    [{ CAISO_OASIS_MIN_INTERVAL_MS: "-1" }, /CAISO_OASIS_MIN_INTERVAL_MS: "-1" is not a whole number from 0/],
    [{ CAISO_OASIS_RATE_LIMIT_PER_MIN: "1.5" }, /CAISO_OASIS_RATE_LIMIT_PER_MIN/],
    [{ CAISO_OASIS_BASE_URL: "ftp://x" }, /CAISO_OASIS_BASE_URL: "ftp:\/\/x" is not an http\(s\) URL/],
    [{ CAISO_OASIS_FORMAT: "json" }, /CAISO_OASIS_FORMAT: "json" is not csv or xml/],
    [{ OASIS_NODES: "A;DROP" }, /OASIS_NODES: "A;DROP" is not a node name/],
    [{ OASIS_NODES: " , " }, /OASIS_NODES: the list is empty/],
    [{ OASIS_DATASETS: "lmp_dam,lmp_5min" }, /OASIS_DATASETS: unknown dataset "lmp_5min"/],
    [{ PORT: "70000" }, /PORT/],
    [{ ANALYTICS_DEADLINE_MS: "0" }, /ANALYTICS_DEADLINE_MS: "0" is not a whole number from 1/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && message.test(e.message));
  }
});

Deno.test("docs/configuration.md documents every setting once, with its default", () => {
  const doc = Deno.readTextFileSync(new URL("../docs/configuration.md", import.meta.url));
  for (const s of SETTINGS) {
    const rows = doc.split("\n").filter((line) => line.startsWith(`- **\`${s.name}\`**`));
    assert.equal(rows.length, 1, `docs/configuration.md has ${rows.length} entries for ${s.name}`);
    const shown = s.default === "" ? "(unset)" : `\`${s.default}\``;
    assert.ok(
      rows[0]!.includes(`(default ${shown}`),
      `docs entry for ${s.name} lacks its default "${s.default}"`,
    );
  }
});

Deno.test("DATA_DIR holds every file the service writes unless the file's own setting names another", () => {
  const placed = loadConfig({ DATA_DIR: "/srv/oasis/", STORE_KV_PATH: "/var/lib/hot.kv" });
  assert.equal(placed.bronze.bronzeDir, "/srv/oasis/bronze");
  assert.equal(placed.bronze.outbox.path, "/srv/oasis/bronze_outbox.kv");
  assert.equal(placed.jobs.backfillOutboxPath, "/srv/oasis/backfill_outbox.kv");
  assert.equal(placed.jobs.kvPath, "/srv/oasis/jobs.kv");
  assert.equal(placed.store.kvPath, "/var/lib/hot.kv", "an explicit path wins");
  const defaults = loadConfig({});
  assert.deepEqual(
    [defaults.bronze.bronzeDir, defaults.bronze.outbox.path, defaults.jobs.kvPath, defaults.store.kvPath],
    ["./data/bronze", "./data/bronze_outbox.kv", "data/jobs.kv", "data/hot_store.kv"],
  );
});
