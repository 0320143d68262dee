/**
 * `GET /api/gaps?dataset=&from=&to=`: missing intervals per dataset and node, from the hot store against
 * the expected interval grid (23-, 24- and 25-hour operating days included). `dataset` is one LMP dataset
 * (default: every configured one); `from` and `to` are Pacific operating days `YYYY-MM-DD` (inclusive) or
 * ISO-8601 instants (default: today's operating day). The grid ends at the newest interval that
 * can exist (the last ended real-time interval; the end of today for day-ahead) and starts no earlier than
 * the store's retention. A bad parameter answers 400 with `{ error, parameter }`. Mount with
 * `app.route("/", createGapsRoutes(deps))`.
 *
 * @module
 */
import { Hono } from "hono";
import { findGaps, GAP_DATASETS } from "../src/jobs/gaps.ts";
import { newestEnd } from "../src/jobs/watermark.ts";
import { type DatasetName, DATASETS, isDatasetName } from "../src/oasis/datasets.ts";
import { nextDate, operatingDate, pacificMidnight, parseDate, toIso } from "../src/oasis/time.ts";
import type { NodeSelection } from "../src/oasis/windows.ts";
import { MARKET_OF_DATASET } from "../src/store/price_points.ts";
import type { Market, PriceStore } from "../src/store/store.ts";

/** What the gaps route reads. */
export interface GapsDeps {
  readonly store: Pick<PriceStore, "history" | "zones">;
  /** The configured node selection (a list: those nodes; a group: every zone in the store). */
  readonly nodes: NodeSelection;
  /** The configured datasets. */
  readonly datasets: readonly DatasetName[];
  /** Days kept per market (`StoreConfig.retentionDays`); the grid starts no earlier. */
  readonly retentionDays?: Readonly<Record<Market, number>>;
  readonly now?: () => Date;
}

/** Longest range one request may ask for. */
export const MAX_GAP_RANGE_DAYS = 31;
const DAY_MS = 86_400_000;

class BadParameter extends Error {
  constructor(readonly parameter: string, message: string) {
    super(`Invalid parameter "${parameter}": ${message}`);
  }
}

function instant(name: string, text: string, edge: "start" | "end"): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    try {
      parseDate(text);
    } catch (e) {
      throw new BadParameter(name, (e as Error).message);
    }
    return pacificMidnight(edge === "start" ? text : nextDate(text));
  }
  const ms = /T/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new BadParameter(name, `"${text}" is not YYYY-MM-DD or an ISO-8601 instant`);
  return new Date(ms);
}

/** The Hono sub-app serving `GET /api/gaps`. */
export function createGapsRoutes(deps: GapsDeps): Hono {
  const app = new Hono();
  const now = deps.now ?? (() => new Date());
  app.get("/api/gaps", async (c) => {
    try {
      const at = now();
      const q = (name: string) => c.req.query(name)?.trim() || undefined;
      const offered = deps.datasets.filter((d) => GAP_DATASETS.includes(d));
      const dataset = q("dataset");
      if (dataset !== undefined && (!isDatasetName(dataset) || !offered.includes(dataset))) {
        throw new BadParameter(
          "dataset",
          `"${dataset}" is not one of ${offered.join(", ") || "(none configured)"}`,
        );
      }
      const from = instant("from", q("from") ?? operatingDate(at), "start");
      const to = instant("to", q("to") ?? operatingDate(at), "end");
      if (from >= to) throw new BadParameter("from", `${toIso(from)} is not before "to" (${toIso(to)})`);
      if (to.getTime() - from.getTime() > MAX_GAP_RANGE_DAYS * DAY_MS) {
        throw new BadParameter("to", `the range is longer than ${MAX_GAP_RANGE_DAYS} days`);
      }
      const datasets = [];
      let stale = false;
      for (const d of dataset === undefined ? offered : [dataset as DatasetName]) {
        const spec = DATASETS[d];
        const market = MARKET_OF_DATASET[d]!;
        const until = market === "DA" ? pacificMidnight(nextDate(operatingDate(at))) : newestEnd(spec, at);
        const kept = deps.retentionDays ? at.getTime() - deps.retentionDays[market] * DAY_MS : -Infinity;
        const start = new Date(Math.max(from.getTime(), kept));
        const end = new Date(Math.min(to.getTime(), until.getTime()));
        const found = await findGaps(deps, d, { from: start, to: end < start ? start : end });
        stale ||= found.stale;
        datasets.push(found.value);
      }
      return c.json({ generated_at: toIso(at), from: toIso(from), to: toIso(to), stale, datasets });
    } catch (error) {
      if (!(error instanceof BadParameter)) throw error;
      return c.json({ error: error.message, parameter: error.parameter }, 400);
    }
  });
  return app;
}
