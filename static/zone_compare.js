// Comparing zones on the price chart: up to four other zones drawn over the shown zone for one market
// (colour-blind-safe colours, a legend and statistics row each), and a hub-to-hub spread (e.g. NP15 − SP15)
// as its own dashed series. Other zones' prices come from `GET /api/history/{hours}` (one request per zone,
// market and range, read again after five minutes); the shown zone's are the live ones.
import { SERIES } from "./price_chart.js";
import { findZone } from "./zone_search.js";

/** Most zones compared with the shown one. */
export const MAX_COMPARED = 4;
const COLOURS = ["--cmp-1", "--cmp-3", "--cmp-4", "--cmp-6"];
const SPREAD_COLOUR = "--cmp-5";
const REFRESH_MS = 5 * 60_000;
const RETRY_MS = 30_000;
const KEY = "oasis-stream-compare";
const TYPES = { RT: "rt", FMM: "fmm", DA: "da" };
const MARKET_LABELS = Object.fromEntries(SERIES.map((s) => [s.market, s.label]));
const label = (zone) => zone.toUpperCase();

/** `a − b` at every interval both maps have. */
export function spreadOf(a, b) {
  const out = new Map();
  for (const [ms, price] of a) {
    const other = b.get(ms);
    if (other !== undefined) out.set(ms, Math.round((price - other) * 1e6) / 1e6);
  }
  return out;
}

export class ZoneCompare {
  #state;
  #api;
  #hours;
  #onChange;
  #zones = [];
  #cache = new Map(); // `${zone}:${market}:${hours}` → { map, at }
  #rendered = "";
  #el = (id) => document.getElementById(id);

  /** Over the page's `state`; `hours()` is the range's; `onChange()` redraws the chart. */
  constructor({ state, api, hours, onChange }) {
    this.#state = state;
    this.#api = api;
    this.#hours = hours;
    this.#onChange = onChange;
    try {
      const saved = JSON.parse(localStorage.getItem(KEY) ?? "[]");
      if (Array.isArray(saved)) {
        this.#zones = saved.filter((z) => typeof z === "string").slice(0, MAX_COMPARED);
      }
    } catch {
      // a damaged entry: start without comparison
    }
    const input = this.#el("compare-zone");
    this.#el("compare-add-button").addEventListener("click", () => this.add(input.value));
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") this.add(input.value);
    });
    this.#el("compare-market").addEventListener("change", () => this.#changed());
    this.#el("spread").addEventListener("change", () => this.#onChange());
    this.#el("compare-zones").addEventListener("click", (e) => {
      const zone = e.target.closest("button[data-zone]")?.dataset.zone;
      if (zone !== undefined) this.remove(zone);
    });
    this.render();
  }

  /** The zones compared with the shown one. */
  get zones() {
    const known = this.#state.zones; // a zone kept from an older configuration is left out
    return this.#zones.filter((z) => z !== this.#state.zone && (known.length === 0 || known.includes(z)));
  }

  /** Adds the configured zone `text` names; says why not in the input's validity otherwise. */
  add(text) {
    const input = this.#el("compare-zone");
    const zone = findZone(this.#state.zones, text);
    let problem = "";
    if (zone === undefined) problem = `No configured zone "${text.trim()}"`;
    else if (zone === this.#state.zone || this.zones.includes(zone)) {
      problem = `${label(zone)} is already shown`;
    } else if (this.zones.length >= MAX_COMPARED) problem = `At most ${MAX_COMPARED} zones can be compared`;
    input.setCustomValidity(problem);
    input.setAttribute("aria-invalid", String(problem !== ""));
    if (problem) return input.reportValidity();
    input.value = "";
    this.#zones = [...this.zones, zone];
    this.#changed();
  }

  /** Stops comparing `zone`. */
  remove(zone) {
    this.#zones = this.zones.filter((z) => z !== zone);
    this.#changed();
    this.#el("compare-zone").focus();
  }

  /** The chart's overlay (`PriceChart.draw`), or null when nothing is compared. */
  overlay() {
    const zones = this.zones;
    if (zones.length === 0) return null;
    const market = this.#el("compare-market").value;
    const lines = zones.map((zone, i) => ({
      label: `${label(zone)} ${MARKET_LABELS[market]}`,
      color: COLOURS[i],
      map: this.#mapOf(zone, market) ?? new Map(),
    }));
    const [a, b] = this.#el("spread").value.split("|");
    const ma = a && this.#mapOf(a, market);
    const mb = b && this.#mapOf(b, market);
    if (ma && mb) {
      lines.push({
        label: `${label(a)} − ${label(b)}`,
        color: SPREAD_COLOUR,
        map: spreadOf(ma, mb),
        dash: true,
      });
    }
    return { market, main: label(this.#state.zone), lines };
  }

  /** Reads the compared zones' prices the cache lacks (or has had for over five minutes); redraws. */
  async load() {
    const market = this.#el("compare-market").value;
    const hours = this.#hours();
    const now = Date.now();
    const keyOf = (zone) => `${zone}:${market}:${hours}`;
    const due = this.zones.filter((z) => !(now - (this.#cache.get(keyOf(z))?.at ?? 0) < REFRESH_MS));
    if (due.length === 0) return;
    // Marked read at once, so that the draws until the answers come ask nothing more.
    const keep = (zone, at) =>
      this.#cache.set(keyOf(zone), { map: this.#mapOf(zone, market) ?? new Map(), at });
    for (const zone of due) keep(zone, now);
    const answers = await Promise.allSettled(
      due.map((z) => this.#api(`/api/history/${hours}?zone=${encodeURIComponent(z)}&type=${TYPES[market]}`)),
    );
    answers.forEach((a, i) => {
      if (a.status === "rejected") return keep(due[i], now - REFRESH_MS + RETRY_MS);
      this.#cache.set(keyOf(due[i]), { map: new Map(a.value.points.map((p) => [p.ms, p.price])), at: now });
    });
    this.#onChange();
  }

  /** Shows the compared zones and the spread pairs of the zones drawn (when they changed). */
  render() {
    const key = [this.#state.zone, ...this.zones].join();
    if (key === this.#rendered) return;
    this.#rendered = key;
    const list = this.#el("compare-zones");
    list.replaceChildren(...this.zones.map((zone, i) => {
      const li = document.createElement("li");
      li.className = "chip-zone";
      li.style.setProperty("--chip", `var(${COLOURS[i]})`);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.dataset.zone = zone;
      remove.textContent = "×";
      remove.setAttribute("aria-label", `Stop comparing ${label(zone)}`);
      li.append(label(zone), remove);
      return li;
    }));
    const select = this.#el("spread");
    const shown = this.zones.length ? [this.#state.zone, ...this.zones] : [];
    const pairs = shown.flatMap((a) => shown.filter((b) => b !== a).map((b) => [a, b]));
    const kept = select.value;
    select.replaceChildren(
      new Option("none", ""),
      ...pairs.map(([a, b]) => new Option(`${label(a)} − ${label(b)}`, `${a}|${b}`)),
    );
    select.value = pairs.some(([a, b]) => `${a}|${b}` === kept) ? kept : "";
    select.disabled = pairs.length === 0;
  }

  #mapOf(zone, market) {
    if (zone === this.#state.zone) return this.#state.series[market];
    return this.#cache.get(`${zone}:${market}:${this.#hours()}`)?.map;
  }

  #changed() {
    localStorage.setItem(KEY, JSON.stringify(this.#zones));
    for (const key of this.#cache.keys()) {
      if (!this.#zones.includes(key.slice(0, key.indexOf(":")))) this.#cache.delete(key);
    }
    this.render();
    this.#onChange();
    void this.load();
  }
}
