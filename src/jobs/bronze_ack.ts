/**
 * "In Bronze" means acknowledged by the sink, not committed to the local outbox. A backfill (the CLI, the
 * connector's `runBatch` and `load`) notes what its outbox held at the start, commits its rows, then waits
 * for the drainer to empty the outbox within `BACKFILL_DRAIN_TIMEOUT_S`, reporting what is pending; the
 * rows still held after that stay in the outbox file and the next run sends them first.
 *
 * @module
 */
import type { Bronze } from "../bronze/bronze_service.ts";

/** What reached the sink, counted apart from what was committed to the outbox. */
export interface BronzeAck {
  /** The sink (`kafka`, `ndjson`, …). */
  readonly sink: string;
  /** Rows this run committed to the outbox. */
  readonly committed: number;
  /** Rows an earlier run left in the outbox, sent by this one. */
  readonly earlier: number;
  /** Rows the sink acknowledged (Kafka) or wrote (NDJSON) while this run was open. */
  readonly acknowledged: number;
  /** Rows still in the outbox when the wait ended (sent by the next run). */
  readonly held: number;
}

/** A snapshot taken before a run commits anything. */
export interface AckBaseline {
  readonly earlier: number;
  readonly acknowledged: number;
  readonly committed: number;
}

type AckSource = Pick<Bronze, "drain" | "metrics" | "outbox" | "sink">;

const committedRows = (b: AckSource) => b.metrics.accepted + b.metrics.dlq;

/** What the outbox holds and the sink acknowledged so far (before the run commits). */
export function ackBaseline(bronze: AckSource): AckBaseline {
  return {
    earlier: bronze.outbox.depth + bronze.metrics.published,
    acknowledged: bronze.metrics.published,
    committed: committedRows(bronze),
  };
}

/** Waits up to `timeoutMs` for the outbox to empty; counts what this run committed, and what the sink took. */
export async function awaitAcknowledged(
  bronze: AckSource,
  baseline: AckBaseline,
  timeoutMs: number,
  onPending?: (depth: number) => void,
): Promise<BronzeAck> {
  const held = await bronze.drain(timeoutMs, onPending);
  return {
    sink: bronze.sink.kind,
    committed: committedRows(bronze) - baseline.committed,
    earlier: baseline.earlier,
    acknowledged: bronze.metrics.published - baseline.acknowledged,
    held,
  };
}

/** The sink did not acknowledge every row in time; they stay in the outbox for the next run. */
export class BronzeHeldError extends Error {
  /** Rows still in the outbox. */
  readonly held: number;

  /** `held` rows left after waiting `timeoutMs` for `sink`. */
  constructor(held: number, sink: string, timeoutMs: number) {
    super(
      `${held} rows are held in the Bronze outbox: ${sink} did not acknowledge them within ` +
        `${Math.round(timeoutMs / 1000)} s (BACKFILL_DRAIN_TIMEOUT_S); the next run sends them first`,
    );
    this.name = "BronzeHeldError";
    this.held = held;
  }
}
