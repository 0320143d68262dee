/**
 * The hot store's own counters (`StoreStats`), read at every scrape.
 *
 * @module
 */
import { Counter, Gauge, type Registry } from "./_prom.ts";
import type { StoreStats } from "../store/store.ts";
import { counterFrom } from "./_collect.ts";

/** Registers the store metrics; `read` returns the stats, or undefined while no store is watched. */
export function registerStoreMetrics(registers: Registry[], read: () => StoreStats | undefined): void {
  new Gauge({
    name: "store_connected",
    help: "Whether the hot store backend is reachable (1) or not (0)",
    labelNames: ["backend"],
    registers,
    collect() {
      this.reset();
      const s = read();
      if (s !== undefined) this.set({ backend: s.backend }, s.connected ? 1 : 0);
    },
  });
  counterFrom(registers, "store_ingests_total", "Polls ingested by the hot store", () => read()?.ingests);
  counterFrom(
    registers,
    "store_failed_writes_total",
    "Write batches the hot store backend rejected or could not receive",
    () => read()?.failedWrites,
  );
  new Counter({
    name: "store_skipped_rows_total",
    help: "Rows the hot store skipped, by reason",
    labelNames: ["reason"],
    registers,
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(read()?.skippedRows ?? {})) this.inc({ reason }, n);
    },
  });
}
