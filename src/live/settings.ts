/**
 * Settings of the live edge (REST API, WebSocket fan-out, dashboard): `LIVE_SETTINGS` documents every
 * variable and `loadLiveConfig(env)` turns the environment into a complete, validated `LiveConfig`, throwing
 * `ConfigError` naming the variable. `src/config.ts` composes it into the service's configuration.
 *
 * @module
 */
import { ConfigError, type Env, type SettingDoc, settingReader } from "../settings.ts";
import { ESTIMATE_METHODS, type EstimateMethod, type EstimateSettings } from "./estimate.ts";

/** Every environment variable the live edge reads. */
export const LIVE_SETTINGS: readonly SettingDoc[] = [
  {
    name: "CORS_ORIGINS",
    default: "",
    description:
      "Comma-separated origins (https://host[:port]) that may call /api/* and open /ws from another site, or *; unset: same origin only",
  },
  {
    name: "API_TOKEN",
    default: "",
    description:
      "When set, /api/* and /ws require `Authorization: Bearer <token>` (WebSocket clients may pass ?token=); at least 16 characters",
  },
  {
    name: "STALE_AFTER_S",
    default: "900",
    description: "Current prices are flagged stale when the newest RT interval started longer ago than this",
  },
  {
    name: "WS_MAX_CONNECTIONS",
    default: "10000",
    description: "Most WebSocket clients per process; more are refused with 503",
  },
  {
    name: "WS_MAX_CONNECTIONS_PER_IP",
    default: "20",
    description:
      "Most WebSocket clients per peer address; more are refused with 503. Behind a reverse proxy every client has the proxy's address: set 0 (no limit) and limit per client at the proxy",
  },
  {
    name: "WS_HEARTBEAT_S",
    default: "30",
    description:
      "Seconds between heartbeat messages; a client that sends no frame and answers no protocol ping for two periods is closed (1001); 0 disables both",
  },
  {
    name: "WS_MAX_BUFFERED_BYTES",
    default: "1048576",
    description:
      "A WebSocket client with more unsent bytes than this is dropped (4001) before anything more is sent to it: broadcasts, snapshots and replies alike",
  },
  {
    name: "WS_CLIENT_FRAMES_PER_S",
    default: "5",
    description:
      "Frames a second each WebSocket client may send on average; a client over it gets an error frame and is closed (4003)",
  },
  {
    name: "WS_CLIENT_FRAME_BURST",
    default: "20",
    description: "Frames a WebSocket client may send at once before WS_CLIENT_FRAMES_PER_S applies",
  },
  {
    name: "ESTIMATE_METHOD",
    default: "da",
    description:
      "How a missing newest RT price is estimated (shown apart, labelled, never stored): da (DA price of its hour), interpolate or previous_day; the others follow in the order interpolate, da, previous_day",
  },
  {
    name: "ESTIMATE_MAX_GAP_MIN",
    default: "15",
    description: "Longest run of missing RT minutes that interpolate bridges between two real prices (5–120)",
  },
  {
    name: "ESTIMATE_AFTER_S",
    default: "120",
    description:
      "Seconds after an RT interval ends (when OASIS publishes it) before its missing price is estimated (0–3600)",
  },
];

/** WebSocket fan-out limits. */
export interface WsSettings {
  /** Most WebSocket clients per process. */
  readonly maxConnections: number;
  /** Most WebSocket clients per peer address; 0 for no limit. */
  readonly maxConnectionsPerIp: number;
  /** Heartbeat period in ms; 0 disables the heartbeat. */
  readonly heartbeatMs: number;
  /** Unsent bytes past which a slow client is dropped. */
  readonly maxBufferedBytes: number;
  /** Average frames a second a client may send. */
  readonly clientFramesPerS: number;
  /** Frames a client may send at once. */
  readonly clientFrameBurst: number;
}

/** The resolved live-edge configuration. */
export interface LiveConfig {
  /** Origins allowed across sites: empty for same origin only, `["*"]` for any. */
  readonly corsOrigins: readonly string[];
  /** Bearer token protecting `/api/*` and `/ws`, or null when open. */
  readonly apiToken: string | null;
  /** Age of the newest RT interval start beyond which current prices are stale, in ms. */
  readonly staleAfterMs: number;
  /** WebSocket fan-out limits. */
  readonly ws: WsSettings;
  /** How a missing newest RT price is estimated. */
  readonly estimates: EstimateSettings;
}

const { value, number } = settingReader(LIVE_SETTINGS);

/** What a bearer token may contain (RFC 6750 `b64token`). */
const TOKEN = /^[A-Za-z0-9._~+/-]+=*$/;

function corsOrigins(env: Env): string[] {
  const list = value(env, "CORS_ORIGINS").split(",").map((o) => o.trim()).filter((o) => o !== "");
  if (list.includes("*")) return ["*"];
  return [
    ...new Set(list.map((o) => {
      let u: URL;
      try {
        u = new URL(o);
      } catch {
        throw new ConfigError("CORS_ORIGINS", `"${o}" is not an origin such as https://example.com`);
      }
      if ((u.protocol !== "http:" && u.protocol !== "https:") || u.origin !== o.replace(/\/$/, "")) {
        throw new ConfigError("CORS_ORIGINS", `"${o}" is not an origin such as https://example.com`);
      }
      return u.origin;
    })),
  ];
}

function apiToken(env: Env): string | null {
  const token = value(env, "API_TOKEN");
  if (token === "") return null;
  if (!TOKEN.test(token)) {
    throw new ConfigError("API_TOKEN", "may only contain letters, digits and . _ ~ + / - (then = padding)");
  }
  if (token.length < 16) throw new ConfigError("API_TOKEN", `is ${token.length} characters; use at least 16`);
  return token;
}

function estimateMethod(env: Env): EstimateMethod {
  const method = value(env, "ESTIMATE_METHOD");
  if (!(ESTIMATE_METHODS as readonly string[]).includes(method)) {
    throw new ConfigError(
      "ESTIMATE_METHOD",
      `"${method}" is not one of ${ESTIMATE_METHODS.join(", ")}`,
    );
  }
  return method as EstimateMethod;
}

/** Loads and validates the live-edge settings from `env` (for example `Deno.env.toObject()`). */
export function loadLiveConfig(env: Env): LiveConfig {
  return {
    corsOrigins: corsOrigins(env),
    apiToken: apiToken(env),
    staleAfterMs: number(env, "STALE_AFTER_S", 1, 31 * 86_400) * 1000,
    ws: {
      maxConnections: number(env, "WS_MAX_CONNECTIONS", 1, 1_000_000),
      maxConnectionsPerIp: number(env, "WS_MAX_CONNECTIONS_PER_IP", 0, 1_000_000),
      heartbeatMs: number(env, "WS_HEARTBEAT_S", 0, 3600) * 1000,
      maxBufferedBytes: number(env, "WS_MAX_BUFFERED_BYTES", 1024, 1 << 30),
      clientFramesPerS: number(env, "WS_CLIENT_FRAMES_PER_S", 0.1, 1000, false),
      clientFrameBurst: number(env, "WS_CLIENT_FRAME_BURST", 1, 10_000),
    },
    estimates: {
      method: estimateMethod(env),
      maxGapMs: number(env, "ESTIMATE_MAX_GAP_MIN", 5, 120) * 60_000,
      afterMs: number(env, "ESTIMATE_AFTER_S", 0, 3600) * 1000,
    },
  };
}
