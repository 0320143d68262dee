/**
 * The optional YAML configuration file (`CONFIG_FILE`), shaped like the connector configuration users
 * already know. Pure: the text goes in, the settings it stands for come out as environment-variable values
 * (with the YAML key each came from), so one loader validates both sources and an error names the YAML
 * key when the value came from the file.
 *
 * ```yaml
 * name: "caiso_oasis"
 * market: "CAISO"
 * mode: "batch"
 * schedule: "0 * * * *"
 * enabled: true
 * output_topics: { lmp_dam: "ingestion.market.caiso.lmp.dam.raw.v1" }
 * dataset_schedules: { lmp_rtm: "*\/5 * * * *", crr: "0 4 * * *" }
 * datasets: [lmp_dam, lmp_rtm]
 * nodes: [TH_NP15_GEN-APND, TH_SP15_GEN-APND]
 * thresholds: { high_price: 100, negative_price: 0, spread: 50, hysteresis: 0 }
 * retention: { rt_days: 7, fmm_days: 7, da_days: 30 }
 * lookback_hours: 24
 * revision_hours: { lmp_dam: 48, as_dam: 48 }
 * peak_polling: { enabled: true, peak_start: "06:00", peak_end: "22:00", off_peak_schedule: "*\/15 * * * *" }
 * estimates: { method: da, max_gap_minutes: 15, after_seconds: 120 }
 * price_corrections: { days: 14, schedule: "20 17 * * *" }
 * ```
 *
 * @module
 */
import { parse, YAMLParseError } from "yaml";
import { DATASET_NAMES, isDatasetName } from "./oasis/datasets.ts";
import { ConfigError } from "./settings.ts";
import { scheduleProblem } from "./jobs/schedule.ts";

/** A configuration file: where it was read from and its text. */
export interface ConfigFile {
  /** Where the file was read from (named in error messages). */
  readonly path: string;
  /** The YAML text. */
  readonly text: string;
}

/** The settings a file stands for: variable → value, and variable → the YAML key it came from. */
export interface FileSettings {
  readonly env: Readonly<Record<string, string>>;
  readonly origin: ReadonlyMap<string, string>;
}

type Put = (variable: string, key: string, value: string) => void;
type Section = (value: unknown, key: string, put: Put, fail: (key: string, message: string) => never) => void;

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function scalar(value: unknown, key: string, fail: (key: string, message: string) => never): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return fail(key, `${JSON.stringify(value) ?? String(value)} is not a single value`);
}

function list(value: unknown, key: string, fail: (key: string, message: string) => never): string {
  if (Array.isArray(value)) return value.map((v, i) => scalar(v, `${key}[${i}]`, fail)).join(",");
  return scalar(value, key, fail);
}

const plain = (variable: string): Section => (value, key, put, fail) =>
  put(variable, key, scalar(value, key, fail));

function fixed(expected: string): Section {
  return (value, key, _put, fail) => {
    if (value !== expected) fail(key, `${JSON.stringify(value)} is not supported (only "${expected}")`);
  };
}

function group(fields: Readonly<Record<string, string>>): Section {
  return (value, key, put, fail) => {
    if (!isMap(value)) return fail(key, "is not a mapping");
    for (const [field, v] of Object.entries(value)) {
      const variable = fields[field];
      if (variable === undefined) {
        return fail(`${key}.${field}`, `unknown key (known: ${Object.keys(fields).join(", ")})`);
      }
      put(variable, `${key}.${field}`, scalar(v, `${key}.${field}`, fail));
    }
  };
}

function perDataset(variable: string, separator: string, check?: (text: string) => string | null): Section {
  return (value, key, put, fail) => {
    if (!isMap(value)) return fail(key, "is not a mapping of dataset to value");
    const parts: string[] = [];
    for (const [dataset, v] of Object.entries(value)) {
      if (!isDatasetName(dataset)) {
        fail(`${key}.${dataset}`, `unknown dataset (known: ${DATASET_NAMES.join(", ")})`);
      }
      const text = scalar(v, `${key}.${dataset}`, fail);
      const problem = check?.(text) ?? null;
      if (problem !== null) fail(`${key}.${dataset}`, problem);
      parts.push(`${dataset}=${text}`);
    }
    put(variable, key, parts.join(separator));
  };
}

const SECTIONS: Readonly<Record<string, Section>> = {
  name: plain("SERVICE_NAME"),
  market: fixed("CAISO"),
  mode: fixed("batch"),
  schedule: (value, key, put, fail) => {
    const text = scalar(value, key, fail);
    const problem = scheduleProblem(text);
    if (problem !== null) fail(key, problem);
    put("JOB_SCHEDULE", key, text);
  },
  enabled: plain("JOBS_ENABLED"),
  output_topics: perDataset("BRONZE_TOPICS", ","),
  dataset_schedules: perDataset("JOB_SCHEDULES", ";", scheduleProblem),
  datasets: (value, key, put, fail) => put("OASIS_DATASETS", key, list(value, key, fail)),
  nodes: (value, key, put, fail) => put("OASIS_NODES", key, list(value, key, fail)),
  thresholds: group({
    high_price: "ALERT_HIGH_PRICE",
    negative_price: "ALERT_NEGATIVE_PRICE",
    spread: "ALERT_SPREAD",
    hysteresis: "ALERT_HYSTERESIS",
  }),
  retention: group({
    rt_days: "STORE_RETENTION_RT_DAYS",
    fmm_days: "STORE_RETENTION_FMM_DAYS",
    da_days: "STORE_RETENTION_DA_DAYS",
  }),
  lookback_hours: plain("JOB_LOOKBACK_HOURS"),
  revision_hours: perDataset("JOB_REVISION_HOURS", ","),
  peak_polling: group({
    enabled: "PEAK_POLLING",
    peak_start: "PEAK_START",
    peak_end: "PEAK_END",
    off_peak_schedule: "OFF_PEAK_SCHEDULE",
  }),
  estimates: group({
    method: "ESTIMATE_METHOD",
    max_gap_minutes: "ESTIMATE_MAX_GAP_MIN",
    after_seconds: "ESTIMATE_AFTER_S",
  }),
  price_corrections: group({ days: "PRICE_CORRECTION_DAYS", schedule: "PRICE_CORRECTION_SCHEDULE" }),
};

/** The YAML keys a configuration file may use. */
export const CONFIG_FILE_KEYS: readonly string[] = Object.keys(SECTIONS);

/** Reads a configuration file; throws `ConfigError` naming the YAML key (and the file) of a bad value. */
export function readConfigFile(file: ConfigFile): FileSettings {
  const fail = (key: string, message: string): never => {
    throw new ConfigError(`${key} in ${file.path}`, message);
  };
  let doc: unknown;
  try {
    doc = parse(file.text);
  } catch (e) {
    if (!(e instanceof YAMLParseError)) throw e;
    throw new ConfigError("CONFIG_FILE", `"${file.path}" is not valid YAML: ${e.message.split("\n")[0]}`);
  }
  if (doc === null || doc === undefined) return { env: {}, origin: new Map() };
  if (!isMap(doc)) throw new ConfigError("CONFIG_FILE", `"${file.path}" is not a YAML mapping`);
  const env: Record<string, string> = {};
  const origin = new Map<string, string>();
  const put: Put = (variable, key, value) => {
    env[variable] = value;
    origin.set(variable, key);
  };
  for (const [key, value] of Object.entries(doc)) {
    const section = SECTIONS[key];
    if (section === undefined) return fail(key, `unknown key (known: ${CONFIG_FILE_KEYS.join(", ")})`);
    section(value, key, put, fail);
  }
  return { env, origin };
}
