import assert from "node:assert/strict";
import { ConfigError } from "../../src/config.ts";
import { loadJobsConfig } from "../../src/jobs/settings.ts";
import { schedulePeriodMs, scheduleProblem } from "../../src/jobs/schedule.ts";

Deno.test("loadJobsConfig({}) gives the dataset table's schedules, a 24 h lookback and 48 h day-ahead revisions", () => {
  const c = loadJobsConfig({});
  assert.equal(c.enabled, true);
  assert.deepEqual(c.schedules, {
    lmp_dam: "0 * * * *",
    lmp_fmm: "*/15 * * * *",
    lmp_rtm: "*/5 * * * *",
    as_dam: "0 * * * *",
    as_fmm: "*/15 * * * *",
    as_rtm: "*/5 * * * *",
    crr: "0 4 * * *",
  });
  assert.equal(c.lookbackMs, 24 * 3_600_000);
  assert.equal(c.revisionMs.lmp_dam, 48 * 3_600_000);
  assert.equal(c.revisionMs.lmp_rtm, 0);
  assert.equal(c.lockTtlMs, 600_000);
  assert.equal(c.kvPath, "data/jobs.kv");
});

Deno.test("JOB_SCHEDULES takes dataset=cron pairs separated by ';' (cron fields may hold commas)", () => {
  const c = loadJobsConfig({
    JOB_SCHEDULES: "lmp_rtm=1,6,11 * * * *; crr = 30  5 * * *",
    JOB_SCHEDULE: "*/20 * * * *",
  });
  assert.equal(c.schedules.lmp_rtm, "1,6,11 * * * *");
  assert.equal(c.schedules.crr, "30 5 * * *");
  assert.equal(c.schedules.lmp_dam, "*/20 * * * *");
});

Deno.test("a bad job setting fails with a message naming the variable", () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ JOBS_ENABLED: "yes" }, /Invalid setting JOBS_ENABLED: "yes" is not true or false/],
    [{ JOB_SCHEDULE: "hourly" }, /Invalid setting JOB_SCHEDULE: "hourly" has 1 fields, not 5/],
    [{ JOB_SCHEDULES: "lmp_rtm" }, /Invalid setting JOB_SCHEDULES: "lmp_rtm" is not dataset=value/],
    [{ JOB_SCHEDULES: "lmp_5m=* * * * *" }, /Invalid setting JOB_SCHEDULES: unknown dataset "lmp_5m"/],
    [{ JOB_SCHEDULES: "crr=0 4 * * MON" }, /JOB_SCHEDULES: "0 4 \* \* MON": field "MON" may use only digits/],
    [{ JOB_SCHEDULES: "crr=0 24 * * *" }, /JOB_SCHEDULES: "0 24 \* \* \*": Invalid value for hour: 24/],
    [{ JOB_LOOKBACK_HOURS: "0" }, /Invalid setting JOB_LOOKBACK_HOURS: "0" is not a number from 1 to 744/],
    [{ JOB_REVISION_HOURS: "lmp_dam=-1" }, /JOB_REVISION_HOURS: "-1" for lmp_dam is not a number of hours/],
    [{ JOB_LOCK_TTL_S: "5" }, /Invalid setting JOB_LOCK_TTL_S/],
    [{ JOB_FOLLOW_UP_S: "2" }, /Invalid setting JOB_FOLLOW_UP_S: "2" is below 5 s/],
    [{ JOB_FOLLOW_UP_S: "301" }, /Invalid setting JOB_FOLLOW_UP_S/],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => loadJobsConfig(env),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
    );
  }
});

Deno.test("schedulePeriodMs() is the time between the next two ticks", () => {
  const at = new Date("2025-07-01T20:07:00Z");
  assert.equal(schedulePeriodMs("*/5 * * * *", at), 300_000);
  assert.equal(schedulePeriodMs("0 * * * *", at), 3_600_000);
  assert.equal(schedulePeriodMs("0 4 * * *", at), 86_400_000);
  assert.equal(scheduleProblem("*/5 * * * *"), null);
});

Deno.test("peak polling is off by default, with the 06:00–22:00 Pacific window and a */15 off-peak schedule", () => {
  assert.deepEqual(loadJobsConfig({}).peak, {
    enabled: false,
    start: "06:00",
    end: "22:00",
    offPeakSchedule: "*/15 * * * *",
  });
  assert.deepEqual(
    loadJobsConfig({
      PEAK_POLLING: "TRUE",
      PEAK_START: "5:30",
      PEAK_END: " 23:45 ",
      OFF_PEAK_SCHEDULE: "0,30  * * * *",
    }).peak,
    { enabled: true, start: "05:30", end: "23:45", offPeakSchedule: "0,30 * * * *" },
  );
  assert.equal(
    loadJobsConfig({ PEAK_START: "22:00", PEAK_END: "06:00" }).peak.end,
    "06:00",
    "crosses midnight",
  );
});

Deno.test("a bad peak-polling setting fails with a message naming the variable", () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PEAK_POLLING: "on" }, /Invalid setting PEAK_POLLING: "on" is not true or false/],
    [{ PEAK_START: "24:00" }, /Invalid setting PEAK_START: "24:00" is not a time of day HH:MM/],
    [{ PEAK_END: "6pm" }, /Invalid setting PEAK_END: "6pm" is not a time of day HH:MM/],
    [{ PEAK_START: "06:00", PEAK_END: "6:00" }, /Invalid setting PEAK_END: "06:00" is the start too/],
    [
      { OFF_PEAK_SCHEDULE: "*/15 * *" },
      /Invalid setting OFF_PEAK_SCHEDULE: "\*\/15 \* \*" has 3 fields, not 5/,
    ],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => loadJobsConfig(env),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
      String(message),
    );
  }
});

Deno.test("PRICE_CORRECTION_DAYS reads 14 trade dates by default and refuses more than 31", () => {
  const config = loadJobsConfig({});
  assert.equal(config.correctionDays, 14);
  assert.equal(config.correctionSchedule, "20 17 * * *");
  assert.throws(() => loadJobsConfig({ PRICE_CORRECTION_DAYS: "32" }), /PRICE_CORRECTION_DAYS/);
});
