/**
 * Programmatic fault injection: a FIFO queue of faults, each applying to the next `count` OASIS
 * requests that match its optional `query` filter. "N failures then success" is one fault with
 * `count: N`.
 *
 * @module
 */
import type { PartialAnswer } from "./partial_answer.ts";

/** Which requests a fault applies to, and how many times. */
export interface FaultTarget {
  /** How many matching requests get the fault (default 1). */
  readonly count?: number;
  /** Only requests for this query name (`PRC_LMP`, …; GroupZip `DAM_PRC_AS_GRP` counts as `PRC_AS`). */
  readonly query?: string;
}

/** One fault. */
export type Fault =
  & FaultTarget
  & (
    | { readonly kind: "http429" }
    | { readonly kind: "http500" }
    | { readonly kind: "htmlBody" }
    | { readonly kind: "networkError" }
    | { readonly kind: "slow"; readonly delayMs: number }
    | { readonly kind: "truncatedZip"; readonly bytes?: number }
    | { readonly kind: "errorDocument"; readonly code: number }
    | { readonly kind: "renamedColumn"; readonly from: string; readonly to: string }
    | { readonly kind: "droppedColumn"; readonly column: string }
    /** A new column before the last (`GROUP`) one, holding `value` (default empty) on every line. */
    | { readonly kind: "addedColumn"; readonly column: string; readonly value?: string }
    | ({ readonly kind: "partialAnswer" } & PartialAnswer)
  );

/** The fault kinds. */
export type FaultKind = Fault["kind"];

/** A queued fault with the number of requests it still applies to. */
export type PendingFault = Fault & { readonly remaining: number };

const KINDS: readonly FaultKind[] = [
  "http429",
  "http500",
  "htmlBody",
  "networkError",
  "slow",
  "truncatedZip",
  "errorDocument",
  "renamedColumn",
  "droppedColumn",
  "addedColumn",
  "partialAnswer",
];

/** What an added cell may hold: no comma, quote or line break, as OASIS writes them. */
const CELL = /^[A-Za-z0-9_.:\- ]{0,64}$/;
const COLUMN = /^[A-Za-z0-9_]{1,64}$/;

function columnName(value: unknown, name: string): void {
  if (typeof value !== "string" || !COLUMN.test(value)) {
    throw new TypeError(`Invalid fault: "${name}" must be a column name (letters, digits, "_", up to 64)`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function nonNegativeInteger(value: unknown, name: string, optional: boolean): void {
  if (value === undefined && optional) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`Invalid fault: "${name}" must be a non-negative integer`);
  }
}

/** Checks an untrusted value (for example a JSON body) and returns it as a fault; throws `TypeError`. */
export function parseFault(value: unknown): Fault {
  if (!isRecord(value)) throw new TypeError("Invalid fault: expected an object");
  const kind = value.kind as FaultKind;
  if (!KINDS.includes(kind)) throw new TypeError(`Invalid fault: unknown kind "${String(value.kind)}"`);
  nonNegativeInteger(value.count, "count", true);
  if (value.query !== undefined && typeof value.query !== "string") {
    throw new TypeError('Invalid fault: "query" must be a string');
  }
  if (kind === "slow") nonNegativeInteger(value.delayMs, "delayMs", false);
  if (kind === "truncatedZip") nonNegativeInteger(value.bytes, "bytes", true);
  if (kind === "errorDocument") nonNegativeInteger(value.code, "code", false);
  if (kind === "renamedColumn" && (typeof value.from !== "string" || typeof value.to !== "string")) {
    throw new TypeError('Invalid fault: "from" and "to" must be strings');
  }
  if (kind === "droppedColumn" || kind === "addedColumn") columnName(value.column, "column");
  if (kind === "addedColumn" && value.value !== undefined) {
    if (typeof value.value !== "string" || !CELL.test(value.value)) {
      throw new TypeError('Invalid fault: "value" must be a cell without comma, quote or line break');
    }
  }
  if (kind === "partialAnswer") {
    for (const k of ["node", "component", "from"]) {
      if (value[k] !== undefined && typeof value[k] !== "string") {
        throw new TypeError(`Invalid fault: "${k}" must be a string`);
      }
    }
    if (value.from !== undefined && Number.isNaN(Date.parse(value.from as string))) {
      throw new TypeError('Invalid fault: "from" must be an ISO-8601 time');
    }
  }
  return value as unknown as Fault;
}

/** The queue of pending faults. */
export class FaultController {
  #queue: Array<{ fault: Fault; remaining: number }> = [];

  /** Appends `faults` to the queue (validated; throws `TypeError` on a malformed fault). */
  add(...faults: Fault[]): void {
    for (const f of faults) {
      const fault = parseFault(f);
      const remaining = fault.count ?? 1;
      if (remaining > 0) this.#queue.push({ fault, remaining });
    }
  }

  /** Removes every pending fault. */
  clear(): void {
    this.#queue = [];
  }

  /** The pending faults, first to apply first. */
  get pending(): readonly PendingFault[] {
    return this.#queue.map(({ fault, remaining }) => ({ ...fault, remaining }));
  }

  /** Takes the first fault matching `query` (consuming one of its uses), if any. */
  take(query: string): Fault | undefined {
    const i = this.#queue.findIndex((e) =>
      !e.fault.query || e.fault.query.toUpperCase() === query.toUpperCase()
    );
    const entry = this.#queue[i];
    if (!entry) return undefined;
    if (--entry.remaining === 0) this.#queue.splice(i, 1);
    return entry.fault;
  }
}
