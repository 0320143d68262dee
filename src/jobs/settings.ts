/**
 * Settings of the scheduled jobs and the backfill CLI: `JOB_SETTINGS` documents every variable and
 * `loadJobsConfig(env)` turns the environment into a complete, validated `JobsConfig`, throwing
 * `ConfigError` naming the variable. `src/config.ts` composes it into the service's configuration.
 *
 * @module
 */
import { DATASET_NAMES, type DatasetName, DATASETS, isDatasetName } from "../oasis/datasets.ts";
import { ConfigError, type Env, type SettingDoc, settingReader } from "../settings.ts";
import { minutesOfDay, PEAK_DATASETS, PEAK_POLLING_OFF, type PeakPolling } from "./peak_window.ts";
import { scheduleProblem } from "./schedule.ts";

/** Every environment variable the jobs read. */
export const JOB_SETTINGS: readonly SettingDoc[] = [
  { name: "JOBS_ENABLED", default: "true", description: "false: no scheduled polling (the API still runs)" },
  {
    name: "JOB_SCHEDULE",
    default: "",
    description: "Cron schedule (UTC) of every dataset not named in JOB_SCHEDULES; unset: each dataset's own",
  },
  {
    name: "JOB_SCHEDULES",
    default: "",
    description:
      "Per-dataset cron schedules (UTC), dataset=schedule;…, e.g. `lmp_rtm=*/5 * * * *;crr=0 4 * * *` (defaults: see Datasets)",
  },
  {
    name: "PEAK_POLLING",
    default: String(PEAK_POLLING_OFF.enabled),
    description: `true: ${
      PEAK_DATASETS.join(", ")
    } poll on their schedule only from PEAK_START to PEAK_END, on OFF_PEAK_SCHEDULE otherwise`,
  },
  {
    name: "PEAK_START",
    default: PEAK_POLLING_OFF.start,
    description: "Start of the peak window, HH:MM Pacific time (follows daylight saving time)",
  },
  {
    name: "PEAK_END",
    default: PEAK_POLLING_OFF.end,
    description:
      "End of the peak window, HH:MM Pacific time, exclusive; earlier than PEAK_START: crosses midnight",
  },
  {
    name: "OFF_PEAK_SCHEDULE",
    default: PEAK_POLLING_OFF.offPeakSchedule,
    description: "Cron schedule (UTC) of the real-time jobs outside the peak window (with PEAK_POLLING)",
  },
  {
    name: "JOB_LOOKBACK_HOURS",
    default: "24",
    description:
      "Furthest back a scheduled run reaches for intervals it has not got yet (older holes: deno task backfill)",
  },
  {
    name: "JOB_REVISION_HOURS",
    default: "lmp_dam=48,as_dam=48",
    description:
      "Hours re-polled for revisions on every run, dataset=hours,… (a changed value is stored and published again)",
  },
  {
    name: "PRICE_CORRECTION_DAYS",
    default: "14",
    description:
      "Trade dates (back from yesterday) whose CAISO price corrections (PRC_CORR_GRP) the daily job reads; a corrected market day is fetched again and its changed prices published as revisions; 0: off",
  },
  {
    name: "PRICE_CORRECTION_SCHEDULE",
    default: "20 17 * * *",
    description: "Cron schedule (UTC) of the daily price-correction job",
  },
  {
    name: "JOB_LOCK_TTL_S",
    default: "600",
    description:
      "Lease of a run's lock shared by all instances; a crashed instance's lock frees after this (longer than a run)",
  },
  {
    name: "JOB_FOLLOW_UP_S",
    default: "15",
    description:
      "When a real-time run finds its newest interval not yet published, it polls again every this many seconds (the first time at the learned publication delay) until it arrives or JOB_FOLLOW_UP_LIMIT_S after the interval's end; a day-ahead run without tomorrow after 13:00 Pacific, once a minute until 16:00; 0: only on the schedule (else 5 to 300)",
  },
  {
    name: "JOB_FOLLOW_UP_LIMIT_S",
    default: "180",
    description: "No follow-up poll later than this many seconds after the awaited interval's end",
  },
  {
    name: "JOBS_KV_PATH",
    default: "data/jobs.kv",
    description:
      "Deno KV file of watermarks, locks, checkpoints and the shared OASIS request gate when REDIS_URL is unset; with Redis, the local mirror of the job coordination used while Redis is down",
  },
  {
    name: "BACKFILL_OUTBOX_PATH",
    default: "./data/backfill_outbox.kv",
    description:
      "Deno KV file of the backfill CLI's Bronze outbox (apart from the service's, which may be running)",
  },
  {
    name: "BACKFILL_DRAIN_TIMEOUT_S",
    default: "300",
    description:
      "How long a backfill waits at its end for the sink to acknowledge every row; rows still held then stay in its outbox, the exit code is 4 and the next run sends them first",
  },
  {
    name: "BACKFILL_REREQUESTS",
    default: "2",
    description:
      "Rounds a backfill asks OASIS again, in the smallest windows, for nodes, intervals or components an answer lacked; what is still missing is listed and the exit code is 3",
  },
];

/** The resolved job configuration. */
export interface JobsConfig {
  /** Whether scheduled polling runs (the API runs either way). */
  readonly enabled: boolean;
  /** Cron schedule (UTC) of each dataset. */
  readonly schedules: Readonly<Record<DatasetName, string>>;
  /** Peak and off-peak polling of the real-time jobs. */
  readonly peak: PeakPolling;
  /** Furthest back a run reaches for intervals it has not got yet, ms. */
  readonly lookbackMs: number;
  /** Revision horizon of each dataset, ms (0: no re-polling). */
  readonly revisionMs: Readonly<Record<DatasetName, number>>;
  /** Lease of a run's lock, ms. */
  readonly lockTtlMs: number;
  /** Trade dates the price-correction job reads back (0: off). */
  readonly correctionDays: number;
  /** Cron schedule (UTC) of the price-correction job. */
  readonly correctionSchedule: string;
  /** Spacing of follow-ups of a not yet published real-time interval, ms (0: none). */
  readonly followUpMs: number;
  /** No follow-up later than this after the interval's end, ms. */
  readonly followUpLimitMs: number;
  /** Deno KV file of the job coordination and gate slots without Redis; their local mirror with it. */
  readonly kvPath: string;
  /** Deno KV file of the backfill CLI's Bronze outbox. */
  readonly backfillOutboxPath: string;
  /** How long a backfill waits for the sink to acknowledge its rows, ms. */
  readonly backfillDrainTimeoutMs: number;
  /** Rounds of re-requests for cells an answer lacked. */
  readonly backfillRerequests: number;
}

const { value, number } = settingReader(JOB_SETTINGS);
const HOUR_MS = 3_600_000;

function checkedSchedule(name: string, text: string): string {
  const problem = scheduleProblem(text);
  if (problem !== null) throw new ConfigError(name, problem);
  return text.trim().split(/\s+/).join(" ");
}

function pairs(env: Env, name: string, separator: string): Array<[DatasetName, string]> {
  const out: Array<[DatasetName, string]> = [];
  for (const pair of value(env, name).split(separator).map((p) => p.trim()).filter(Boolean)) {
    const cut = pair.indexOf("=");
    const dataset = cut < 0 ? "" : pair.slice(0, cut).trim();
    const text = cut < 0 ? "" : pair.slice(cut + 1).trim();
    if (dataset === "" || text === "") throw new ConfigError(name, `"${pair}" is not dataset=value`);
    if (!isDatasetName(dataset)) {
      throw new ConfigError(name, `unknown dataset "${dataset}" (known: ${DATASET_NAMES.join(", ")})`);
    }
    out.push([dataset, text]);
  }
  return out;
}

function schedules(env: Env): Record<DatasetName, string> {
  const fallback = value(env, "JOB_SCHEDULE");
  const common = fallback === "" ? null : checkedSchedule("JOB_SCHEDULE", fallback);
  const out = Object.fromEntries(
    DATASET_NAMES.map((d) => [d, common ?? DATASETS[d].schedule]),
  ) as Record<DatasetName, string>;
  for (const [dataset, text] of pairs(env, "JOB_SCHEDULES", ";")) {
    out[dataset] = checkedSchedule("JOB_SCHEDULES", text);
  }
  return out;
}

function revisions(env: Env): Record<DatasetName, number> {
  const out = Object.fromEntries(DATASET_NAMES.map((d) => [d, 0])) as Record<DatasetName, number>;
  for (const [dataset, text] of pairs(env, "JOB_REVISION_HOURS", ",")) {
    const hours = Number(text);
    if (!Number.isFinite(hours) || hours < 0 || hours > 24 * 31) {
      throw new ConfigError(
        "JOB_REVISION_HOURS",
        `"${text}" for ${dataset} is not a number of hours from 0 to 744`,
      );
    }
    out[dataset] = hours * HOUR_MS;
  }
  return out;
}

function flag(env: Env, name: string): boolean {
  const text = value(env, name).toLowerCase();
  if (text !== "true" && text !== "false") throw new ConfigError(name, `"${text}" is not true or false`);
  return text === "true";
}

function timeOfDay(env: Env, name: string): string {
  const text = value(env, name);
  const minutes = minutesOfDay(text);
  if (minutes === null) throw new ConfigError(name, `"${text}" is not a time of day HH:MM (00:00 to 23:59)`);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

function peak(env: Env): PeakPolling {
  const start = timeOfDay(env, "PEAK_START");
  const end = timeOfDay(env, "PEAK_END");
  if (start === end) throw new ConfigError("PEAK_END", `"${end}" is the start too: the peak window is empty`);
  return {
    enabled: flag(env, "PEAK_POLLING"),
    start,
    end,
    offPeakSchedule: checkedSchedule("OFF_PEAK_SCHEDULE", value(env, "OFF_PEAK_SCHEDULE")),
  };
}

/** JOB_FOLLOW_UP_S: 0 (off) or 5 to 300 s (OASIS takes one request per 5 s anyway). */
function followUpSpacing(env: Env): number {
  const s = number(env, "JOB_FOLLOW_UP_S", 0, 300);
  if (s > 0 && s < 5) {
    throw new ConfigError("JOB_FOLLOW_UP_S", `"${s}" is below 5 s (0 turns follow-ups off)`);
  }
  return s;
}

/** Loads and validates the job settings from `env` (for example `Deno.env.toObject()`). */
export function loadJobsConfig(env: Env): JobsConfig {
  return {
    enabled: flag(env, "JOBS_ENABLED"),
    schedules: schedules(env),
    peak: peak(env),
    lookbackMs: number(env, "JOB_LOOKBACK_HOURS", 1, 24 * 31, false) * HOUR_MS,
    revisionMs: revisions(env),
    lockTtlMs: number(env, "JOB_LOCK_TTL_S", 10, 86_400) * 1000,
    correctionDays: number(env, "PRICE_CORRECTION_DAYS", 0, 31),
    correctionSchedule: checkedSchedule("PRICE_CORRECTION_SCHEDULE", value(env, "PRICE_CORRECTION_SCHEDULE")),
    followUpMs: followUpSpacing(env) * 1000,
    followUpLimitMs: number(env, "JOB_FOLLOW_UP_LIMIT_S", 10, 3_600) * 1000,
    kvPath: value(env, "JOBS_KV_PATH"),
    backfillOutboxPath: value(env, "BACKFILL_OUTBOX_PATH"),
    backfillDrainTimeoutMs: number(env, "BACKFILL_DRAIN_TIMEOUT_S", 0, 86_400) * 1000,
    backfillRerequests: number(env, "BACKFILL_REREQUESTS", 0, 10),
  };
}
