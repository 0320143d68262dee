/**
 * Metrics whose value is read from another part at scrape time (prom-client `collect`), shared by the
 * files of `src/metrics/`.
 *
 * @module
 */
import { Counter, Gauge, type Registry } from "./_prom.ts";

/** A counter set at each scrape to what `read` returns (nothing when it returns undefined; never negative). */
export function counterFrom(
  registers: Registry[],
  name: string,
  help: string,
  read: () => number | undefined,
): void {
  new Counter({
    name,
    help,
    registers,
    collect() {
      const v = read();
      this.reset();
      if (v !== undefined) this.inc(Math.max(0, v));
    },
  });
}

/** A gauge set at each scrape to what `read` returns (nothing when it returns undefined). */
export function gaugeFrom(
  registers: Registry[],
  name: string,
  help: string,
  read: () => number | undefined,
): void {
  new Gauge({
    name,
    help,
    registers,
    collect() {
      const v = read();
      this.reset();
      if (v !== undefined) this.set(v);
    },
  });
}

/** A value with the one label of its gauge, or undefined when the series is absent. */
export type LabelledValue = { labels: Record<string, string>; value: number } | undefined;

/** A gauge with one label, reset and set at each scrape to what `read` returns. */
export function labelledGaugeFrom(
  registers: Registry[],
  name: string,
  help: string,
  label: "store" | "backend",
  read: () => LabelledValue,
): void {
  new Gauge({
    name,
    help,
    labelNames: [label],
    registers,
    collect() {
      const v = read();
      this.reset();
      if (v) this.set(v.labels, v.value);
    },
  });
}
