/**
 * `deno task arbitrage --prices FILE --power-mw P --energy-mwh E --rte R [--cycles N] [--degradation D]
 * [--initial-soc MWH]`: the perfect-foresight value of a battery on a user's own price file (CSV with the
 * columns `interval_start,price`, UTC ISO-8601 timestamps, interval length inferred), printed as JSON with
 * `value_usd`, `schedule` and `spreads` (TB1–TB4 over the file's hours). The other battery parameters of the
 * API work too (`--charge-mw`, `--discharge-mw`, `--duration-h`, `--soc-min`, `--soc-max`,
 * `--charge-efficiency`, `--discharge-efficiency`, `--standing-loss`, `--end initial|free`). Bad input exits
 * 2 (usage) or 1 (unusable file or parameters) with a message on stderr and no stack trace. `--example` runs
 * on a shipped day of real CAISO prices (`scripts/examples/`, © California ISO) so the command can be tried
 * at once.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { InfeasibleScheduleError, optimizeArbitrage } from "../src/analytics/arbitrage.ts";
import { BatteryParamError } from "../src/analytics/battery.ts";
import { BATTERY_PARAM_NAMES, batteryFromText } from "../src/analytics/battery_params.ts";
import { parsePriceCsv, PriceCsvError } from "../src/analytics/price_csv.ts";
import { intervalStart, knownCount } from "../src/analytics/price_series.ts";
import { seriesSpreads } from "../src/analytics/spreads.ts";

const USAGE = "Usage: deno task arbitrage --prices FILE --power-mw P --energy-mwh E --rte R " +
  "[--cycles N] [--degradation D] [--initial-soc MWH]\n" +
  "       deno task arbitrage --example [battery flags]   (a shipped day of real CAISO prices; 1 MW, 4 MWh, " +
  "RTE 0.85 unless given)\n" +
  "FILE is CSV with the columns interval_start,price (UTC ISO-8601). More: docs/arbitrage.md.";

/** The shipped sample: CAISO 15-minute (FMM) LMPs of node CAS_PP_GNODE7, Pacific operating day 2023-09-18. */
const EXAMPLE_FILE = fileURLToPath(new URL("./examples/fmm_prices_2023-09-18.csv", import.meta.url));
/** The battery of `--example` where the flags leave it open. */
const EXAMPLE_BATTERY: Readonly<Record<string, string>> = { power_mw: "1", energy_mwh: "4", rte: "0.85" };

const flag = (name: string) => name.replaceAll("_", "-");

/** The API's parameter names in a message, spelled as flags. */
const flagNames = (message: string) =>
  message.replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (m) => (m in BATTERY_PARAM_NAMES ? `--${flag(m)}` : m));

type Flags = Record<string, string | boolean | undefined>;

async function main(args: string[]): Promise<number> {
  const values = readFlags(args);
  if (typeof values === "number") return values;
  const text = batteryText(values);
  if (values.example) {
    console.error(`Example: ${EXAMPLE_FILE} (CAISO FMM prices, node CAS_PP_GNODE7, 2023-09-18 Pacific)`);
  }
  return await printValue(values.example ? EXAMPLE_FILE : values.prices as string, text);
}

/** The flags, or the exit code (its message printed) for wrong flags or `--help`. */
function readFlags(args: string[]): Flags | number {
  const options: Record<string, { type: "string" } | { type: "boolean"; short?: string }> = {
    prices: { type: "string" },
    example: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  };
  for (const name of Object.keys(BATTERY_PARAM_NAMES)) options[flag(name)] = { type: "string" };
  let values: Flags;
  try {
    values = parseArgs({ args, options, allowPositionals: false, strict: true }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.example && values.prices !== undefined) {
    console.error(`Give --prices or --example, not both\n${USAGE}`);
    return 2;
  }
  for (const required of values.example ? [] : ["prices", "rte"]) {
    if (values[required] === undefined) {
      console.error(`Missing --${required}\n${USAGE}`);
      return 2;
    }
  }
  return values;
}

/** The battery parameters as the API names them, from the flags; `--example` fills in its battery. */
function batteryText(values: Flags): Record<string, string | undefined> {
  const text: Record<string, string | undefined> = {};
  for (const name of Object.keys(BATTERY_PARAM_NAMES)) text[name] = values[flag(name)] as string | undefined;
  if (values.example) {
    for (const [name, value] of Object.entries(EXAMPLE_BATTERY)) {
      if (name === "energy_mwh" && text.duration_h !== undefined) continue;
      if (name === "power_mw" && (text.charge_mw ?? text.discharge_mw) !== undefined) continue;
      text[name] ??= value;
    }
  }
  return text;
}

/** Prints the battery's value on the prices of `file` as JSON: 0, or 1 with the reason on stderr. */
async function printValue(file: string, text: Record<string, string | undefined>): Promise<number> {
  try {
    const battery = batteryFromText(text);
    const series = parsePriceCsv(await Deno.readTextFile(file));
    const result = await optimizeArbitrage(series, battery);
    const end = intervalStart(series, series.prices.length);
    console.log(JSON.stringify(
      {
        file,
        start: new Date(series.startMs).toISOString(),
        end: new Date(end).toISOString(),
        interval_minutes: series.intervalMinutes,
        intervals: { known: knownCount(series), expected: series.prices.length },
        ...result,
        spreads: seriesSpreads(series, battery.rte),
      },
      null,
      2,
    ));
    return 0;
  } catch (e) {
    if (e instanceof BatteryParamError) console.error(`Invalid --${flag(e.param)}: ${flagNames(e.message)}`);
    else if (e instanceof PriceCsvError) console.error(`Cannot use "${file}": ${e.message}`);
    else if (e instanceof InfeasibleScheduleError) console.error(e.message);
    else if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.PermissionDenied) {
      console.error(`Cannot read "${file}": ${(e as Error).message}`);
    } else throw e;
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
