/**
 * Publication → first poll that has the interval, for the real-time LMP datasets: the production
 * `JobRunner` (cron ticks, follow-ups, learned publication delay) on fake timers, against the simulator's
 * publication instants (60 s + 0–60 s jitter per interval, as in the demo). Compressed time: hours of
 * intervals in milliseconds. The poll itself is modelled as instantaneous (no OASIS request, gate or
 * delivery time): add about one request (≈1 s, or one 5 s gate slot behind a backfill) and the WebSocket
 * fan-out (see its own table) for publication → screen.
 *
 * @module
 */
import FakeTimers from "@sinonjs/fake-timers";
import { JobRunner } from "../src/jobs/job_runner.ts";
import type { PollSummary } from "../src/jobs/poll.ts";
import { type DatasetName, DATASETS } from "../src/oasis/datasets.ts";
import { createSimulator } from "../simulator/simulator.ts";
import { type BenchRow, median } from "./bench_util.ts";

const START = Date.parse("2026-12-07T16:00:00Z");
const INTERVALS = 48;

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/** Seconds from publication to the first run that had each interval, over `INTERVALS` intervals. */
async function measure(dataset: "lmp_rtm" | "lmp_fmm", followUpMs: number) {
  const minutes = DATASETS[dataset].intervalMinutes;
  const step = minutes * 60_000;
  const sim = createSimulator({ publishDelayMs: 60_000, publishJitterMs: 60_000 });
  const published = (end: number) => sim.publishedAt(new Date(end - step), minutes).getTime();
  const clock = FakeTimers.install({ now: START, toFake: ["Date", "setTimeout", "clearTimeout"] });
  const firstSeen = new Map<number, number>();
  let polls = 0;
  const poll = (d: DatasetName, now: Date): Promise<PollSummary> => {
    const t = now.getTime();
    polls++;
    const due = Math.floor(t / step) * step;
    let watermark = due;
    while (published(watermark) > t) watermark -= step;
    for (let end = watermark; end > watermark - 3 * step; end -= step) {
      if (!firstSeen.has(end)) firstSeen.set(end, t);
    }
    const base = { requests: 1, rows: 0, published: 0, revised: 0, noData: 0, failures: [], missing: 0 };
    return Promise.resolve({
      ...base,
      dataset: d,
      outcome: "done",
      range: { start: new Date(watermark).toISOString(), end: new Date(due).toISOString() },
      watermark: new Date(watermark).toISOString(),
    });
  };
  const runner = new JobRunner({ schedules: { [dataset]: DATASETS[dataset].schedule }, poll, followUpMs });
  try {
    for (let i = 0; i <= INTERVALS + 1; i++) {
      await runner.run(dataset); // the cron tick at each interval's end (both default schedules)
      await clock.tickAsync(step);
    }
  } finally {
    await runner.stop();
    clock.uninstall();
  }
  const out: number[] = [];
  for (let i = 2; i <= INTERVALS + 1; i++) {
    const end = START + i * step;
    const seen = firstSeen.get(end);
    if (seen !== undefined) out.push((seen - published(end)) / 1000);
  }
  return { seconds: out, pollsPerInterval: polls / (INTERVALS + 2) };
}

/** Rows: median and p99 publication → first poll with the interval, cron only and with follow-ups. */
export async function runPublicationBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const dataset of ["lmp_rtm", "lmp_fmm"] as const) {
    for (
      const [label, followUpMs] of [["cron only (before)", 0], [
        "follow-ups every 15 s (after)",
        15_000,
      ]] as const
    ) {
      const { seconds: s, pollsPerInterval } = await measure(dataset, followUpMs);
      rows.push({
        name: `${dataset}, ${label}`,
        ms: median(s) * 1000,
        note: `median ${median(s).toFixed(1)} s, p99 ${percentile(s, 99).toFixed(1)} s, max ${
          Math.max(...s).toFixed(1)
        } s over ${s.length} intervals, ${pollsPerInterval.toFixed(1)} polls per interval`,
      });
    }
  }
  return rows;
}

if (import.meta.main) {
  const { table } = await import("./bench_util.ts");
  console.log(
    table(
      "Publication → first poll with the interval (simulated 60–120 s delay)",
      await runPublicationBench(),
    ),
  );
}
