// The chart card: a range choice (6 h, 24 h, 48 h with tomorrow's day-ahead, 7 days), each a window back
// from now plus the day-ahead hours ahead of it; zoom and pan inside it (wheel, pinch, drag) with a reset;
// and a CSV download of what the chart shows. The snapshot carries 24 hours back (and the day-ahead hours
// ahead); a longer range reads `GET /api/history/{hours}` once per zone and range. Other zones can be
// compared on it (zone_compare.js), and the header's search picks the zone shown (zone_search.js).
import { rangeCsv, saveFile } from "./chart_export.js";
import { PriceChart } from "./price_chart.js";
import { ZoneCompare } from "./zone_compare.js";
import { attachZoneList, attachZoneSearch } from "./zone_search.js";

const HOUR = 3_600_000;
const MARKETS = { RT: "rt", FMM: "fmm", DA: "da" };

/** Each range: hours shown back from now and ahead of it (where only day-ahead prices exist). */
export const RANGES = {
  "6h": { back: 6, ahead: 2, title: "Last 6 hours" },
  "24h": { back: 24, ahead: 6, title: "Last 24 hours" },
  "48h": { back: 24, ahead: 24, title: "Last 24 hours and tomorrow's day-ahead" },
  "7d": { back: 168, ahead: 24, title: "Last 7 days" },
};

/** Hours back a snapshot carries. */
const SNAPSHOT_HOURS = 24;

export class ChartPanel {
  #state;
  #api;
  #serverNow;
  #chart;
  #range;
  #loaded = "";
  #queued = false;
  #compare;

  /** The panel over the page's `state` (zone, series, thresholds), reading more through `api(path)`. */
  constructor({ state, api, serverNow, range }) {
    this.#state = state;
    this.#api = api;
    this.#serverNow = serverNow;
    this.#range = RANGES[range] ? range : "24h";
    const reset = document.getElementById("reset-zoom");
    this.#chart = new PriceChart(document.getElementById("chart"), document.getElementById("stats"), (z) => {
      reset.hidden = !z;
    });
    reset.addEventListener("click", () => {
      this.#chart.resetZoom();
      this.draw();
    });
    for (const button of document.querySelectorAll("#range button")) {
      button.addEventListener("click", () => this.select(button.dataset.range));
    }
    document.getElementById("download").addEventListener("click", () => this.download());
    const search = document.getElementById("zone-search");
    const zones = () => state.zones;
    attachZoneList(
      document.getElementById("zone-list"),
      [search, document.getElementById("compare-zone")],
      zones,
    );
    attachZoneSearch(search, document.getElementById("zone"), zones);
    this.#compare = new ZoneCompare({
      state,
      api,
      hours: () => RANGES[this.#range].back,
      onChange: () => this.draw(),
    });
    addEventListener("themechange", () => this.draw());
    this.#renderRange();
  }

  /** The range shown (a key of `RANGES`). */
  get range() {
    return this.#range;
  }

  /** Shows range `key`: the whole window, reading the prices a snapshot does not carry. */
  select(key) {
    if (!RANGES[key]) return;
    this.#range = key;
    localStorage.setItem("oasis-stream-range", key);
    const p = new URLSearchParams(location.search);
    p.set("range", key);
    history.replaceState(null, "", `${location.pathname}?${p}`);
    this.#renderRange();
    this.#chart.resetZoom();
    this.draw();
    void this.load();
  }

  /** After a snapshot replaced the series: redraw, and read what the range needs beyond it. */
  snapshot() {
    this.#loaded = "";
    this.draw();
    void this.load();
  }

  /** Reads the range's hours beyond the snapshot's from the REST API, once per zone and range. */
  async load() {
    const { back } = RANGES[this.#range];
    const zone = this.#state.zone;
    const key = `${zone}:${this.#range}`;
    if (back <= SNAPSHOT_HOURS || this.#loaded === key) return;
    this.#loaded = key;
    let bodies;
    try {
      bodies = await Promise.all(
        Object.values(MARKETS).map((t) =>
          this.#api(`/api/history/${back}?zone=${encodeURIComponent(zone)}&type=${t}`)
        ),
      );
    } catch {
      this.#loaded = ""; // tried again on the next snapshot or range change
      return;
    }
    if (zone !== this.#state.zone) return;
    Object.keys(MARKETS).forEach((market, i) => {
      const map = this.#state.series[market];
      for (const p of bodies[i].points) if (!map.has(p.ms)) map.set(p.ms, p.price);
    });
    this.draw();
  }

  /** The window `{ min, max, nowMs }` of the range at the server's now. */
  window() {
    const nowMs = this.#serverNow();
    const { back, ahead } = RANGES[this.#range];
    return { min: nowMs - back * HOUR, max: nowMs + ahead * HOUR, nowMs };
  }

  /** Redraws at the next frame (many updates, one draw). */
  schedule() {
    if (this.#queued) return;
    this.#queued = true;
    requestAnimationFrame(() => {
      this.#queued = false;
      this.draw();
    });
  }

  /** Redraws now, forgetting prices older than the range needs. */
  draw() {
    const w = this.window();
    // What a snapshot carries stays, so that a short range does not lose what a longer one then needs.
    const cutoff = Math.min(w.min, w.nowMs - SNAPSHOT_HOURS * HOUR) - 2 * HOUR;
    for (const m of Object.values(this.#state.series)) {
      for (const ms of m.keys()) if (ms < cutoff) m.delete(ms);
    }
    if (!this.#loaded.endsWith(`:${this.#range}`)) this.#loaded = ""; // pruned: read again when needed
    document.getElementById("chart-zone").textContent = `· ${this.#state.zone.toUpperCase()}`;
    this.#compare.render();
    this.#chart.draw(this.#state.series, w, this.#state.thresholds, this.#compare.overlay());
    void this.#compare.load();
  }

  /** Downloads what the chart shows (zoomed range included) as CSV. */
  download() {
    const { min, max } = this.#chart.shown;
    const zone = this.#state.zone;
    saveFile(`oasis-${zone}-${this.#range}.csv`, rangeCsv(zone, this.#state.series, min, max));
  }

  #renderRange() {
    for (const button of document.querySelectorAll("#range button")) {
      button.setAttribute("aria-pressed", String(button.dataset.range === this.#range));
    }
    const title = RANGES[this.#range].title;
    document.getElementById("chart-title").textContent = title;
    document.getElementById("chart").setAttribute("aria-label", `Prices: ${title.toLowerCase()}`);
    document.querySelector(".chart-card").setAttribute("aria-label", title);
  }
}
