/**
 * Backfill progress for people: on a terminal a progress bar (npm:cli-progress) with requests done/total,
 * rows, ETA and the current window; otherwise (CI, a pipe, a log file) one plain line per window. Both on
 * stderr, so stdout keeps only the plan or the summary.
 *
 * @module
 */
import process from "node:process";
// @deno-types="@types/cli-progress"
import cliProgress from "cli-progress";
import type { BackfillProgress } from "./backfill.ts";

/** Shows progress. */
export interface ProgressReporter {
  /** Called once before the first window. */
  start(total: number, resumed: number): void;
  /** Called after each window. */
  update(progress: BackfillProgress): void;
  /** Called once at the end (also after an error). */
  stop(): void;
}

/** Options of `createProgressReporter`. */
export interface ProgressOptions {
  /** Draw a bar (default: whether stderr is a terminal). */
  readonly tty?: boolean;
  /** Where plain lines go (default stderr). */
  readonly writeLine?: (line: string) => void;
  /** Clock in ms for the ETA of plain lines (default `Date.now`). */
  readonly now?: () => number;
  /** Where the bar is drawn (default `process.stderr`). */
  readonly stream?: NodeJS.WritableStream;
}

const span = (p: BackfillProgress) =>
  `${p.dataset} ${p.window.start.toISOString().slice(0, 16)}Z..${p.window.end.toISOString().slice(0, 16)}Z`;

/** Formats a duration in ms as `1h02m`, `3m05s` or `12s`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${s}s`;
}

/** A bar on a terminal, plain lines otherwise. */
export function createProgressReporter(options: ProgressOptions = {}): ProgressReporter {
  const tty = options.tty ?? Deno.stderr.isTerminal();
  if (tty) {
    const bar = new cliProgress.SingleBar({
      format: "backfill [{bar}] {value}/{total} requests | {rows} rows | ETA {eta_formatted} | {window}",
      stream: options.stream ?? process.stderr,
      hideCursor: true,
      etaBuffer: 20,
    }, cliProgress.Presets.shades_classic);
    return {
      start: (total, resumed) => bar.start(total, resumed, { rows: 0, window: "" }),
      update: (p) => bar.update(p.done, { rows: p.rows, window: `${span(p)} ${p.result}` }),
      stop: () => bar.stop(),
    };
  }
  const write = options.writeLine ?? ((line: string) => console.error(line));
  const now = options.now ?? Date.now;
  let started = 0, base = 0;
  return {
    start(total, resumed) {
      started = now();
      write(`backfill: ${total} requests${resumed > 0 ? `, ${resumed} already done (checkpoint)` : ""}`);
    },
    update(p) {
      if (p.result === "checkpoint") {
        base++;
        return;
      }
      const worked = p.done - base;
      const eta = worked > 0 ? ((now() - started) / worked) * (p.total - p.done) : 0;
      write(
        `backfill ${p.done}/${p.total} ${span(p)}: ${p.result}, ${p.rows} rows so far, ETA ${
          formatDuration(eta)
        }`,
      );
    },
    stop() {},
  };
}

/** Progress of a read counted in a unit (bytes, messages), one topic at a time. */
export interface CountProgress {
  /** Called before each part, with its size. */
  begin(label: string, total: number): void;
  /** Called with the units done of the current part. */
  update(done: number): void;
  /** Called after each part (also after an error). */
  end(): void;
}

/** A bar per part on a terminal; otherwise a plain line at each tenth of a part and at its end. */
export function createCountProgress(job: string, unit: string, options: ProgressOptions = {}): CountProgress {
  const tty = options.tty ?? Deno.stderr.isTerminal();
  const write = options.writeLine ?? ((line: string) => console.error(line));
  let bar: cliProgress.SingleBar | undefined, label = "", total = 0, done = 0, shown = 0;
  return {
    begin(name, size) {
      [label, total, done, shown] = [name, size, 0, 0];
      if (!tty) return write(`${job} ${label}: ${size} ${unit}`);
      bar = new cliProgress.SingleBar({
        format: `${job} [{bar}] {value}/{total} ${unit} | ETA {eta_formatted} | {label}`,
        stream: options.stream ?? process.stderr,
        hideCursor: true,
      }, cliProgress.Presets.shades_classic);
      bar.start(Math.max(size, 1), 0, { label });
    },
    update(n) {
      done = n;
      if (bar) return bar.update(Math.min(n, Math.max(total, 1)), { label });
      const tenth = total > 0 ? Math.floor((10 * n) / total) : 0;
      if (tenth > shown && tenth < 10) write(`${job} ${label}: ${n}/${total} ${unit}`);
      shown = Math.max(shown, tenth);
    },
    end() {
      if (bar) bar.stop();
      else write(`${job} ${label}: done, ${done} ${unit}`);
      bar = undefined;
    },
  };
}
