/**
 * Prints, as a Markdown table, the scheduled runs and OASIS requests per operating day of each dataset with
 * peak polling off and on, for the settings in the environment (`deno run --allow-env
 * scripts/polls_per_day.ts [YYYY-MM-DD]`; default: an ordinary 24-hour day). With the default settings peak
 * polling is off, so the "on" columns use `PEAK_START`, `PEAK_END` and `OFF_PEAK_SCHEDULE` with it on.
 *
 * @module
 */
import { loadConfig } from "../src/config.ts";
import { type DailyPolls, dailyPolls } from "../src/jobs/daily_polls.ts";
import { hoursInDay } from "../src/oasis/time.ts";

const date = Deno.args[0] ?? "2025-07-01";
const config = loadConfig(Deno.env.toObject());
const jobs = config.jobs;
const base = { ...jobs, nodes: config.nodes, datasets: config.datasets };
const off = dailyPolls(date, { ...base, peak: { ...jobs.peak, enabled: false } });
const on = dailyPolls(date, { ...base, peak: { ...jobs.peak, enabled: true } });

const sum = (polls: Record<string, DailyPolls>, key: keyof DailyPolls) =>
  Object.values(polls).reduce((n, p) => n + p[key], 0);
const pct = (a: number, b: number) => (a === 0 ? "0%" : `−${Math.round((100 * (a - b)) / a)}%`);

console.log(
  `${date} (${hoursInDay(date)} h), peak ${jobs.peak.start}–${jobs.peak.end} Pacific, off-peak ` +
    `\`${jobs.peak.offPeakSchedule}\`\n`,
);
console.log("| dataset | schedule | runs off | runs on | requests off | requests on |");
console.log("| --- | --- | ---: | ---: | ---: | ---: |");
for (const d of config.datasets) {
  console.log(
    `| \`${d}\` | \`${jobs.schedules[d]}\` | ${off[d].runs} | ${on[d].runs} | ${off[d].requests} | ${
      on[d].requests
    } |`,
  );
}
const [runsOff, runsOn] = [sum(off, "runs"), sum(on, "runs")];
const [reqOff, reqOn] = [sum(off, "requests"), sum(on, "requests")];
console.log(
  `| total | | ${runsOff} | ${runsOn} (${pct(runsOff, runsOn)}) | ${reqOff} | ${reqOn} (${
    pct(reqOff, reqOn)
  }) |`,
);
