import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../src/config.ts";
import { CONFIG_FILE_KEYS, readConfigFile } from "../src/config_file.ts";

const FULL = `
name: "caiso_oasis"
market: "CAISO"
mode: "batch"
schedule: "0 */1 * * *"
enabled: true
output_topics:
  lmp_dam: "ingestion.market.caiso.lmp.dam.raw.v1"
  lmp_rtm: "prices.rtm"
dataset_schedules: { lmp_dam: "0 * * * *", lmp_fmm: "*/15 * * * *", lmp_rtm: "*/5 * * * *", as_dam: "0 * * * *", as_fmm: "*/15 * * * *", as_rtm: "*/5 * * * *", crr: "0 4 * * *" }
datasets: [lmp_dam, lmp_fmm, lmp_rtm]
nodes: [TH_NP15_GEN-APND, TH_SP15_GEN-APND]
thresholds: { high_price: 150, negative_price: -5, spread: 40, hysteresis: 2 }
retention: { rt_days: 3, fmm_days: 4, da_days: 60 }
lookback_hours: 12
revision_hours: { lmp_dam: 72 }
`;

const file = (text: string) => ({ path: "oasis.yaml", text });

function rejects(env: Record<string, string>, text: string | undefined, pattern: RegExp): void {
  assert.throws(
    () => loadConfig(env, text === undefined ? undefined : file(text)),
    (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
    String(pattern),
  );
}

Deno.test("loadConfig() reads the connector YAML: topics, schedules, nodes, thresholds, retention", () => {
  const c = loadConfig({}, file(FULL));
  assert.equal(c.service.name, "caiso_oasis");
  assert.equal(c.service.configFile, "oasis.yaml");
  assert.equal(c.jobs.enabled, true);
  assert.equal(c.jobs.schedules.lmp_rtm, "*/5 * * * *");
  assert.equal(c.jobs.schedules.crr, "0 4 * * *");
  assert.deepEqual(c.datasets, ["lmp_dam", "lmp_fmm", "lmp_rtm"]);
  assert.deepEqual(c.nodes, { nodes: ["TH_NP15_GEN-APND", "TH_SP15_GEN-APND"] });
  assert.equal(c.bronze.topics.lmp_rtm, "prices.rtm");
  assert.equal(c.bronze.topics.lmp_fmm, "ingestion.market.caiso.lmp.fmm.raw.v1");
  assert.deepEqual(c.store.alerts, { high: 150, negative: -5, spread: 40, hysteresis: 2 });
  assert.deepEqual(c.store.retentionDays, { RT: 3, FMM: 4, DA: 60 });
  assert.equal(c.jobs.lookbackMs, 12 * 3_600_000);
  assert.equal(c.jobs.revisionMs.lmp_dam, 72 * 3_600_000);
  assert.equal(c.jobs.revisionMs.as_dam, 0);
});

Deno.test("the top-level schedule applies to every dataset the file does not schedule itself", () => {
  const c = loadConfig({}, file(`schedule: "*/10 * * * *"\ndataset_schedules: { crr: "0 4 * * *" }`));
  assert.equal(c.jobs.schedules.lmp_rtm, "*/10 * * * *");
  assert.equal(c.jobs.schedules.crr, "0 4 * * *");
  assert.equal(loadConfig({}).jobs.schedules.lmp_rtm, "*/5 * * * *", "without a file: the dataset table's");
});

Deno.test("environment variables win over the file", () => {
  const c = loadConfig({ OASIS_NODES: "ALL", ALERT_HIGH_PRICE: "500", JOBS_ENABLED: "false" }, file(FULL));
  assert.deepEqual(c.nodes, { grpType: "ALL" });
  assert.equal(c.store.alerts.high, 500);
  assert.equal(c.jobs.enabled, false);
  assert.equal(
    loadConfig({ ALERT_HIGH_PRICE: " " }, file(FULL)).store.alerts.high,
    150,
    "a blank variable is unset",
  );
});

Deno.test("a bad value in the file fails with a message naming the YAML key and the file", () => {
  rejects(
    {},
    `thresholds: { high_price: lots }`,
    /Invalid setting thresholds\.high_price in oasis\.yaml: "lots" is not a number/,
  );
  rejects(
    {},
    `dataset_schedules: { lmp_rtm: "*/5 * *" }`,
    /dataset_schedules\.lmp_rtm in oasis\.yaml: "\*\/5 \* \*" has 3 fields, not 5/,
  );
  rejects(
    {},
    `dataset_schedules: { lmp_rtm: "61 * * * *" }`,
    /dataset_schedules\.lmp_rtm in oasis\.yaml: "61 \* \* \* \*": Invalid value for minute: 61/,
  );
  rejects(
    {},
    `dataset_schedules: { lmp_5min: "* * * * *" }`,
    /dataset_schedules\.lmp_5min in oasis\.yaml: unknown dataset/,
  );
  rejects(
    {},
    `output_topics: { lmp_dam: "bad topic!" }`,
    /output_topics in oasis\.yaml: "bad topic!" is not a valid Kafka topic name/,
  );
  rejects({}, `market: ERCOT`, /market in oasis\.yaml: "ERCOT" is not supported \(only "CAISO"\)/);
  rejects({}, `mode: stream`, /mode in oasis\.yaml: "stream" is not supported \(only "batch"\)/);
  rejects({}, `enabled: maybe`, /enabled in oasis\.yaml: "maybe" is not true or false/);
  rejects(
    {},
    `retention: { rt_days: 0 }`,
    /retention\.rt_days in oasis\.yaml: "0" is not a whole number from 1/,
  );
  rejects({}, `retention: { weeks: 2 }`, /retention\.weeks in oasis\.yaml: unknown key/);
  rejects({}, `nodes: [TH_NP15_GEN-APND, "A;B"]`, /nodes in oasis\.yaml: "A;B" is not a node name/);
  rejects({}, `lookback: 5`, /lookback in oasis\.yaml: unknown key \(known: name, market/);
  rejects({}, `thresholds: [1, 2]`, /thresholds in oasis\.yaml: is not a mapping/);
  rejects({}, `name: [a, b]`, /name in oasis\.yaml: \["a","b"\] is not a single value/);
  rejects({}, `a: [`, /Invalid setting CONFIG_FILE: "oasis\.yaml" is not valid YAML/);
  rejects({}, `- just\n- a list`, /CONFIG_FILE: "oasis\.yaml" is not a YAML mapping/);
  // The environment's own bad value is still named by its variable.
  rejects({ ALERT_HIGH_PRICE: "x" }, FULL, /Invalid setting ALERT_HIGH_PRICE: "x"/);
});

Deno.test("an empty file is no settings; the documented keys are the issue's shape plus datasets and horizons", () => {
  assert.deepEqual(readConfigFile(file("")).env, {});
  assert.deepEqual(CONFIG_FILE_KEYS, [
    "name",
    "market",
    "mode",
    "schedule",
    "enabled",
    "output_topics",
    "dataset_schedules",
    "datasets",
    "nodes",
    "thresholds",
    "retention",
    "lookback_hours",
    "revision_hours",
    "peak_polling",
    "estimates",
    "price_corrections",
  ]);
});

Deno.test("price_corrections in the file sets the days read back and the schedule; a bad one names its key", () => {
  const c = loadConfig({}, file(`price_corrections: { days: 7, schedule: "0 18 * * *" }`));
  assert.deepEqual([c.jobs.correctionDays, c.jobs.correctionSchedule], [7, "0 18 * * *"]);
  assert.throws(
    () => loadConfig({}, file(`price_corrections: { days: 40 }`)),
    /price_corrections\.days in oasis\.yaml/,
  );
});

Deno.test("peak_polling in the file sets the peak window and the off-peak schedule (unquoted times too)", () => {
  const c = loadConfig(
    {},
    file(
      `peak_polling: { enabled: true, peak_start: 05:30, peak_end: "23:00", off_peak_schedule: "0 * * * *" }`,
    ),
  );
  assert.deepEqual(c.jobs.peak, {
    enabled: true,
    start: "05:30",
    end: "23:00",
    offPeakSchedule: "0 * * * *",
  });
  assert.equal(loadConfig({}, file(`peak_polling: { enabled: true }`)).jobs.peak.start, "06:00");
  assert.equal(loadConfig({}).jobs.peak.enabled, false, "off without the file");
  assert.equal(
    loadConfig({ PEAK_POLLING: "false" }, file(`peak_polling: { enabled: true }`)).jobs.peak.enabled,
    false,
  );
});

Deno.test("a bad peak_polling value fails with a message naming its YAML key", () => {
  rejects(
    {},
    `peak_polling: { enabled: sometimes }`,
    /peak_polling\.enabled in oasis\.yaml: "sometimes" is not true/,
  );
  rejects(
    {},
    `peak_polling: { peak_start: "25:00" }`,
    /peak_polling\.peak_start in oasis\.yaml: "25:00" is not a time/,
  );
  rejects(
    {},
    `peak_polling: { peak_end: 6 }`,
    /peak_polling\.peak_end in oasis\.yaml: "6" is not a time of day/,
  );
  rejects(
    {},
    `peak_polling: { peak_start: "22:00", peak_end: "22:00" }`,
    /peak_polling\.peak_end in oasis\.yaml: "22:00" is the start too: the peak window is empty/,
  );
  rejects(
    {},
    `peak_polling: { off_peak_schedule: "every 15 minutes" }`,
    /peak_polling\.off_peak_schedule in oasis\.yaml: "every 15 minutes" has 3 fields, not 5/,
  );
  rejects(
    {},
    `peak_polling: { window: "06-22" }`,
    /peak_polling\.window in oasis\.yaml: unknown key \(known: enabled/,
  );
  rejects({}, `peak_polling: true`, /peak_polling in oasis\.yaml: is not a mapping/);
});

Deno.test("estimates in the file set the estimate method, the longest gap interpolated and the lag", () => {
  const c = loadConfig(
    {},
    file(`estimates: { method: previous_day, max_gap_minutes: 30, after_seconds: 60 }`),
  );
  assert.deepEqual(c.live.estimates, { method: "previous_day", maxGapMs: 30 * 60_000, afterMs: 60_000 });
  assert.equal(loadConfig({}).live.estimates.method, "da", "da without the file");
  rejects({}, `estimates: { method: last }`, /estimates\.method in oasis\.yaml: "last" is not one of da/);
  rejects({}, `estimates: { max_gap: 10 }`, /estimates\.max_gap in oasis\.yaml: unknown key/);
});
