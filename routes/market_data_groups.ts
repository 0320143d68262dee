/**
 * Kept AS and CRR values (`MarketValue`, one per interval and identity) grouped the way the market-data
 * routes answer them: AS per region and type, CRR per auction.
 *
 * @module
 */
import type { z } from "@hono/zod-openapi";
import type { MarketValue } from "../src/store/store.ts";
import type { AncillarySeries, CrrAuction } from "./market_data_schemas.ts";

type Series = z.infer<typeof AncillarySeries>;
type Auction = z.infer<typeof CrrAuction>;

const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** AS values (oldest first) grouped by region and type, sorted by region, then type. */
export function asSeries(values: readonly MarketValue[]): Series[] {
  const groups = new Map<string, Series>();
  for (const v of values) {
    const key = `${v.node}\t${v.item}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, g = { region: v.node, type: v.item, points: [] });
    g.points.push({ timestamp: v.timestamp, end: v.end, price: v.price });
  }
  return [...groups.entries()].sort(([a], [b]) => order(a, b)).map(([, g]) => g);
}

/**
 * CRR values grouped by auction (market name, term, time of use and period), newest period first; a value
 * whose node `zoneOfNode` maps to no zone is left out.
 */
export function crrAuctions(
  values: readonly MarketValue[],
  zoneOfNode: (node: string) => string | undefined,
): Auction[] {
  const auctions = new Map<string, Auction & { ms: number }>();
  for (const v of values) {
    const zone = zoneOfNode(v.node);
    if (zone === undefined) continue;
    const key = `${v.qualifier ?? ""}\t${v.ms}`;
    let a = auctions.get(key);
    if (a === undefined) {
      const [market_name = "", term = "", time_of_use = ""] = (v.qualifier ?? "").split("/");
      a = { ms: v.ms, market_name, term, time_of_use, start: v.timestamp, end: v.end, prices: [] };
      auctions.set(key, a);
    }
    a.prices.push({ node: v.node, zone, price: v.price });
  }
  return [...auctions.values()]
    .sort((x, y) => y.ms - x.ms || order(x.market_name, y.market_name) || order(x.time_of_use, y.time_of_use))
    .map(({ ms: _ms, ...auction }) => ({
      ...auction,
      prices: auction.prices.sort((p, q) => order(p.zone, q.zone)),
    }));
}
