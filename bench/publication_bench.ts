/**
 * OASIS publication → WebSocket receipt, per interval, in two parts added together:
 *
 * 1. publication → start of the first poll that has the interval, in fake time (`publication_timeline.ts`):
 *    the production `JobRunner` with its cron ticks and follow-ups against the simulator's publication
 *    instants (real-time: 60 s + 0–60 s jitter per interval, as in the demo; day-ahead: 13:00 Pacific the
 *    day before). Hours of intervals pass in milliseconds; the poll is a stand-in that answers at once.
 * 2. that poll's start → the WebSocket client has the interval for every configured zone, measured in real
 *    time through the production path (`publication_path.ts`: `JobRunner` → `pollOnce` → gate with shared
 *    KV slots → `OasisClient` → HTTP to the simulator → unzip and parse in the worker → `deliverWindow` to
 *    the Bronze outbox and the hot store → store events → `FanOut` → `startHttpServer`'s `/ws` → a
 *    `WebSocket` client), with the simulator's and the runner's clocks frozen at the instant part 1 found.
 *
 * Each interval's figure is part 1 + part 2 of that same interval; median and p99 are over those sums (with
 * 24 intervals the p99 is their maximum). For `lmp_dam` the "interval" is an operating day: published at
 * once, received when the client has all its hours for every zone.
 * Part 2 runs once per interval, at the instant the default follow-ups find it, and is added to the
 * cron-only timeline too (the poll then asks one interval more, which OASIS answers without it).
 * Part 2 starts with the gate free: these polls are the service's only requests. In the service the
 * gate is shared by every dataset, so a poll can wait behind others (a cron minute several datasets share,
 * follow-ups of datasets published together): the third row per real-time dataset takes part 1 from
 * `publication_gate.ts` instead (all default datasets and schedules through one production gate, in fake
 * time, up to the start of the request that brings the interval) and adds part 2 from that request's
 * start. A running backfill can add one more slot (`tests/oasis/gate_priority_test.ts`); not in these rows.
 *
 * Day-ahead: `lmp_dam` polls on `0 * * * *`. The simulator publishes at 13:00:00 Pacific, exactly on an
 * hourly tick, so that tick finds it; real OASIS publishes around 13:00, and without follow-ups a publication
 * even seconds after the tick waits for the next one: the second row puts it 60–120 s after 13:00 (the
 * real-time model's delay) to show that, the third runs today's default day-ahead follow-ups on the same days.
 *
 * `PUBLICATION_BENCH_INTERVALS` (default 24) sets the intervals (and days) measured per dataset.
 *
 * @module
 */
import type { DatasetName } from "../src/oasis/datasets.ts";
import { operatingDate, pacificMidnight } from "../src/oasis/time.ts";
import { dayAheadPublishedAt } from "../simulator/availability.ts";
import { createSimulator } from "../simulator/simulator.ts";
import { type BenchRow, median } from "./bench_util.ts";
import { sharedGateTimelines } from "./publication_gate.ts";
import { openProductionPath, type PathRun, type ProductionPath } from "./publication_path.ts";
import { dayAheadTimeline, realTimeTimeline, type Timeline } from "./publication_timeline.ts";

/** Title of the results table. */
export const PUBLICATION_TITLE =
  "OASIS publication → WebSocket receipt (simulated 60–120 s RT delay; poll start in fake time + production path measured)";

const INTERVALS = Number(Deno.env.get("PUBLICATION_BENCH_INTERVALS") ?? 24);
const HOUR = 3_600_000;
const DELAY = { publishDelayMs: 60_000, publishJitterMs: 60_000 };
const MARKET = { lmp_rtm: "RT", lmp_fmm: "FMM", lmp_dam: "DA" } as const;

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

const stats = (xs: readonly number[]) =>
  `median ${median(xs).toFixed(1)} s, p99 ${percentile(xs, 99).toFixed(1)} s`;

/** Part 2 for each interval of `timeline`: keyed by interval end, at the instant the timeline found it. */
async function measurePath(
  path: ProductionPath,
  dataset: keyof typeof MARKET,
  timeline: Timeline,
  starts: (end: number) => number[],
): Promise<Map<number, PathRun>> {
  const ends = [...timeline.seen.keys()].sort((a, b) => a - b);
  const firstStart = Math.min(...starts(ends[0]!));
  await path.setWatermark(dataset, new Date(firstStart));
  const out = new Map<number, PathRun>();
  // One unmeasured poll first: the workers, the JIT and the store's first write warm up.
  const warm = ends[0]!;
  await path.measure(dataset, new Date(timeline.seen.get(warm)!), MARKET[dataset], starts(warm));
  for (const end of ends.slice(1)) {
    out.set(
      end,
      await path.measure(dataset, new Date(timeline.seen.get(end)!), MARKET[dataset], starts(end)),
    );
  }
  return out;
}

/**
 * One row: publication → receipt per interval = (poll start − publication) + measured path; `per` names
 * the unit polls are counted in (interval, day). With `fromRequest`, the timeline's instants are request
 * starts (`publication_gate.ts`) and the measured part starts at the request too.
 */
function combinedRow(
  name: string,
  timeline: Timeline,
  runs: ReadonlyMap<number, PathRun>,
  { per = "interval", fromRequest = false } = {},
): BenchRow {
  const before: number[] = [], path: number[] = [], total: number[] = [];
  for (const [end, run] of runs) {
    if (!timeline.seen.has(end)) throw new Error(`${name}: no poll had the interval ending ${end}`);
    const wait = (timeline.seen.get(end)! - timeline.published.get(end)!) / 1000;
    const measured = fromRequest ? run.totalMs - run.beforeRequestMs : run.totalMs;
    before.push(wait);
    path.push(measured);
    total.push(wait + measured / 1000);
  }
  const max = Math.max(...total).toFixed(1);
  const polls = `${timeline.pollsPerInterval.toFixed(1)} ${fromRequest ? "requests" : "polls"} per ${per}`;
  const start = fromRequest ? "request start" : "poll start";
  const pathMs = `median ${median(path).toFixed(0)} ms, p99 ${percentile(path, 99).toFixed(0)} ms`;
  return {
    name,
    ms: median(total) * 1000,
    note: `${stats(total)}, max ${max} s over ${total.length} ${per}s = publication → ${start} (fake time: ` +
      `${stats(before)}; ${polls}) + ${start} → WebSocket (measured: ${pathMs})`,
  };
}

/** The production path alone: where a poll's time goes. */
function pathRow(dataset: DatasetName, runs: ReadonlyMap<number, PathRun>): BenchRow {
  const all = [...runs.values()];
  const ms = (f: (r: PathRun) => number) => median(all.map(f)).toFixed(0);
  return {
    name: `${dataset}, poll start → WebSocket receipt (production path, real time)`,
    ms: median(all.map((r) => r.totalMs)),
    note:
      `p99 ${percentile(all.map((r) => r.totalMs), 99).toFixed(0)} ms over ${all.length} polls; medians: ` +
      `start → first request ${ms((r) => r.beforeRequestMs)} ms, requests ${ms((r) => r.requestMs)} ms ` +
      `(${ms((r) => r.requests)} per poll), answer → receipt ${
        ms((r) => r.totalMs - r.beforeRequestMs - r.requestMs)
      } ms`,
  };
}

/** Part 1 of a real-time dataset, cron only and with today's follow-ups. */
async function realTimeTimelines(dataset: "lmp_rtm" | "lmp_fmm", start: number) {
  const sim = createSimulator(DELAY);
  const minutes = dataset === "lmp_rtm" ? 5 : 15;
  const step = minutes * 60_000;
  const publishedAt = (end: number) => sim.publishedAt(new Date(end - step), minutes).getTime();
  const base = { start, intervals: INTERVALS + 1, publishedAt };
  const cron = await realTimeTimeline(dataset, { ...base, followUpMs: 0 });
  const followUps = await realTimeTimeline(dataset, { ...base, followUpMs: 15_000 });
  return { dataset, step, cron, followUps };
}

async function realTimeRows(
  path: ProductionPath,
  { dataset, step, cron, followUps }: Awaited<ReturnType<typeof realTimeTimelines>>,
  shared: Timeline,
): Promise<BenchRow[]> {
  const runs = await measurePath(path, dataset, followUps, (end) => [end - step]);
  return [
    combinedRow(`${dataset}, cron only (JOB_FOLLOW_UP_S=0)`, cron, runs),
    combinedRow(`${dataset}, follow-ups every 15 s (today's default)`, followUps, runs),
    combinedRow(
      `${dataset}, today's default, gate shared with the other default datasets' polls`,
      shared,
      runs,
      { fromRequest: true },
    ),
    pathRow(dataset, runs),
  ];
}

/** Part 1 of the day-ahead market: published on the hourly tick, and a little after it. */
async function dayAheadTimelines(firstDate: string) {
  const start = pacificMidnight(firstDate).getTime();
  const base = { start, days: INTERVALS + 1 };
  const onTick = await dayAheadTimeline({ ...base, publishedAt: dayAheadPublishedAt });
  // 60 s + 0–60 s after 13:00, drawn per day as the simulator draws real-time delays.
  const sim = createSimulator(DELAY);
  const late = (date: string) =>
    sim.publishedAt(new Date(dayAheadPublishedAt(date) - 5 * 60_000), 5).getTime();
  const afterTick = await dayAheadTimeline({ ...base, publishedAt: late });
  const followed = await dayAheadTimeline({ ...base, publishedAt: late, followUpMs: 15_000 });
  return { onTick, afterTick, followed };
}

async function dayAheadRows(
  path: ProductionPath,
  { onTick, afterTick, followed }: Awaited<ReturnType<typeof dayAheadTimelines>>,
): Promise<BenchRow[]> {
  const hours = (end: number) => {
    const day = pacificMidnight(operatingDate(new Date(end - 1))).getTime();
    return Array.from({ length: (end - day) / HOUR }, (_, i) => day + i * HOUR);
  };
  const runs = await measurePath(path, "lmp_dam", onTick, hours);
  return [
    combinedRow(
      "lmp_dam, published 13:00:00 Pacific (the simulator; on the hourly tick)",
      onTick,
      runs,
      { per: "day" },
    ),
    combinedRow(
      "lmp_dam, published 60–120 s after 13:00 Pacific, no follow-ups (JOB_FOLLOW_UP_S=0)",
      afterTick,
      runs,
      { per: "day" },
    ),
    combinedRow(
      "lmp_dam, published 60–120 s after 13:00 Pacific, day-ahead follow-ups (today's default)",
      followed,
      runs,
      { per: "day" },
    ),
    pathRow("lmp_dam", runs),
  ];
}

/** Rows: per dataset, publication → WebSocket receipt (cron only and today's default) and the path alone. */
export async function runPublicationBench(): Promise<BenchRow[]> {
  // Virtual time in the recent past, whole days so that 15-minute intervals fit too.
  const start = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 2 * 86_400_000;
  const daFirst = operatingDate(new Date(start - (INTERVALS + 4) * 86_400_000));
  // Part 1 first: fake timers replace the global ones while it runs, which the open service must not see.
  const rtm = await realTimeTimelines("lmp_rtm", start);
  const fmm = await realTimeTimelines("lmp_fmm", start);
  const dam = await dayAheadTimelines(daFirst);
  const shared = await sharedGateTimelines(createSimulator(DELAY), {
    start,
    intervals: (INTERVALS + 3) * 3,
    datasets: ["lmp_rtm", "lmp_fmm"],
  });
  const path = await openProductionPath({ datasets: ["lmp_rtm", "lmp_fmm", "lmp_dam"], ...DELAY });
  try {
    return [
      ...await realTimeRows(path, rtm, shared.get("lmp_rtm")!),
      ...await realTimeRows(path, fmm, shared.get("lmp_fmm")!),
      ...await dayAheadRows(path, dam),
    ];
  } finally {
    await path.close();
  }
}

if (import.meta.main) {
  const { table } = await import("./bench_util.ts");
  console.log(table(PUBLICATION_TITLE, await runPublicationBench()));
}
