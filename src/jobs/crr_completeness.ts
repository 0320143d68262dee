/**
 * Completeness of CRR auction clearing prices (`CRR_CLEARING`). They have no interval grid: an auction
 * publishes one price per APnode and time of use for its whole period. "Complete" for operating days
 * `[from, to)` means: every auction period overlapping them × every time of use × every node has a price.
 *
 * - **Auction periods**: a monthly auction for every calendar month overlapped (Pacific midnight of the
 *   1st to the next 1st; CAISO runs one each month, and the simulator answers exactly that), plus every
 *   other auction (seasonal, long-term; told apart by market name and period) seen overlapping the days
 *   for any node. A month for which no auction was seen at all is expected under the name `null`.
 * - **Time of use**: `ON` and `OFF` (the SPEC's two data items, `ON_PRC` and `LT_OFF_PRC`), plus any other
 *   seen. The qualifier of a CRR fact is `market name/market term/time of use` (`oasis/columns.ts`).
 * - **Nodes**: the configured node list, or with a node group every node seen (`*` when none was).
 *
 * The CRR column set is provisional (no real CRR answer was ever captured, OASIS.md §8.13), so this
 * grid is too. Pure: facts in (from Bronze envelopes or the hot store's values), missing cells out.
 *
 * @module
 */
import { operatingDate, pacificMidnight, toIso } from "../oasis/time.ts";
import { ANY_NODE } from "./completeness.ts";

/** Times of use every CRR auction prices: on-peak and off-peak. */
export const CRR_TIMES_OF_USE: readonly string[] = ["ON", "OFF"];

/** Market term of the monthly auctions expected for each calendar month. */
export const CRR_MONTHLY_TERM = "MONTHLY";

/** One CRR clearing price: a node's price for one auction period and time of use. */
export interface CrrFact {
  readonly node: string;
  /** `market name/market term/time of use`. */
  readonly qualifier: string | null;
  /** Period start and end, epoch ms. */
  readonly start: number;
  readonly end: number;
}

/** One auction period × time of use a node lacks. */
export interface CrrMissing {
  /** Market name, or null when no auction at all was seen for this monthly period. */
  readonly auction: string | null;
  readonly term: string;
  readonly time_of_use: string;
  /** Period start and end, UTC ISO-8601. */
  readonly start: string;
  readonly end: string;
}

/** The completeness of one node. */
export interface CrrNodeGaps {
  readonly node: string;
  /** Auction periods × times of use expected. */
  readonly expected: number;
  readonly present: number;
  readonly missing: number;
  readonly gaps: readonly CrrMissing[];
}

interface Period {
  auction: string | null;
  term: string;
  readonly start: number;
  readonly end: number;
}

/** `market name/term/time of use` of a qualifier (missing parts empty). */
export function crrIdentity(qualifier: string | null): { auction: string; term: string; tou: string } {
  const [auction = "", term = "", tou = ""] = (qualifier ?? "").split("/");
  return { auction, term, tou };
}

/** The calendar months overlapping `[from, to)`, as Pacific-midnight periods. */
export function monthlyPeriods(from: Date, to: Date): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  if (to <= from) return out;
  let month = operatingDate(from).slice(0, 7);
  const last = operatingDate(new Date(to.getTime() - 1)).slice(0, 7);
  while (month <= last) {
    const [y, m] = month.split("-").map(Number) as [number, number];
    const next = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7);
    out.push({
      start: pacificMidnight(`${month}-01`).getTime(),
      end: pacificMidnight(`${next}-01`).getTime(),
    });
    month = next;
  }
  return out;
}

const periodKey = (auction: string | null, start: number, end: number) => `${auction ?? ""}|${start}|${end}`;

/** The auction periods expected over `[from, to)`, given the facts overlapping it. */
function expectedPeriods(from: Date, to: Date, facts: readonly CrrFact[]): Period[] {
  const periods = new Map<string, Period>();
  for (const f of facts) {
    const { auction, term } = crrIdentity(f.qualifier);
    const key = periodKey(auction, f.start, f.end);
    if (!periods.has(key)) periods.set(key, { auction, term, start: f.start, end: f.end });
  }
  const seen = [...periods.values()];
  for (const m of monthlyPeriods(from, to)) {
    if (seen.some((p) => p.start === m.start && p.end === m.end)) continue;
    periods.set(periodKey(null, m.start, m.end), { auction: null, term: CRR_MONTHLY_TERM, ...m });
  }
  return [...periods.values()].sort((a, b) =>
    a.start - b.start || (a.auction ?? "").localeCompare(b.auction ?? "")
  );
}

/**
 * The CRR cells missing over operating days `[from, to)`: `facts` are every CRR clearing price known
 * (any outside the days are left out), `nodes` the configured list (null: every node seen). With
 * `since`, auction periods starting before it are not expected (what keeps the facts has dropped them).
 */
export function crrGaps(
  range: { readonly from: Date; readonly to: Date; readonly since?: Date },
  facts: readonly CrrFact[],
  nodes: readonly string[] | null,
): CrrNodeGaps[] {
  const from = range.from.getTime(), to = range.to.getTime();
  const inRange = facts.filter((f) =>
    f.start < to && f.end > from && (nodes === null || nodes.includes(f.node))
  );
  const since = range.since?.getTime() ?? -Infinity;
  const periods = expectedPeriods(range.from, range.to, inRange).filter((p) => p.start >= since);
  const tous = [...new Set([...CRR_TIMES_OF_USE, ...inRange.map((f) => crrIdentity(f.qualifier).tou)])]
    .filter((t) => t !== "");
  const present = new Set(inRange.map((f) => {
    const { auction, tou } = crrIdentity(f.qualifier);
    return `${f.node}\t${periodKey(auction, f.start, f.end)}\t${tou}`;
  }));
  const names = nodes ?? [...new Set(inRange.map((f) => f.node))].sort();
  return (names.length > 0 ? names : [ANY_NODE]).map((node) => {
    const gaps: CrrMissing[] = [];
    for (const p of periods) {
      for (const tou of tous) {
        if (present.has(`${node}\t${periodKey(p.auction, p.start, p.end)}\t${tou}`)) continue;
        const span = { start: toIso(new Date(p.start)), end: toIso(new Date(p.end)) };
        gaps.push({ auction: p.auction, term: p.term, time_of_use: tou, ...span });
      }
    }
    const expected = periods.length * tous.length;
    return { node, expected, present: expected - gaps.length, missing: gaps.length, gaps };
  });
}
