/**
 * Configuration: one pure loader turns the environment, and optionally a YAML file (`CONFIG_FILE`, see
 * `config_file.ts`), into a complete, validated, read-only `Config`, failing fast with a message that names
 * the bad setting (the YAML key when the value came from the file). Environment variables win over the
 * file. Only this file and `main.ts` read `Deno.env`. `SETTINGS` describes every variable; `deno task docs`
 * generates `docs/configuration.md` from it (a test checks that it is current).
 *
 * @module
 */
import { DATASET_NAMES, type DatasetName, DEFAULT_NODES } from "./oasis/datasets.ts";
import { OASIS_BASE_URL, type ResultFormat } from "./oasis/url.ts";
import type { NodeSelection } from "./oasis/windows.ts";
import { ConfigError, type Env, type SettingDoc, settingReader } from "./settings.ts";
import { loadStoreConfig, STORE_SETTINGS, type StoreConfig } from "./store/settings.ts";
import { BRONZE_SETTINGS, type BronzeConfig, loadBronzeConfig } from "./bronze/settings.ts";
import { JOB_SETTINGS, type JobsConfig, loadJobsConfig } from "./jobs/settings.ts";
import { NodeListError, nodeSelection } from "./jobs/node_selection.ts";
import { LIVE_SETTINGS, type LiveConfig, loadLiveConfig } from "./live/settings.ts";
import { type ConfigFile, readConfigFile } from "./config_file.ts";
import { loadWebhookConfig, WEBHOOK_SETTINGS, type WebhookConfig } from "./alerts/webhook_settings.ts";
import type { LogLevel } from "./log.ts";

export { ConfigError, type SettingDoc } from "./settings.ts";
export type { ConfigFile } from "./config_file.ts";

/** The OASIS client's and the service's own settings. */
const CORE_SETTINGS: readonly SettingDoc[] = [
  {
    name: "CONFIG_FILE",
    default: "",
    description: "YAML configuration file (see Configuration file); environment variables win over it",
  },
  { name: "SERVICE_NAME", default: "caiso_oasis", description: "Connector name, in every log line" },
  { name: "LOG_LEVEL", default: "info", description: "Least level logged: debug, info, warn or error" },
  {
    name: "CAISO_OASIS_BASE_URL",
    default: OASIS_BASE_URL,
    description: "SingleZip endpoint (point it at the simulator for demos and tests)",
  },
  { name: "CAISO_OASIS_TIMEOUT", default: "60", description: "Timeout of one OASIS request, in seconds" },
  {
    name: "CAISO_OASIS_MIN_INTERVAL_MS",
    default: "5000",
    description:
      "Least time between two OASIS request starts, across every process sharing REDIS_URL or JOBS_KV_PATH (CAISO's one request per 5 s rule)",
  },
  {
    name: "CAISO_OASIS_GUARD_MS",
    default: "100",
    description:
      "Added to that interval: OASIS measures arrivals, which jitter by a few ms, so starts exactly 5000 ms apart can still get 429",
  },
  {
    name: "CAISO_OASIS_RATE_LIMIT_PER_MIN",
    default: "50",
    description: "Most OASIS requests started in any 60 s window",
  },
  {
    name: "CAISO_OASIS_MAX_ATTEMPTS",
    default: "5",
    description: "Attempts per request, including the first, before a window counts as failed",
  },
  {
    name: "CAISO_OASIS_BACKOFF_MS",
    default: "5000",
    description: "First retry delay; doubles with jitter up to 120 s",
  },
  {
    name: "CAISO_OASIS_BREAKER_THRESHOLD",
    default: "5",
    description: "Consecutive failed requests that open the circuit breaker",
  },
  {
    name: "CAISO_OASIS_BREAKER_HALF_OPEN_S",
    default: "60",
    description: "Seconds the breaker stays open before one probe request",
  },
  {
    name: "CAISO_OASIS_FORMAT",
    default: "csv",
    description: "Result format asked of OASIS: csv (resultformat=6) or xml",
  },
  {
    name: "OASIS_NODES",
    default: DEFAULT_NODES.join(","),
    description: "Comma-separated pricing nodes, or ALL / ALL_APNODES for every node (grp_type)",
  },
  { name: "OASIS_DATASETS", default: DATASET_NAMES.join(","), description: "Datasets to ingest" },
  { name: "PORT", default: "8000", description: "HTTP port of the API and dashboard" },
  {
    name: "DATA_DIR",
    default: "./data",
    description: "Directory of the files written when their own setting is unset: bronze/ (NDJSON), " +
      "bronze_outbox.kv, backfill_outbox.kv, hot_store.kv and jobs.kv; relative to the working directory",
  },
  {
    name: "ANALYTICS_DEADLINE_MS",
    default: "10000",
    description:
      "Longest one arbitrage computation may run in the analytics worker; past it the request answers 503 and the worker is replaced",
  },
];

/** The files under `DATA_DIR`, by the setting that names each one. */
const DATA_FILES: Readonly<Record<string, string>> = {
  BRONZE_DIR: "bronze",
  BRONZE_OUTBOX_PATH: "bronze_outbox.kv",
  BACKFILL_OUTBOX_PATH: "backfill_outbox.kv",
  STORE_KV_PATH: "hot_store.kv",
  JOBS_KV_PATH: "jobs.kv",
};

/** `env` with each unset file setting placed under `DATA_DIR` (when set; their defaults are under ./data). */
function withDataDir(env: Env): Env {
  const dir = env.DATA_DIR?.trim().replace(/(.)\/+$/, "$1");
  if (!dir) return env;
  const out: Record<string, string | undefined> = { ...env };
  for (const [name, file] of Object.entries(DATA_FILES)) {
    if (!env[name]?.trim()) out[name] = `${dir}/${file}`;
  }
  return out;
}

/** Every environment variable the service reads (`docs/configuration.md` is generated from this list). */
export const SETTINGS: readonly SettingDoc[] = [
  ...CORE_SETTINGS,
  ...JOB_SETTINGS,
  ...LIVE_SETTINGS,
  ...BRONZE_SETTINGS,
  ...STORE_SETTINGS,
  ...WEBHOOK_SETTINGS,
];

const { value, number, httpUrl } = settingReader(SETTINGS);

/** The resolved configuration. */
export interface Config {
  /** The service's name, log level and configuration file. */
  readonly service: {
    /** Connector name, in every log line. */
    readonly name: string;
    /** Least level logged. */
    readonly logLevel: LogLevel;
    /** The YAML file read, or null. */
    readonly configFile: string | null;
  };
  /** How OASIS is asked: endpoint, timeouts, rate limits, retries, breaker, format. */
  readonly oasis: {
    /** SingleZip endpoint. */
    readonly baseUrl: string;
    /** Timeout of one request, ms. */
    readonly timeoutMs: number;
    /** Least time between two request starts, across processes sharing the gate slots, ms. */
    readonly minIntervalMs: number;
    /** Added to that interval against arrival jitter, ms. */
    readonly guardMs: number;
    /** Most requests started in any 60 s window. */
    readonly ratePerMinute: number;
    /** Attempts per request, the first included. */
    readonly maxAttempts: number;
    /** First retry delay, ms (doubles with jitter). */
    readonly backoffInitialMs: number;
    /** Consecutive failed requests that open the circuit breaker. */
    readonly breakerThreshold: number;
    /** How long the breaker stays open before a probe, ms. */
    readonly breakerHalfOpenMs: number;
    /** Result format asked of OASIS. */
    readonly format: ResultFormat;
  };
  /** Pricing nodes, or an OASIS node group. */
  readonly nodes: NodeSelection;
  /** Datasets ingested. */
  readonly datasets: readonly DatasetName[];
  /** HTTP port of the API and dashboard. */
  readonly port: number;
  /** Hot store settings. */
  readonly store: StoreConfig;
  /** Bronze publishing settings. */
  readonly bronze: BronzeConfig;
  /** REST API, WebSocket and dashboard settings. */
  readonly live: LiveConfig;
  /** Scheduled jobs and backfill settings. */
  readonly jobs: JobsConfig;
  /** Alert webhooks. */
  readonly webhooks: WebhookConfig;
  /** The analytics worker of the arbitrage routes. */
  readonly analytics: {
    /** Longest one computation may run, ms. */
    readonly deadlineMs: number;
  };
}

function nodes(env: Env): NodeSelection {
  const text = value(env, "OASIS_NODES");
  try {
    return nodeSelection(
      text === "ALL" || text === "ALL_APNODES" ? text : text.split(",").filter((n) => n.trim() !== ""),
    );
  } catch (e) {
    throw e instanceof NodeListError ? new ConfigError("OASIS_NODES", e.detail) : e;
  }
}

function datasets(env: Env): DatasetName[] {
  const list = value(env, "OASIS_DATASETS").split(",").map((d) => d.trim()).filter((d) => d !== "");
  for (const d of list) {
    if (!(DATASET_NAMES as readonly string[]).includes(d)) {
      throw new ConfigError("OASIS_DATASETS", `unknown dataset "${d}" (known: ${DATASET_NAMES.join(", ")})`);
    }
  }
  return [...new Set(list)] as DatasetName[];
}

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

function build(given: Env, configFile: string | null): Config {
  const env = withDataDir(given);
  const format = value(env, "CAISO_OASIS_FORMAT");
  if (format !== "csv" && format !== "xml") {
    throw new ConfigError("CAISO_OASIS_FORMAT", `"${format}" is not csv or xml`);
  }
  const logLevel = value(env, "LOG_LEVEL").toLowerCase() as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError("LOG_LEVEL", `"${logLevel}" is not one of ${LOG_LEVELS.join(", ")}`);
  }
  const name = value(env, "SERVICE_NAME");
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name)) {
    throw new ConfigError("SERVICE_NAME", `"${name}" may use only letters, digits and "_.-"`);
  }
  return {
    service: { name, logLevel, configFile },
    oasis: {
      baseUrl: httpUrl(env, "CAISO_OASIS_BASE_URL"),
      timeoutMs: number(env, "CAISO_OASIS_TIMEOUT", 1, 3600, false) * 1000,
      minIntervalMs: number(env, "CAISO_OASIS_MIN_INTERVAL_MS", 0, 600_000),
      guardMs: number(env, "CAISO_OASIS_GUARD_MS", 0, 10_000),
      ratePerMinute: number(env, "CAISO_OASIS_RATE_LIMIT_PER_MIN", 1, 10_000),
      maxAttempts: number(env, "CAISO_OASIS_MAX_ATTEMPTS", 1, 20),
      backoffInitialMs: number(env, "CAISO_OASIS_BACKOFF_MS", 0, 600_000),
      breakerThreshold: number(env, "CAISO_OASIS_BREAKER_THRESHOLD", 1, 1000),
      breakerHalfOpenMs: number(env, "CAISO_OASIS_BREAKER_HALF_OPEN_S", 1, 86_400) * 1000,
      format,
    },
    nodes: nodes(env),
    datasets: datasets(env),
    port: number(env, "PORT", 0, 65_535),
    store: loadStoreConfig(env),
    bronze: loadBronzeConfig(env),
    live: loadLiveConfig(env),
    jobs: loadJobsConfig(env),
    webhooks: loadWebhookConfig(env),
    analytics: { deadlineMs: number(env, "ANALYTICS_DEADLINE_MS", 1, 600_000) },
  };
}

/**
 * Loads and validates the configuration from `env` (for example `Deno.env.toObject()`) and, when given,
 * the YAML configuration `file` (its path and text; `main.ts` reads the file named by `CONFIG_FILE`).
 */
export function loadConfig(env: Env, file?: ConfigFile): Config {
  if (!file) return build(env, null);
  const fromFile = readConfigFile(file);
  const merged: Record<string, string | undefined> = { ...fromFile.env };
  const set = (name: string) => (env[name]?.trim() ?? "") !== "";
  for (const [name, text] of Object.entries(env)) if (set(name)) merged[name] = text;
  try {
    return build(merged, file.path);
  } catch (e) {
    const key = e instanceof ConfigError && !set(e.setting) ? fromFile.origin.get(e.setting) : undefined;
    if (key === undefined) throw e;
    const message = (e as Error).message.replace(/^Invalid setting [^:]+: /, "");
    throw new ConfigError(`${key} in ${file.path}`, message);
  }
}

/** `loadConfig(env)` with the file `CONFIG_FILE` names, read here; an unreadable file is a `ConfigError`. */
export async function readConfig(env: Env): Promise<Config> {
  const path = env.CONFIG_FILE?.trim();
  if (!path) return loadConfig(env);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new ConfigError("CONFIG_FILE", `cannot read "${path}": ${(e as Error).message}`);
  }
  return loadConfig(env, { path, text });
}
