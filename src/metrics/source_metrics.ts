/**
 * Values other parts already count, read at scrape time through `Metrics.watch()`: the OASIS breaker and
 * shared gate, the job coordination, the hot store, Bronze, the analytics worker and the process's memory.
 *
 * @module
 */
import { Gauge, type Registry } from "./_prom.ts";
import type { BronzeMetrics } from "../bronze/metrics.ts";
import type { BreakerState } from "../oasis/client.ts";
import type { GateStats } from "../oasis/gate.ts";
import type { StoreStats } from "../store/store.ts";
import { counterFrom, labelledGaugeFrom } from "./_collect.ts";
import { registerBronzeMetrics } from "./bronze_metrics.ts";
import { registerStoreMetrics } from "./store_metrics.ts";

/** Values read at scrape time; each source is optional. */
export interface MetricSources {
  readonly store?: () => StoreStats;
  readonly bronze?: () => BronzeMetrics;
  readonly breaker?: () => BreakerState;
  readonly gate?: () => GateStats;
  /** The job coordination's Redis reachability, or undefined when it has no local mirror (Deno KV). */
  readonly coordination?: () => { readonly reachable: boolean; readonly fallbacks: number } | undefined;
  /** The arbitrage routes' analytics worker: workers terminated past a deadline or after a crash. */
  readonly analytics?: () => { readonly replaced: number };
}

const BREAKER_STATES: readonly BreakerState[] = ["closed", "open", "half-open"];

/** Registers every scrape-time metric; `sources` returns the sources watched at the moment of the scrape. */
export function registerSourceMetrics(registers: Registry[], sources: () => MetricSources): void {
  new Gauge({
    name: "oasis_breaker_state",
    help: "OASIS circuit breaker state (1 for the current state)",
    labelNames: ["state"],
    registers,
    collect() {
      const state = sources().breaker?.();
      this.reset();
      if (state !== undefined) {
        for (const s of BREAKER_STATES) this.set({ state: s }, s === state ? 1 : 0);
      }
    },
  });
  registerCoordinationGauges(registers, sources);
  registerStoreMetrics(registers, () => sources().store?.());
  registerBronzeMetrics(registers, () => sources().bronze?.());
  counterFrom(
    registers,
    "analytics_workers_replaced_total",
    "Analytics workers terminated because a computation passed ANALYTICS_DEADLINE_MS (or crashed)",
    () => sources().analytics?.().replaced,
  );
  new Gauge({
    name: "process_resident_memory_bytes",
    help: "Resident memory of the process",
    registers,
    collect() {
      this.set(Deno.memoryUsage().rss);
    },
  });
}

/** The shared OASIS gate and the job coordination's Redis: present only while such a store is in use. */
function registerCoordinationGauges(registers: Registry[], sources: () => MetricSources): void {
  const gate = () => {
    const g = sources().gate?.();
    return g?.shared ? { store: g.shared, local: g.state === "local", fallbacks: g.fallbacks } : undefined;
  };
  const coordination = () => sources().coordination?.();
  labelledGaugeFrom(
    registers,
    "oasis_gate_shared",
    "1 while OASIS request starts are reserved in slots every process shares, 0 while spaced locally",
    "store",
    () => {
      const g = gate();
      return g && { labels: { store: g.store }, value: g.local ? 0 : 1 };
    },
  );
  labelledGaugeFrom(
    registers,
    "oasis_gate_local_starts_total",
    "OASIS request starts spaced locally because the shared gate store failed or was slow",
    "store",
    () => {
      const g = gate();
      return g && { labels: { store: g.store }, value: g.fallbacks };
    },
  );
  labelledGaugeFrom(
    registers,
    "jobs_coordination_reachable",
    "1 while the job coordination's Redis answers, 0 while its local mirror answers",
    "backend",
    () => {
      const c = coordination();
      return c && { labels: { backend: "redis" }, value: c.reachable ? 1 : 0 };
    },
  );
  labelledGaugeFrom(
    registers,
    "jobs_coordination_fallbacks_total",
    "Job coordination calls answered by the local mirror because Redis failed",
    "backend",
    () => {
      const c = coordination();
      return c && { labels: { backend: "redis" }, value: c.fallbacks };
    },
  );
}
