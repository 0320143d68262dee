/**
 * The Bronze pipeline's counters (`BronzeMetrics`, plain numbers the outbox and publisher update), read at
 * every scrape.
 *
 * @module
 */
import type { Registry } from "./_prom.ts";
import type { BronzeMetrics } from "../bronze/metrics.ts";
import { counterFrom, gaugeFrom } from "./_collect.ts";

/** Registers the Bronze metrics; `read` returns the counters, or undefined while no Bronze is watched. */
export function registerBronzeMetrics(registers: Registry[], read: () => BronzeMetrics | undefined): void {
  const b = <T>(pick: (m: BronzeMetrics) => T) => {
    const m = read();
    return m === undefined ? undefined : pick(m);
  };
  counterFrom(
    registers,
    "bronze_rows_accepted_total",
    "Valid envelopes committed to the outbox",
    () => b((m) => m.accepted),
  );
  counterFrom(
    registers,
    "bronze_dead_letters_total",
    "Dead-letter records committed to the outbox",
    () => b((m) => m.dlq),
  );
  counterFrom(
    registers,
    "bronze_messages_published_total",
    "Messages acknowledged by the Bronze sink",
    () => b((m) => m.published),
  );
  counterFrom(
    registers,
    "bronze_outbox_rejected_total",
    "Rows refused because the outbox was full",
    () => b((m) => m.outboxRejected),
  );
  counterFrom(
    registers,
    "bronze_send_failures_total",
    "Failed Bronze sink sends (each is retried)",
    () => b((m) => m.sendFailures),
  );
  counterFrom(
    registers,
    "bronze_publish_latency_seconds_total",
    "Sum of publish latencies (outbox commit to acknowledgement) of acknowledged batches",
    () => b((m) => m.publishLatencySumMs / 1000),
  );
  counterFrom(
    registers,
    "bronze_publish_batches_total",
    "Batches acknowledged by the Bronze sink",
    () => b((m) => m.publishLatencyCount),
  );
  gaugeFrom(
    registers,
    "bronze_outbox_depth",
    "Messages waiting in the Bronze outbox",
    () => b((m) => m.outboxDepth),
  );
  gaugeFrom(
    registers,
    "bronze_publish_latency_seconds",
    "Publish latency of the last acknowledged batch, outbox commit to acknowledgement",
    () => b((m) => m.publishLatencyLastMs / 1000),
  );
}
