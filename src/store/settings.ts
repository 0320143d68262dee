/**
 * Settings of the hot store, alerts and battery signals: `STORE_SETTINGS` documents every variable and
 * `loadStoreConfig(env)` turns the environment into a complete, validated `StoreConfig`, throwing
 * `ConfigError` naming the variable. `src/config.ts` composes it into the service's configuration.
 *
 * @module
 */
import { ConfigError, type Env, type SettingDoc, settingReader } from "../settings.ts";
import type { AlertThresholds } from "../analytics/alerts.ts";
import type { SignalSettings } from "../analytics/signals.ts";
import type { Market } from "./store.ts";

/** Every environment variable the store reads. */
export const STORE_SETTINGS: readonly SettingDoc[] = [
  {
    name: "REDIS_URL",
    default: "",
    description:
      "Redis for the hot store (redis:// or rediss:// for TLS, password in the URL); unset: Deno KV",
  },
  {
    name: "REDIS_TLS_CA_FILE",
    default: "",
    description:
      "PEM file of the CA that signed the Redis server certificate (rediss://); unset: system roots",
  },
  {
    name: "STORE_KV_PATH",
    default: "data/hot_store.kv",
    description: "Deno KV file used when REDIS_URL is unset",
  },
  { name: "STORE_RETENTION_RT_DAYS", default: "7", description: "Days of 5-minute real-time prices kept" },
  { name: "STORE_RETENTION_FMM_DAYS", default: "7", description: "Days of 15-minute prices kept" },
  { name: "STORE_RETENTION_DA_DAYS", default: "30", description: "Days of hourly day-ahead prices kept" },
  {
    name: "STORE_STREAM_MAXLEN",
    default: "10000",
    description: "Approximate length cap of caiso:{zone}:stream",
  },
  {
    name: "STORE_ALERTS_MAXLEN",
    default: "1000",
    description: "Approximate length cap of caiso:alerts:stream",
  },
  {
    name: "ALERT_HIGH_PRICE",
    default: "100",
    description: "High-price alert above this RT/FMM price, $/MWh",
  },
  { name: "ALERT_NEGATIVE_PRICE", default: "0", description: "Negative-price alert below this price, $/MWh" },
  { name: "ALERT_SPREAD", default: "50", description: "Spread alert when |RT − DA| exceeds this, $/MWh" },
  {
    name: "ALERT_HYSTERESIS",
    default: "0",
    description: "An alert clears only once the price is this far back inside the limit, $/MWh",
  },
  {
    name: "SIGNAL_CHEAPEST_HOURS",
    default: "4",
    description: "Charge in the day's N cheapest day-ahead hours",
  },
  {
    name: "SIGNAL_DEAREST_HOURS",
    default: "4",
    description: "Discharge in the day's N dearest day-ahead hours",
  },
  {
    name: "REDIS_BACKOFF_MS",
    default: "200",
    description: "First reconnect delay to Redis; doubles with jitter",
  },
  { name: "REDIS_BACKOFF_MAX_MS", default: "10000", description: "Longest reconnect delay to Redis" },
  {
    name: "REDIS_COMMAND_TIMEOUT_MS",
    default: "5000",
    description: "A Redis command without an answer after this fails (the poll goes on, reads turn stale)",
  },
];

/** Connection settings for the Redis store. */
export interface RedisSettings {
  /** `redis://` or `rediss://` URL, password and database index included. */
  readonly url: string;
  /** CA file for a `rediss://` server with a private CA, or null for the system roots. */
  readonly tlsCaFile: string | null;
  /** First reconnect delay, ms. */
  readonly backoffMs: number;
  /** Longest reconnect delay, ms. */
  readonly backoffMaxMs: number;
  /** Timeout of one command, ms. */
  readonly commandTimeoutMs: number;
}

/** The resolved store configuration. */
export interface StoreConfig {
  /** Redis settings, or null to use Deno KV. */
  readonly redis: RedisSettings | null;
  /** Deno KV file of the embedded store (`:memory:` in tests). */
  readonly kvPath: string;
  /** Days of each price series kept in the time-series sets. */
  readonly retentionDays: Readonly<Record<Market, number>>;
  /** Approximate most entries of each zone's price stream. */
  readonly streamMaxLen: number;
  /** Approximate most entries of the alert stream. */
  readonly alertsMaxLen: number;
  /** Price alert thresholds. */
  readonly alerts: AlertThresholds;
  /** How battery signals pick charge and discharge hours. */
  readonly signals: SignalSettings;
}

const { value, number } = settingReader(STORE_SETTINGS);

/** `url` with any password replaced by `***`, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^(\w+:\/\/[^:@/]*:)[^@/]*@/, "$1***@");
}

function redisUrl(env: Env): string | null {
  const text = value(env, "REDIS_URL");
  if (text === "") return null;
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new ConfigError("REDIS_URL", `"${redactUrl(text)}" is not a URL`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw new ConfigError("REDIS_URL", `"${redactUrl(text)}" is not a redis:// or rediss:// URL`);
  }
  if (u.hostname === "") throw new ConfigError("REDIS_URL", `"${redactUrl(text)}" has no host`);
  if (!/^\/?(\d{1,2})?$/.test(u.pathname)) {
    throw new ConfigError("REDIS_URL", `"${redactUrl(text)}": the path must be a database number`);
  }
  return text;
}

/** Loads and validates the store settings from `env` (for example `Deno.env.toObject()`). */
export function loadStoreConfig(env: Env): StoreConfig {
  const url = redisUrl(env);
  const high = number(env, "ALERT_HIGH_PRICE", -10_000, 100_000, false);
  const negative = number(env, "ALERT_NEGATIVE_PRICE", -10_000, 100_000, false);
  if (negative >= high) {
    throw new ConfigError("ALERT_NEGATIVE_PRICE", `${negative} is not below ALERT_HIGH_PRICE (${high})`);
  }
  const backoffMs = number(env, "REDIS_BACKOFF_MS", 1, 600_000);
  return {
    redis: url === null ? null : {
      url,
      tlsCaFile: value(env, "REDIS_TLS_CA_FILE") || null,
      backoffMs,
      backoffMaxMs: Math.max(backoffMs, number(env, "REDIS_BACKOFF_MAX_MS", 1, 600_000)),
      commandTimeoutMs: number(env, "REDIS_COMMAND_TIMEOUT_MS", 10, 600_000),
    },
    kvPath: value(env, "STORE_KV_PATH"),
    retentionDays: {
      RT: number(env, "STORE_RETENTION_RT_DAYS", 1, 3650),
      FMM: number(env, "STORE_RETENTION_FMM_DAYS", 1, 3650),
      DA: number(env, "STORE_RETENTION_DA_DAYS", 1, 3650),
    },
    streamMaxLen: number(env, "STORE_STREAM_MAXLEN", 10, 10_000_000),
    alertsMaxLen: number(env, "STORE_ALERTS_MAXLEN", 10, 10_000_000),
    alerts: {
      high,
      negative,
      spread: number(env, "ALERT_SPREAD", 0, 100_000, false),
      hysteresis: number(env, "ALERT_HYSTERESIS", 0, 100_000, false),
    },
    signals: {
      high,
      negative,
      cheapestHours: number(env, "SIGNAL_CHEAPEST_HOURS", 0, 25),
      dearestHours: number(env, "SIGNAL_DEAREST_HOURS", 0, 25),
    },
  };
}
