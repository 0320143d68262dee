import assert from "node:assert/strict";
import { Writable } from "node:stream";
import {
  createCountProgress,
  createProgressReporter,
  formatDuration,
} from "../../src/jobs/backfill_progress.ts";
import type { BackfillProgress } from "../../src/jobs/backfill.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";

const window = {
  dataset: "lmp_dam" as const,
  query: DATASETS.lmp_dam.queries[0]!,
  start: new Date("2024-01-01T08:00:00Z"),
  end: new Date("2024-01-02T08:00:00Z"),
};
const step = (done: number, rows: number, result: BackfillProgress["result"]): BackfillProgress => ({
  done,
  total: 3,
  rows,
  dataset: "lmp_dam",
  window,
  result,
});

/** A writable that says it is a terminal, as a TTY stderr does, and keeps what was drawn. */
function terminal(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  Object.assign(stream, { isTTY: true, columns: 200, rows: 40 });
  return { stream, text: () => chunks.join("") };
}

Deno.test("on a terminal the backfill draws a bar with requests done, rows, ETA and the current window", () => {
  const t = terminal();
  const progress = createProgressReporter({ tty: true, stream: t.stream });
  progress.start(3, 1);
  progress.update(step(2, 120, "rows"));
  progress.update(step(3, 240, "no-data"));
  progress.stop();
  const drawn = t.text();
  assert.match(drawn, /backfill \[[█░]+\] 3\/3 requests \| 240 rows \| ETA /);
  assert.match(drawn, /lmp_dam 2024-01-01T08:00Z\.\.2024-01-02T08:00Z no-data/);
  const ESC = String.fromCharCode(27);
  assert.ok(drawn.includes(`${ESC}[?25l`), "the cursor is hidden while the bar is drawn");
  assert.ok(drawn.includes(`${ESC}[?25h`), "and shown again at the end");
});

Deno.test("off a terminal the backfill writes one plain line per window with an ETA, skipping checkpointed ones", () => {
  const lines: string[] = [];
  let clock = 0;
  const progress = createProgressReporter({ tty: false, writeLine: (l) => lines.push(l), now: () => clock });
  progress.start(3, 1);
  progress.update(step(1, 0, "checkpoint"));
  clock = 10_000;
  progress.update(step(2, 120, "rows"));
  progress.stop();
  assert.deepEqual(lines, [
    "backfill: 3 requests, 1 already done (checkpoint)",
    "backfill 2/3 lmp_dam 2024-01-01T08:00Z..2024-01-02T08:00Z: rows, 120 rows so far, ETA 10s",
  ]);
  assert.equal(formatDuration(3_725_000), "1h02m");
  assert.equal(formatDuration(185_000), "3m05s");
});

Deno.test("the audit's read progress: a bar per topic on a terminal, otherwise a line at each tenth and at the end", () => {
  const t = terminal();
  const bar = createCountProgress("audit", "bytes", { tty: true, stream: t.stream });
  bar.begin("topic.a", 1000);
  bar.update(1000);
  bar.end();
  assert.match(t.text(), /audit \[[█░]+\] 1000\/1000 bytes \| ETA .*\| topic\.a/);
  const lines: string[] = [];
  const plain = createCountProgress("audit", "messages", { tty: false, writeLine: (l) => lines.push(l) });
  plain.begin("topic.b", 100);
  for (const n of [5, 12, 14, 55, 100]) plain.update(n);
  plain.end();
  assert.deepEqual(lines, [
    "audit topic.b: 100 messages",
    "audit topic.b: 12/100 messages",
    "audit topic.b: 55/100 messages",
    "audit topic.b: done, 100 messages",
  ]);
});
