/**
 * Counters of the Bronze path, a plain object per service instance (no global state) that the lead can
 * expose as Prometheus metrics: rows accepted and dead-lettered, messages published, outbox depth, refusals
 * when the outbox is full, send failures and publish latency (outbox commit to broker acknowledgement).
 *
 * @module
 */

/** Bronze counters and gauges; every field is a plain number updated in place. */
export interface BronzeMetrics {
  /** Valid envelopes committed to the outbox. */
  accepted: number;
  /** Dead-letter records committed to the outbox (rows that failed normalization or validation). */
  dlq: number;
  /** Messages acknowledged by the sink (envelopes and dead letters). */
  published: number;
  /** Messages waiting in the outbox (gauge). */
  outboxDepth: number;
  /** Rows refused because the outbox was full (the caller's watermark did not move). */
  outboxRejected: number;
  /** Failed sink sends (each is retried). */
  sendFailures: number;
  /** Latency of the last acknowledged batch, from outbox commit of its oldest message to ack, in ms. */
  publishLatencyLastMs: number;
  /** Sum of batch latencies in ms (with `publishLatencyCount`, a Prometheus summary). */
  publishLatencySumMs: number;
  /** Number of acknowledged batches. */
  publishLatencyCount: number;
}

/** A fresh set of zeroed counters. */
export function createBronzeMetrics(): BronzeMetrics {
  return {
    accepted: 0,
    dlq: 0,
    published: 0,
    outboxDepth: 0,
    outboxRejected: 0,
    sendFailures: 0,
    publishLatencyLastMs: 0,
    publishLatencySumMs: 0,
    publishLatencyCount: 0,
  };
}
