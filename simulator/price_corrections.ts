/**
 * Price corrections in the simulator: `POST /sim/corrections` `{ market, trade_date, hours, delta, reason? }`
 * records that CAISO repriced some hours of a trade date. From then on SingleZip answers for that date carry
 * the corrected LMPs (the energy component moves by `delta` $/MWh, so LMP = MCE + MCC + MCL + MGHG still
 * holds), and `GroupZip?groupid=PRC_CORR_GRP&startdatetime=<trade date>` lists one row per corrected
 * hour/interval and market, like the real report (columns as gridstatus reads them; unconfirmed beyond
 * that). A trade date without corrections answers the "No records found for report." placeholder row.
 * `GET /sim/corrections` lists them; `DELETE` clears them.
 *
 * @module
 */
import { operatingDate } from "../src/oasis/time.ts";
import { compactDate, pacificDateTime } from "./format.ts";
import type { Interval } from "./intervals.ts";
import { type LmpUnits, type Market, PriceModel } from "./prices.ts";
import { isParamError, lowerCaseParams, readDateTime, readFormat } from "./query_params.ts";
import type { Resolution } from "./resolution.ts";

/** The group id of the correction summary. */
export const PRC_CORR_GROUP = "PRC_CORR_GRP";

/** Market names as PRC_CORR_GRP writes them, and the simulator market each reprices. */
const MARKETS: Readonly<Record<string, Market>> = { DAM: "DAM", RTPD: "RTPD", RTD: "RTM" };
const PER_HOUR: Readonly<Record<Market, number>> = { DAM: 1, RTPD: 4, RTM: 12 };
const MAX_CORRECTIONS = 1000;
const UNITS_PER_DOLLAR = 100_000;

/** One recorded correction. */
export interface SimCorrection {
  /** `DAM`, `RTPD` or `RTD`. */
  readonly market: string;
  /** Pacific trade date `YYYY-MM-DD`. */
  readonly tradeDate: string;
  /** Hours ending (1–25) repriced. */
  readonly hours: readonly number[];
  /** Change of every LMP in those hours, $/MWh. */
  readonly delta: number;
  /** Reason written in the report. */
  readonly reason: string;
  /** When the correction was issued (simulated time). */
  readonly generatedAt: Date;
}

/** The corrections the simulator has been told about. */
export class CorrectionBook {
  readonly #list: SimCorrection[] = [];

  /** Recorded corrections, oldest first. */
  get list(): readonly SimCorrection[] {
    return this.#list;
  }

  /** Records a correction; throws `TypeError` naming the field when `body` is not a valid one. */
  add(body: unknown, now: Date): SimCorrection {
    const r = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
    const market = typeof r.market === "string" ? r.market.toUpperCase() : "";
    if (!(market in MARKETS)) throw new TypeError('Invalid correction: "market" must be DAM, RTPD or RTD');
    const tradeDate = typeof r.trade_date === "string" ? r.trade_date : "";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(tradeDate)) {
      throw new TypeError('Invalid correction: "trade_date" must be YYYY-MM-DD');
    }
    const hours = r.hours;
    if (!Array.isArray(hours) || hours.length === 0 || hours.length > 25 || !hours.every(isHourEnding)) {
      throw new TypeError('Invalid correction: "hours" must list hours ending 1-25');
    }
    const delta = r.delta;
    if (typeof delta !== "number" || !Number.isFinite(delta) || Math.abs(delta) > 10_000) {
      throw new TypeError('Invalid correction: "delta" must be a number of $/MWh within ±10000');
    }
    if (this.#list.length >= MAX_CORRECTIONS) throw new RangeError("Too many corrections; DELETE them first");
    const reason = typeof r.reason === "string" && r.reason !== "" ? r.reason.slice(0, 200) : "Data error";
    const correction = { market, tradeDate, hours: [...new Set(hours)].sort((a, b) => a - b), delta, reason };
    this.#list.push({ ...correction, generatedAt: now });
    return this.#list[this.#list.length - 1]!;
  }

  /** Forgets every correction. */
  clear(): void {
    this.#list.length = 0;
  }

  /** Sum of the deltas applying to `interval` of `market`, in 1/100000 $/MWh. */
  deltaUnits(interval: Interval, market: Market): number {
    let sum = 0;
    for (const c of this.#list) {
      if (
        MARKETS[c.market] === market && c.tradeDate === interval.oprDate && c.hours.includes(interval.oprHour)
      ) {
        sum += c.delta;
      }
    }
    return Math.round(sum * UNITS_PER_DOLLAR);
  }

  /** Answers a `PRC_CORR_GRP` GroupZip request: the corrections issued by `now` for the trade date asked. */
  resolve(search: URLSearchParams, now: Date): Resolution {
    const params = lowerCaseParams(search);
    const start = readDateTime(params, "startdatetime");
    if (isParamError(start)) return { kind: "error", code: start.error };
    const format = readFormat(params);
    if (isParamError(format)) return { kind: "error", code: format.error };
    const tradeDate = operatingDate(start);
    const day = compactDate(tradeDate);
    const stem = `${day}_${day}_${PRC_CORR_GROUP}_N_v1`;
    if (format !== "csv") return { kind: "error", code: 1016, stem };
    const lines = correctionLines(
      this.#list.filter((c) => c.tradeDate === tradeDate && c.generatedAt <= now),
    );
    if (lines.length === 0) lines.push(`${tradeDate},,,DAM,,,,,No records found for report.,`);
    const table = {
      header: HEADER,
      lines,
      xml: { report: PRC_CORR_GROUP, uom: "", itemKey: () => "", fields: [] },
    };
    return {
      kind: "report",
      format,
      zipName: `${stem}_csv.zip`,
      members: [{ name: `${day}_${day}_PRC_CORR_v1.csv`, table }],
    };
  }
}

const HEADER = [
  "TRADE_DATE",
  "HOUR_ENDING",
  "INTERVAL",
  "MARKET",
  "AFFECTED_AREA",
  "CORRECTION_METHOD",
  "CORRECTION_COUNT",
  "ENERGY_TYPECODE",
  "CORRECTION_REASON",
  "REPORT_GENERATED",
] as const;

function isHourEnding(h: unknown): h is number {
  return Number.isInteger(h) && (h as number) >= 1 && (h as number) <= 25;
}

function correctionLines(list: readonly SimCorrection[]): string[] {
  const lines: string[] = [];
  for (const c of list) {
    const perHour = PER_HOUR[MARKETS[c.market]!];
    const reason = `"${c.reason.replaceAll('"', '""')}"`;
    for (const hour of c.hours) {
      for (let i = perHour === 1 ? 0 : 1; i <= (perHour === 1 ? 0 : perHour); i++) {
        lines.push(
          [c.tradeDate, hour, i, c.market, "ALL", "REPRICE", 1, "LMP", reason, pacificDateTime(c.generatedAt)]
            .join(
              ",",
            ),
        );
      }
    }
  }
  return lines;
}

/** A price model whose LMPs carry the corrections of `book`. */
export class CorrectedPriceModel extends PriceModel {
  readonly #book: CorrectionBook;

  constructor(seed: number, book: CorrectionBook) {
    super(seed);
    this.#book = book;
  }

  override lmp(node: string, interval: Interval, market: Market): LmpUnits {
    const base = super.lmp(node, interval, market);
    const delta = this.#book.deltaUnits(interval, market);
    return delta === 0 ? base : { ...base, lmp: base.lmp + delta, mce: base.mce + delta };
  }
}

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value), { status, headers: { "Content-Type": "application/json" } });
}

/** Answers `/sim/corrections`. */
export async function correctionsRoute(req: Request, book: CorrectionBook, now: Date): Promise<Response> {
  const view = () => book.list.map((c) => ({ ...c, generatedAt: c.generatedAt.toISOString() }));
  if (req.method === "GET") return json(view());
  if (req.method === "DELETE") {
    book.clear();
    return new Response(null, { status: 204 });
  }
  if (req.method !== "POST") return json({ error: "Method not allowed" }, 405);
  try {
    let body: unknown;
    try {
      body = await req.json();
    } catch (cause) {
      throw new TypeError("Invalid body: expected JSON", { cause });
    }
    book.add(body, now);
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) return json({ error: error.message }, 400);
    throw error;
  }
  return json(view(), 201);
}
