/**
 * The simulator's deterministic price model. Every value is a pure function of (seed, node or region,
 * interval start, market):
 *
 * - system energy (MCE) follows a daily solar "duck curve" in Pacific time: cheap at midday with
 *   occasional negative hours, an evening ramp with spikes over $100 now and then;
 * - the real-time markets are noisier than the fifteen-minute market, which is noisier than day-ahead;
 * - per node, congestion (MCC) appears in congested intervals only, losses (MCL) scale with energy and
 *   GHG (MGHG) is non-zero only at some EIM nodes;
 * - all components are integers of 1/100000 $, so MCE + MCC + MCL + MGHG = LMP exactly.
 *
 * @module
 */
import { hashString, mix, normal, unit } from "./hash.ts";
import { toUnits } from "./format.ts";
import type { Interval } from "./intervals.ts";
import { DLAPS, TRADING_HUBS } from "./nodes.ts";

/** Markets with their own prices: day-ahead, fifteen-minute (RTPD) and five-minute (RTM). */
export type Market = "DAM" | "RTPD" | "RTM";

/** LMP and its components in integer units of 1/100000 $/MWh. */
export interface LmpUnits {
  /** Locational marginal price = mce + mcc + mcl + mghg. */
  readonly lmp: number;
  /** Marginal cost of energy (system-wide). */
  readonly mce: number;
  /** Marginal cost of congestion (node). */
  readonly mcc: number;
  /** Marginal cost of losses (node). */
  readonly mcl: number;
  /** Marginal GHG cost (node). */
  readonly mghg: number;
}

/** Ancillary-service types as OASIS names them. */
export const ANC_TYPES = ["NR", "RD", "RMD", "RMU", "RU", "SR"] as const;

/** AS regions (OASIS `anc_region`). */
export const ANC_REGIONS = [
  "AS_CAISO",
  "AS_CAISO_EXP",
  "AS_NP26",
  "AS_NP26_EXP",
  "AS_SP26",
  "AS_SP26_EXP",
] as const;

const MARKET_CODE: Record<Market, number> = { DAM: 1, RTPD: 2, RTM: 3 };
const NOISE: Record<Market, number> = { DAM: 1.5, RTPD: 5, RTM: 11 };
const SPIKE_HOUR_P: Record<Market, number> = { DAM: 0.04, RTPD: 0.08, RTM: 0.12 };
const NEGATIVE_HOUR_P: Record<Market, number> = { DAM: 0.05, RTPD: 0.1, RTM: 0.15 };
const AS_BASE: Record<string, number> = { NR: 1.5, RD: 6, RMD: 0.12, RMU: 0.25, RU: 9, SR: 5 };

const HOUR_MS = 3_600_000;

function bump(x: number, mu: number, sigma: number): number {
  const d = (x - mu) / sigma;
  return Math.exp(-0.5 * d * d);
}

interface NodeTraits {
  key: number;
  loss: number;
  congestion: number;
  ghg: boolean;
}

/** Prices for one simulator instance. */
export class PriceModel {
  readonly #seed: number;
  readonly #energy = new Map<number, number>();
  readonly #congestion = new Map<number, number>();
  readonly #nodes = new Map<string, NodeTraits>();

  /** A model whose every price is derived from `seed`. */
  constructor(seed: number) {
    this.#seed = seed >>> 0;
  }

  /** System marginal energy price in $/MWh (unrounded) for `interval` in `market`. */
  energy(interval: Interval, market: Market): number {
    const m = MARKET_CODE[market];
    const cacheKey = interval.start * 4 + m;
    const cached = this.#energy.get(cacheKey);
    if (cached !== undefined) return cached;
    const s = this.#seed;
    const day = hashString(interval.oprDate);
    const h = interval.clockHours;
    const level = 30 + 18 * unit(s, day, 1);
    const solar = 22 + 32 * unit(s, day, 2);
    const evening = 26 + 40 * unit(s, day, 3);
    let value = level + 9 * bump(h, 7.5, 1.4) - solar * bump(h, 12.8, 2.6) + evening * bump(h, 19.3, 1.5) -
      6 * bump(h, 3.5, 2);
    const t = interval.start;
    value += NOISE[market] * normal(s, t, m, 4);
    // Spikes and negative prices come in whole hours, so real-time intervals cluster like real ones.
    const hour = Math.floor(t / HOUR_MS);
    if (h >= 16.5 && h < 21.5 && unit(s, hour, m, 5) < SPIKE_HOUR_P[market]) {
      value += 70 + 160 * unit(s, hour, m, 6) + 20 * unit(s, t, m, 7);
    }
    if (h >= 9.5 && h < 15.5 && unit(s, hour, m, 8) < NEGATIVE_HOUR_P[market]) {
      value -= solar + 10 + 30 * unit(s, hour, m, 9);
    }
    this.#energy.set(cacheKey, value);
    return value;
  }

  #congestionEvent(interval: Interval, market: Market): number {
    const m = MARKET_CODE[market];
    const cacheKey = interval.start * 4 + m;
    let event = this.#congestion.get(cacheKey);
    if (event === undefined) {
      const s = this.#seed;
      event = unit(s, interval.start, m, 10) < 0.3 ? 2 + 25 * unit(s, interval.start, m, 11) : 0;
      this.#congestion.set(cacheKey, event);
    }
    return event;
  }

  #traits(node: string): NodeTraits {
    let traits = this.#nodes.get(node);
    if (!traits) {
      const key = mix(this.#seed, hashString(node));
      const major = TRADING_HUBS.includes(node) || DLAPS.includes(node);
      const rawCongestion = unit(key, 2) * 2 - 1;
      traits = {
        key,
        loss: major ? (unit(key, 1) - 0.5) * 0.03 : (unit(key, 1) - 0.6) * 0.1,
        congestion: Math.abs(rawCongestion) < 0.35 ? 0 : major ? rawCongestion * 0.3 : rawCongestion,
        ghg: node.includes("EIM") || unit(key, 3) < 0.05,
      };
      this.#nodes.set(node, traits);
    }
    return traits;
  }

  /** LMP components at `node` for `interval` in `market`. */
  lmp(node: string, interval: Interval, market: Market): LmpUnits {
    const traits = this.#traits(node);
    const energy = this.energy(interval, market);
    const mce = toUnits(energy);
    const event = this.#congestionEvent(interval, market);
    const mcc = event === 0 || traits.congestion === 0 ? 0 : toUnits(traits.congestion * event);
    const mcl = toUnits(traits.loss * energy);
    const m = MARKET_CODE[market];
    const mghg = traits.ghg && unit(traits.key, interval.start, m, 12) < 0.6
      ? toUnits(0.5 + 4 * unit(traits.key, interval.start, m, 13))
      : 0;
    return { lmp: mce + mcc + mcl + mghg, mce, mcc, mcl, mghg };
  }

  /** AS clearing price in units of 1/100000 $/MW, or `null` for the empty cells real files have. */
  asPrice(ancType: string, region: string, interval: Interval, market: Market): number | null {
    const s = this.#seed;
    const key = hashString(`${ancType}/${region}`);
    const m = MARKET_CODE[market];
    const t = interval.start;
    if (unit(s, t, key, m, 14) < 0.015) return null;
    if (market !== "DAM" && unit(s, t, key, m, 15) < 0.35) return 0;
    const day = hashString(interval.oprDate);
    const h = interval.clockHours;
    const dayFactor = 0.6 + 0.9 * unit(s, day, hashString(ancType), 16);
    const regionFactor = 0.85 + 0.3 * unit(s, hashString(region), 17);
    const shape = 1 + 0.8 * bump(h, 19, 2) + 0.3 * bump(h, 7, 1.5) - 0.3 * bump(h, 12.5, 2.5);
    const noise = 1 + (market === "DAM" ? 0.05 : 0.25) * normal(s, t, key, m, 18);
    const value = (AS_BASE[ancType] ?? 1) * dayFactor * regionFactor * shape * noise;
    return Math.max(0, toUnits(Math.round(value * 100) / 100));
  }

  /** CRR auction clearing price ($/MW for the period) at `node`, in units. */
  crrClearing(node: string, marketName: string, timeOfUse: string): number {
    const traits = this.#traits(node);
    const k = hashString(`${marketName}/${timeOfUse}`);
    const scale = timeOfUse === "ON" ? 1 : 0.6;
    const value =
      (traits.congestion * 400 * (0.5 + unit(traits.key, k, 19)) + 15 * normal(traits.key, k, 20)) *
      scale;
    return toUnits(Math.round(value * 100) / 100);
  }

  /** MW of CRR number `index` in `marketName` for `timeOfUse`, in units. */
  crrMw(marketName: string, index: number, timeOfUse: string): number {
    const k = hashString(`${marketName}/${timeOfUse}`);
    return toUnits(Math.round((0.1 + 49.9 * unit(this.#seed, k, index, 21)) * 1000) / 1000);
  }
}
