/**
 * The configuration of a command-line task (`backfill`, `audit`): the environment (and `CONFIG_FILE`)
 * with `--datasets` and `--nodes` standing in for OASIS_DATASETS and OASIS_NODES, a bad value reported
 * under the flag the user typed rather than the variable; and the `--from`/`--to` day range both take.
 *
 * @module
 */
import { type Config, ConfigError, readConfig } from "../src/config.ts";
import { parseDate } from "../src/oasis/time.ts";

/** The flags that stand in for a setting. */
export interface SettingFlags {
  readonly datasets?: string;
  readonly nodes?: string;
}

/** The settings could not be loaded: the message says what to fix (exit code 2). */
export class CliConfigError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CliConfigError";
  }
}

const FLAG_OF_SETTING: Readonly<Record<string, keyof SettingFlags>> = {
  OASIS_DATASETS: "datasets",
  OASIS_NODES: "nodes",
};

/** Loads the configuration; throws `CliConfigError` on a bad setting, flag or missing `CONFIG_FILE`. */
export async function loadCliConfig(flags: SettingFlags): Promise<Config> {
  const env = { ...Deno.env.toObject() };
  if (flags.nodes) env.OASIS_NODES = flags.nodes;
  if (flags.datasets) env.OASIS_DATASETS = flags.datasets;
  try {
    return await readConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const flag = e instanceof ConfigError ? FLAG_OF_SETTING[e.setting] : undefined;
    const message = flag !== undefined && flags[flag] !== undefined
      ? e.message.replace(`Invalid setting ${(e as ConfigError).setting}:`, `Invalid --${flag}:`)
      : e.message;
    throw new CliConfigError(message, { cause: e });
  }
}

/** The `parseArgs` options of `--from`, `--to`, `--datasets` and `--nodes`. */
export const DAY_RANGE_OPTIONS = {
  from: { type: "string" },
  to: { type: "string" },
  datasets: { type: "string" },
  nodes: { type: "string" },
} as const;

/** `--from` and `--to` checked: both given, real days, in order; throws a message for the usage line. */
export function dayRange(values: { from?: string; to?: string }): { from: string; to: string } {
  if (!values.from || !values.to) throw new Error("--from and --to are required");
  parseDate(values.from);
  parseDate(values.to);
  if (values.to < values.from) throw new Error(`--to "${values.to}" is before --from "${values.from}"`);
  return { from: values.from, to: values.to };
}
