/**
 * Planning one poll, purely: compare the poll's points with the mirrored state to find new and revised
 * intervals, derive the alerts and the current-prices hashes that change, and list the retention trims.
 * The stores then write the plan in one batch and apply it to the mirror.
 *
 * @module
 */
import type { AlertEvent, PricedInterval } from "../analytics/alerts.ts";
import type { AlertRule } from "../analytics/alert_rules.ts";
import { detectRuleAlerts } from "../analytics/rule_alerts.ts";
import type { HotState } from "./hot_state.ts";
import { type CurrentPrices, type Market, MARKETS, type PricePoint, type PriceUpdate } from "./store.ts";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19) + "Z";

/** Settings the planner needs. */
export interface PlanSettings {
  readonly retentionDays: Readonly<Record<Market, number>>;
  /** The alert rules in force. */
  readonly rules: readonly AlertRule[];
}

/** A retention trim: drop points of one series that start before `cutoffMs`. */
export interface Trim {
  readonly zone: string;
  readonly market: Market;
  readonly cutoffMs: number;
}

/** Everything one poll changes. */
export interface IngestPlan {
  /** New or revised intervals, oldest first. */
  readonly updates: PriceUpdate[];
  readonly alerts: AlertEvent[];
  /** Current-prices hashes whose content changes. */
  readonly current: CurrentPrices[];
  /** Retention trims for every series of every zone the poll touched. */
  readonly trims: Trim[];
  readonly unchanged: number;
  readonly expired: number;
}

/** The retention cutoff of `market` at `now`, epoch ms. */
export function retentionCutoff(market: Market, now: Date, s: PlanSettings): number {
  return now.getTime() - s.retentionDays[market] * DAY_MS;
}

function sameCurrent(a: CurrentPrices | undefined, b: CurrentPrices): boolean {
  return a !== undefined && a.rt_price === b.rt_price && a.rt_timestamp === b.rt_timestamp &&
    a.fmm_price === b.fmm_price && a.fmm_timestamp === b.fmm_timestamp && a.da_price === b.da_price &&
    a.da_timestamp === b.da_timestamp && a.spread === b.spread;
}

/** Plans one poll against `state` (the mirror before the poll) at time `now`. */
export function planIngest(
  state: HotState,
  points: readonly PricePoint[],
  s: PlanSettings,
  now: Date,
): IngestPlan {
  const accepted = acceptPoints(state, points, s, now);
  const { updates, zones, unchanged, expired } = accepted;
  const view = priceView(state, accepted);
  const trims = [...zones].flatMap((zone) =>
    MARKETS.map((market) => ({ zone, market, cutoffMs: retentionCutoff(market, now, s) }))
  );
  return {
    updates,
    alerts: ruleAlerts(state, accepted, view, s),
    current: currentChanges(state, accepted, view, now),
    trims,
    unchanged,
    expired,
  };
}

/** The points that change the state (new or other price, within retention), by series and in time order. */
function acceptPoints(state: HotState, points: readonly PricePoint[], s: PlanSettings, now: Date) {
  const updates: PriceUpdate[] = [];
  const fresh = new Map<string, PriceUpdate>();
  const zones = new Set<string>();
  let unchanged = 0;
  let expired = 0;
  for (const p of points) {
    zones.add(p.zone);
    if (p.ms < retentionCutoff(p.market, now, s)) {
      expired++;
      continue;
    }
    const old = state.get(p.zone, p.market, p.ms);
    if (old !== undefined && old.price === p.price) {
      unchanged++;
      continue;
    }
    const u: PriceUpdate = { ...p, revised: old !== undefined, previous_price: old?.price ?? null };
    updates.push(u);
    fresh.set(`${p.zone}|${p.market}|${p.ms}`, u);
  }
  updates.sort((a, b) => a.ms - b.ms);
  const bySeries = new Map<string, PriceUpdate[]>();
  for (const u of updates) {
    const key = `${u.zone}|${u.market}`;
    const list = bySeries.get(key);
    if (list === undefined) bySeries.set(key, [u]);
    else list.push(u);
  }
  return { updates, fresh, zones, unchanged, expired, bySeries };
}

type Accepted = ReturnType<typeof acceptPoints>;

/** Prices as they will be once the plan applies: the accepted point, else the state's. */
function priceView(state: HotState, accepted: Accepted) {
  const price = (zone: string, market: Market, ms: number) =>
    accepted.fresh.get(`${zone}|${market}|${ms}`)?.price ?? state.get(zone, market, ms)?.price ?? null;
  const daOf = (zone: string, ms: number) => price(zone, "DA", Math.floor(ms / HOUR_MS) * HOUR_MS);
  const priced = (zone: string) => (p: { timestamp: string; ms: number; price: number }): PricedInterval => ({
    timestamp: p.timestamp,
    ms: p.ms,
    price: p.price,
    da_price: daOf(zone, p.ms),
  });
  return { price, daOf, priced };
}

/** The alert rules' events raised by the accepted RT and FMM changes. */
function ruleAlerts(
  state: HotState,
  accepted: Accepted,
  view: ReturnType<typeof priceView>,
  s: PlanSettings,
) {
  const alerts: AlertEvent[] = [];
  for (const zone of accepted.zones) {
    for (const market of ["RT", "FMM"] as const) {
      const changes = accepted.bySeries.get(`${zone}|${market}`);
      if (changes === undefined) continue;
      alerts.push(...detectRuleAlerts({
        zone,
        node: changes.at(-1)!.node,
        market,
        stored: state.series(zone, market).map(view.priced(zone)),
        changes: changes.map(view.priced(zone)),
        rules: s.rules,
      }));
    }
  }
  return alerts;
}

/** The zones whose current prices (RT, FMM, DA of this hour, spread) change. */
function currentChanges(state: HotState, accepted: Accepted, view: ReturnType<typeof priceView>, now: Date) {
  const current: CurrentPrices[] = [];
  const latest = (zone: string, market: Market) => {
    let best = state.latest(zone, market);
    const last = accepted.bySeries.get(`${zone}|${market}`)?.at(-1);
    if (last !== undefined && (!best || last.ms >= best.ms)) best = last;
    return best;
  };
  const hour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  for (const zone of accepted.zones) {
    const rt = latest(zone, "RT");
    const fmm = latest(zone, "FMM");
    const da = view.price(zone, "DA", hour);
    const rtDa = rt === undefined ? null : view.daOf(zone, rt.ms);
    const next: CurrentPrices = {
      zone,
      rt_price: rt?.price ?? null,
      rt_timestamp: rt?.timestamp ?? null,
      fmm_price: fmm?.price ?? null,
      fmm_timestamp: fmm?.timestamp ?? null,
      da_price: da,
      da_timestamp: da === null ? null : iso(hour),
      spread: rt === undefined || rtDa === null ? null : rt.price - rtDa,
      last_update: now.toISOString(),
    };
    const empty = next.rt_price === null && next.fmm_price === null && next.da_price === null;
    if (!empty && !sameCurrent(state.current(zone), next)) current.push(next);
  }
  return current;
}

/** Applies a plan to the mirror. */
export function applyPlan(state: HotState, plan: IngestPlan): void {
  state.applyUpdates(plan.updates);
  for (const c of plan.current) state.setCurrent(c.zone, c);
  for (const t of plan.trims) state.trim(t.zone, t.market, t.cutoffMs);
  state.addAlerts(plan.alerts);
}
