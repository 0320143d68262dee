/**
 * Normalized OASIS rows → one `PricePoint` per zone, market and interval: the total LMP is the price and
 * the other components ride along. Rows that cannot be used (null value, unknown component, a dataset that
 * is not an LMP market, garbage) are skipped with a reason, never thrown.
 *
 * @module
 */
import type { OasisRow } from "../oasis/row.ts";
import { toIso } from "../oasis/time.ts";
import type { Market, PriceComponent, PricePoint, SkippedRow } from "./store.ts";
import { zoneOf } from "./zone.ts";

/** Market of each LMP dataset. */
export const MARKET_OF_DATASET: Readonly<Record<string, Market>> = {
  lmp_rtm: "RT",
  lmp_fmm: "FMM",
  lmp_dam: "DA",
};

const COMPONENTS = new Set<string>(["MCE", "MCC", "MCL", "MGHG"]);

/** Points found in a batch of rows, and the rows skipped. */
export interface PricePoints {
  readonly points: PricePoint[];
  readonly skipped: SkippedRow[];
}

const str = (
  v: unknown,
): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

function skip(row: Partial<OasisRow>, code: string, reason: string): SkippedRow {
  return {
    code,
    reason,
    node: str(row?.node),
    dataset: str(row?.dataset),
    component: str(row?.component),
    interval_start: str(row?.interval_start),
    source_file: str(row?.source_file),
    row_number: typeof row?.row_number === "number" ? row.row_number : 0,
  };
}

interface Group {
  zone: string;
  node: string;
  market: Market;
  ms: number;
  price?: number;
  components: Partial<Record<PriceComponent, number>>;
  rows: Partial<OasisRow>[];
}

/** Groups LMP rows by zone, market and interval; the last row wins when one interval comes twice. */
export function toPricePoints(rows: readonly OasisRow[]): PricePoints {
  const groups = new Map<string, Group>();
  const skipped: SkippedRow[] = [];
  for (const input of rows as readonly unknown[]) {
    const read = readRow(input);
    if (read.skipped !== undefined) {
      skipped.push(read.skipped);
      continue;
    }
    const { row, zone, market, ms, component, value } = read;
    const key = `${zone}|${market}|${ms}`;
    const group = groups.get(key) ?? { zone, node: str(row.node), market, ms, components: {}, rows: [] };
    groups.set(key, group);
    group.rows.push(row);
    if (component === "LMP") {
      group.price = value;
      group.node = str(row.node);
    } else group.components[component as PriceComponent] = value;
  }
  const points: PricePoint[] = [];
  for (const g of groups.values()) {
    if (g.price === undefined) {
      for (const row of g.rows) {
        skipped.push(skip(row, "no_lmp", "the interval has no total LMP (component LMP)"));
      }
      continue;
    }
    const { zone, node, market, ms, price, components } = g;
    points.push({ zone, node, market, ms, timestamp: toIso(new Date(ms)), price, components });
  }
  points.sort((a, b) => a.ms - b.ms);
  return { points, skipped };
}

/** One row's zone, market, interval, component and value, or why it is skipped. */
function readRow(input: unknown) {
  if (typeof input !== "object" || input === null) {
    return { skipped: skip({}, "not_a_row", `not a row: ${JSON.stringify(input) ?? String(input)}`) };
  }
  const row = input as Partial<OasisRow>;
  const market = MARKET_OF_DATASET[str(row.dataset)];
  if (market === undefined) {
    return { skipped: skip(row, "not_lmp", `dataset "${str(row.dataset)}" is not an LMP market`) };
  }
  const zone = zoneOf(str(row.node));
  if (zone === undefined) {
    return { skipped: skip(row, "bad_node", `node "${str(row.node)}" has no usable zone name`) };
  }
  const ms = Date.parse(str(row.interval_start));
  if (!Number.isFinite(ms)) {
    const why = `interval_start "${str(row.interval_start)}" is not a timestamp`;
    return { skipped: skip(row, "bad_timestamp", why) };
  }
  const component = str(row.component);
  if (component !== "LMP" && !COMPONENTS.has(component)) {
    return { skipped: skip(row, "unknown_component", `unknown component "${component}"`) };
  }
  if (row.value === null || row.value === undefined) {
    return { skipped: skip(row, "null_value", `no value for component "${component}"`) };
  }
  if (typeof row.value !== "number" || !Number.isFinite(row.value)) {
    return { skipped: skip(row, "bad_value", `value ${JSON.stringify(row.value)} is not a finite number`) };
  }
  return { row, zone, market, ms, component, value: row.value };
}
