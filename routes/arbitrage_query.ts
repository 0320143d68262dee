/**
 * The arbitrage routes' inputs: query parameters checked into a battery, a zone, a date and a market (a bad
 * one throws `ParameterError` naming it), and one zone's operating day of prices read from the store.
 *
 * @module
 */
import { BatteryParamError } from "../src/analytics/battery.ts";
import type { Battery } from "../src/analytics/battery.ts";
import { BATTERY_PARAM_NAMES, batteryFromText, parseNumber } from "../src/analytics/battery_params.ts";
import type { ArbitrageMarket, DaySeries } from "../src/analytics/arbitrage_day.ts";
import { type PriceSeries, seriesFromPoints } from "../src/analytics/price_series.ts";
import { operatingDate, operatingDay } from "../src/oasis/time.ts";
import type { Market, PriceStore } from "../src/store/store.ts";
import { ZONE_PATTERN } from "../src/store/zone.ts";
import { checkDate } from "./date_window.ts";
import { ParameterError } from "./errors.ts";

/** The markets `?market=` accepts. */
export const MARKETS: readonly ArbitrageMarket[] = ["da", "fmm", "rt", "two-settlement"];

/** The battery assumed when the query gives no power or no energy: 1 MW, 4 MWh. */
export const DEFAULT_BATTERY_TEXT = { power_mw: "1", energy_mwh: "4" } as const;

/** Query parameters by name (absent: undefined). */
export type Query = Readonly<Record<string, string | undefined>>;

/** Rejects parameters outside `allowed` or given twice (either would otherwise be silently ignored). */
export function rejectUnknown(queries: Readonly<Record<string, string[]>>, allowed: readonly string[]): void {
  const known = new Set([...allowed, ...Object.keys(BATTERY_PARAM_NAMES)]);
  for (const [name, values] of Object.entries(queries)) {
    if (!known.has(name)) {
      throw new ParameterError(name, `unknown parameter; expected one of ${[...known].join(", ")}`);
    }
    if (values.length > 1) throw new ParameterError(name, "is given more than once");
  }
}

/** The battery of the query, with the default power and energy when none is given. */
export function batteryOf(query: Query): Battery {
  const text: Record<string, string | undefined> = { ...query };
  if (text.power_mw === undefined && text.charge_mw === undefined && text.discharge_mw === undefined) {
    text.power_mw = DEFAULT_BATTERY_TEXT.power_mw;
  }
  if (text.energy_mwh === undefined && text.duration_h === undefined) {
    text.energy_mwh = DEFAULT_BATTERY_TEXT.energy_mwh;
  }
  return asParameter(() => batteryFromText(text));
}

/** `?date=`: a Pacific operating date OASIS can have prices for (see `date_window.ts`); default today. */
export function dateOf(query: Query, now: Date): string {
  const date = query.date?.trim();
  if (date === "") throw new ParameterError("date", "is empty; leave it out for today");
  return checkDate("date", date ?? operatingDate(now), now);
}

/** `?market=`: default `da`. */
export function marketOf(query: Query): ArbitrageMarket {
  const market = (query.market?.trim() || "da").toLowerCase();
  if (!(MARKETS as readonly string[]).includes(market)) {
    throw new ParameterError("market", `"${query.market}" is not one of ${MARKETS.join(", ")}`);
  }
  return market as ArbitrageMarket;
}

/** `?zone=`: required, and known to the store. */
export async function zoneOf(query: Query, store: Pick<PriceStore, "zones">): Promise<string> {
  const zone = query.zone?.trim().toLowerCase();
  if (!zone) throw new ParameterError("zone", "is required");
  if (!ZONE_PATTERN.test(zone)) throw new ParameterError("zone", `"${query.zone}" is not a zone name`);
  const known = (await store.zones()).value;
  if (!known.includes(zone)) {
    throw new ParameterError("zone", `unknown zone "${zone}" (known: ${known.join(", ") || "none yet"})`);
  }
  return zone;
}

/** An optional number parameter within `[min, max]` (whole when `integer`). */
export function numberOf(
  query: Query,
  name: string,
  min: number,
  max: number,
  integer = false,
): number | undefined {
  const text = query[name];
  if (text === undefined) return undefined;
  const n = asParameter(() => parseNumber(name, text));
  if (n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new ParameterError(
      name,
      `${n} is not ${integer ? "a whole number" : "a number"} from ${min} to ${max}`,
    );
  }
  return n;
}

function asParameter<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof BatteryParamError) throw new ParameterError(e.param, e.message);
    throw e;
  }
}

const MINUTES: Readonly<Record<Market, number>> = { DA: 60, FMM: 15, RT: 5 };

/** One market's prices of `zone` over operating day `date`, and whether the store answered stale. */
export async function loadSeries(
  store: Pick<PriceStore, "history">,
  zone: string,
  market: Market,
  date: string,
): Promise<{ series: PriceSeries; stale: boolean }> {
  const { start, end } = operatingDay(date);
  const read = await store.history(zone, market, { from: start, to: new Date(end.getTime() - 1) });
  return {
    series: seriesFromPoints(read.value, start.getTime(), end.getTime(), MINUTES[market]),
    stale: read.stale,
  };
}

/** The day's three series (FMM only when `withFmm`, else empty of prices). */
export async function loadDay(
  store: Pick<PriceStore, "history">,
  zone: string,
  date: string,
  withFmm: boolean,
): Promise<{ day: DaySeries; stale: boolean }> {
  const [da, rt, fmm] = await Promise.all([
    loadSeries(store, zone, "DA", date),
    loadSeries(store, zone, "RT", date),
    withFmm ? loadSeries(store, zone, "FMM", date) : Promise.resolve(null),
  ]);
  const { start, end } = operatingDay(date);
  const emptyFmm = seriesFromPoints([], start.getTime(), end.getTime(), 15);
  return {
    day: { da: da.series, rt: rt.series, fmm: fmm?.series ?? emptyFmm },
    stale: da.stale || rt.stale || (fmm?.stale ?? false),
  };
}
