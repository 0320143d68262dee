/** Runs and OASIS requests per operating day with peak polling off and on, for the default settings. */
import assert from "node:assert/strict";
import { dailyPolls, pollTicks } from "../../src/jobs/daily_polls.ts";
import { loadJobsConfig } from "../../src/jobs/settings.ts";
import { type DatasetName, DEFAULT_NODES } from "../../src/oasis/datasets.ts";
import { operatingDay } from "../../src/oasis/time.ts";

const jobs = loadJobsConfig({});
const options = { ...jobs, nodes: { nodes: DEFAULT_NODES } };
const ON = { ...jobs.peak, enabled: true };

function runs(date: string, enabled: boolean, datasets?: DatasetName[]): Record<string, number> {
  const polls = dailyPolls(date, { ...options, peak: enabled ? ON : jobs.peak, datasets });
  return Object.fromEntries(Object.entries(polls).map(([d, p]) => [d, p.runs]));
}

Deno.test("dailyPolls(): on a 24-hour day peak polling (06–22, */15 off-peak) cuts the 5-minute jobs from 288 to 224 runs", () => {
  const off = runs("2025-07-01", false);
  const on = runs("2025-07-01", true);
  assert.deepEqual(off, {
    lmp_dam: 24,
    lmp_fmm: 96,
    lmp_rtm: 288,
    as_dam: 24,
    as_fmm: 96,
    as_rtm: 288,
    crr: 1,
  });
  assert.deepEqual(on, { ...off, lmp_rtm: 16 * 12 + 8 * 4, as_rtm: 224 });
});

const SOME: DatasetName[] = ["lmp_rtm", "lmp_dam"];

Deno.test("dailyPolls(): the DST days keep a 16-hour peak window; the night is 7 h (23-hour day) or 9 h (25-hour day)", () => {
  assert.deepEqual(
    [
      runs("2025-03-09", false, SOME).lmp_rtm,
      runs("2025-03-09", true, SOME).lmp_rtm,
      runs("2025-03-09", true, SOME).lmp_dam,
    ],
    [276, 16 * 12 + 7 * 4, 23],
  );
  assert.deepEqual(
    [
      runs("2025-11-02", false, SOME).lmp_rtm,
      runs("2025-11-02", true, SOME).lmp_rtm,
      runs("2025-11-02", true, SOME).lmp_dam,
    ],
    [300, 16 * 12 + 9 * 4, 25],
  );
});

Deno.test("dailyPolls() counts one request per run of a real-time dataset for the three hubs", () => {
  const off = dailyPolls("2025-07-01", { ...options, peak: jobs.peak });
  const on = dailyPolls("2025-07-01", { ...options, peak: ON });
  assert.deepEqual(off.lmp_rtm, { runs: 288, requests: 288 });
  assert.deepEqual(on.lmp_rtm, { runs: 224, requests: 224 });
  assert.deepEqual(on.lmp_fmm, { runs: 96, requests: 96 });
  // as_*: one operating day per request, so the run whose range crosses Pacific midnight asks twice.
  assert.deepEqual(on.as_rtm, { runs: 224, requests: 225 });
  // as_dam: 48 h of revisions plus tomorrow, one operating day per request.
  assert.deepEqual(on.as_dam, { runs: 24, requests: 96 });
  assert.deepEqual(on.as_dam, off.as_dam);
});

Deno.test("pollTicks() lists the minutes a dataset polls: off-peak ticks, then the schedule from 06:00 Pacific", () => {
  const day = operatingDay("2025-07-01");
  const ticks = pollTicks(
    "lmp_rtm",
    {
      start: new Date(day.start.getTime() + 5 * 3_600_000),
      end: new Date(day.start.getTime() + 6.5 * 3_600_000),
    },
    "*/5 * * * *",
    ON,
  );
  assert.deepEqual(ticks.map((t) => t.toISOString().slice(11, 16)), [
    "12:00",
    "12:15",
    "12:30",
    "12:45",
    "13:00",
    "13:05",
    "13:10",
    "13:15",
    "13:20",
    "13:25",
  ]);
});
