import assert from "node:assert/strict";
import { ConfigError } from "../../src/settings.ts";
import { LIVE_SETTINGS, loadLiveConfig } from "../../src/live/settings.ts";

Deno.test("loadLiveConfig() gives documented defaults: same origin only, no token, 15 min staleness, DA estimates", () => {
  assert.deepEqual(loadLiveConfig({}), {
    corsOrigins: [],
    apiToken: null,
    staleAfterMs: 900_000,
    ws: {
      maxConnections: 10_000,
      maxConnectionsPerIp: 20,
      heartbeatMs: 30_000,
      maxBufferedBytes: 1_048_576,
      clientFramesPerS: 5,
      clientFrameBurst: 20,
    },
    estimates: { method: "da", maxGapMs: 900_000, afterMs: 120_000 },
  });
});

Deno.test("loadLiveConfig() reads every setting", () => {
  const config = loadLiveConfig({
    CORS_ORIGINS: "https://a.example, http://localhost:3000/",
    API_TOKEN: "abcdefghijklmnop.-_~+/=",
    STALE_AFTER_S: "600",
    WS_MAX_CONNECTIONS: "50",
    WS_HEARTBEAT_S: "0",
    WS_MAX_BUFFERED_BYTES: "65536",
    WS_MAX_CONNECTIONS_PER_IP: "0",
    WS_CLIENT_FRAMES_PER_S: "0.5",
    WS_CLIENT_FRAME_BURST: "3",
    ESTIMATE_METHOD: "previous_day",
    ESTIMATE_MAX_GAP_MIN: "30",
    ESTIMATE_AFTER_S: "0",
  });
  assert.deepEqual(config.corsOrigins, ["https://a.example", "http://localhost:3000"]);
  assert.equal(config.apiToken, "abcdefghijklmnop.-_~+/=");
  assert.equal(config.staleAfterMs, 600_000);
  assert.deepEqual(config.ws, {
    maxConnections: 50,
    maxConnectionsPerIp: 0,
    heartbeatMs: 0,
    maxBufferedBytes: 65_536,
    clientFramesPerS: 0.5,
    clientFrameBurst: 3,
  });
  assert.deepEqual(config.estimates, { method: "previous_day", maxGapMs: 1_800_000, afterMs: 0 });
  assert.equal(loadLiveConfig({ ESTIMATE_METHOD: "interpolate" }).estimates.method, "interpolate");
  assert.deepEqual(loadLiveConfig({ CORS_ORIGINS: "https://a.example,*" }).corsOrigins, ["*"]);
});

Deno.test("loadLiveConfig() rejects bad values naming the variable", () => {
  const bad: [Record<string, string>, string][] = [
    [{ CORS_ORIGINS: "a.example" }, "CORS_ORIGINS"],
    [{ CORS_ORIGINS: "https://a.example/path" }, "CORS_ORIGINS"],
    [{ CORS_ORIGINS: "ftp://a.example" }, "CORS_ORIGINS"],
    [{ API_TOKEN: "short" }, "API_TOKEN"],
    [{ API_TOKEN: "has spaces in the token" }, "API_TOKEN"],
    [{ STALE_AFTER_S: "0" }, "STALE_AFTER_S"],
    [{ WS_MAX_CONNECTIONS: "ten" }, "WS_MAX_CONNECTIONS"],
    [{ WS_HEARTBEAT_S: "-1" }, "WS_HEARTBEAT_S"],
    [{ WS_MAX_BUFFERED_BYTES: "100" }, "WS_MAX_BUFFERED_BYTES"],
    [{ WS_CLIENT_FRAMES_PER_S: "0" }, "WS_CLIENT_FRAMES_PER_S"],
    [{ WS_CLIENT_FRAME_BURST: "0.5" }, "WS_CLIENT_FRAME_BURST"],
    [{ WS_MAX_CONNECTIONS_PER_IP: "-1" }, "WS_MAX_CONNECTIONS_PER_IP"],
    [{ ESTIMATE_METHOD: "last" }, "ESTIMATE_METHOD"],
    [{ ESTIMATE_METHOD: "DA" }, "ESTIMATE_METHOD"],
    [{ ESTIMATE_MAX_GAP_MIN: "0" }, "ESTIMATE_MAX_GAP_MIN"],
    [{ ESTIMATE_MAX_GAP_MIN: "7.5" }, "ESTIMATE_MAX_GAP_MIN"],
    [{ ESTIMATE_MAX_GAP_MIN: "121" }, "ESTIMATE_MAX_GAP_MIN"],
    [{ ESTIMATE_AFTER_S: "-1" }, "ESTIMATE_AFTER_S"],
    [{ ESTIMATE_AFTER_S: "3601" }, "ESTIMATE_AFTER_S"],
  ];
  for (const [env, setting] of bad) {
    assert.throws(() => loadLiveConfig(env), (e) => e instanceof ConfigError && e.setting === setting);
  }
});

Deno.test("LIVE_SETTINGS documents every variable loadLiveConfig reads", () => {
  assert.deepEqual(LIVE_SETTINGS.map((s) => s.name), [
    "CORS_ORIGINS",
    "API_TOKEN",
    "STALE_AFTER_S",
    "WS_MAX_CONNECTIONS",
    "WS_MAX_CONNECTIONS_PER_IP",
    "WS_HEARTBEAT_S",
    "WS_MAX_BUFFERED_BYTES",
    "WS_CLIENT_FRAMES_PER_S",
    "WS_CLIENT_FRAME_BURST",
    "ESTIMATE_METHOD",
    "ESTIMATE_MAX_GAP_MIN",
    "ESTIMATE_AFTER_S",
  ]);
  for (const s of LIVE_SETTINGS) assert.ok(s.description.length > 10, s.name);
});

Deno.test("a bad ESTIMATE_METHOD is rejected with a message that names it and the methods", () => {
  assert.throws(
    () => loadLiveConfig({ ESTIMATE_METHOD: "last_value" }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        'Invalid setting ESTIMATE_METHOD: "last_value" is not one of da, interpolate, previous_day',
  );
});
