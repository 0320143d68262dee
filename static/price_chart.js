// The price chart (Chart.js, served by the project as a UMD build: `globalThis.Chart`, with
// chartjs-plugin-zoom and Hammer.js for zoom and pan): RT, FMM and DA as step lines (a price holds for its
// interval), the day-ahead curve ahead of now, a "now" marker, the alert thresholds as dashed lines, Pacific
// dates and times on the axis, a tooltip with every series at the hovered time, and the statistics of the
// visible window. With an overlay (zone_compare.js) it shows one market of several zones, and hub-to-hub
// spreads, each in its own colour-blind-safe colour. The colours are the theme's, read at every draw.
import { axisLabel, axisTicks, when } from "./chart_axis.js";
import { nowMarker } from "./chart_now_marker.js";
import { money } from "./format.js";

// The theme's colour `name` as the canvas needs it: the custom property (a `light-dark()`) resolved to rgb.
const probe = document.createElement("i");
probe.hidden = true;
export const css = (name) => {
  if (!probe.isConnected) document.body.append(probe);
  probe.style.color = `var(${name})`;
  return getComputedStyle(probe).color;
};

/** Interval length of each market, for the last step's end. */
export const MINUTES = { RT: 5, FMM: 15, DA: 60 };

export const SERIES = [
  { market: "RT", label: "Real-time", color: "--rt", width: 2 },
  { market: "FMM", label: "FMM", color: "--fmm", width: 1.25 },
  { market: "DA", label: "Day-ahead", color: "--da", width: 2 },
];

/** The price of `market` in effect at `ms` (its interval contains `ms`), or undefined. */
export function priceAt(series, market, ms) {
  return valueAt(series[market], MINUTES[market] * 60_000, ms);
}

const valueAt = (map, length, ms) => map.get(Math.floor(ms / length) * length);

/** Step points of `map` (ms → price, intervals of `length` ms) in `[min, end]`, the last step drawn to its end. */
export function stepPoints(map, length, min, end) {
  const points = [...map.entries()]
    .filter(([ms]) => ms + length > min && ms <= end)
    .sort((a, b) => a[0] - b[0])
    .map(([ms, price]) => ({ x: Math.max(ms, min), y: price }));
  const last = points.at(-1);
  if (last) points.push({ x: Math.min(end, last.x + length), y: last.y });
  return points;
}

/** Keys on the focused chart: zoom in and out, pan a tenth of the view, reset. */
const KEYS = {
  "+": (c) => c.zoom(1.25),
  "=": (c) => c.zoom(1.25),
  "-": (c) => c.zoom(0.8),
  ArrowLeft: (c) => c.pan({ x: c.chartArea.width / 10 }),
  ArrowRight: (c) => c.pan({ x: -c.chartArea.width / 10 }),
};

export class PriceChart {
  #chart;
  #stats;
  #series = { RT: new Map(), FMM: new Map(), DA: new Map() };
  #overlay = null;
  #zoomed = false;
  #onZoom;

  /** A chart on `canvas`; `onZoom(zoomed)` is told when the user zooms or pans, or resets. */
  constructor(canvas, statsTable, onZoom = () => {}) {
    this.#stats = statsTable;
    this.#onZoom = onZoom;
    const Chart = globalThis.Chart;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    const zoomed = () => {
      this.#zoomed = true;
      this.#drawStats();
      this.#onZoom(true);
    };
    this.#chart = new Chart(canvas, {
      type: "line",
      plugins: [nowMarker],
      data: {
        datasets: [
          ...SERIES.map((s) => ({
            label: s.label,
            data: [],
            borderWidth: s.width,
            stepped: true,
            pointRadius: 0,
            pointHoverRadius: 3,
          })),
          threshold("High"),
          threshold("Negative"),
        ],
      },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "nearest", axis: "x", intersect: false },
        scales: {
          x: {
            type: "linear",
            grid: {},
            afterBuildTicks: (scale) => (scale.ticks = axisTicks(scale.min, scale.max, innerWidth < 560)),
            ticks: {
              callback(v, i, ticks) {
                return axisLabel(v, ticks[i - 1]?.value, this.max - this.min); // `this`: the scale
              },
              maxRotation: 0,
              autoSkipPadding: 12,
            },
          },
          y: { grid: {}, ticks: { callback: (v) => (v < 0 ? `−$${-v}` : `$${v}`) } },
        },
        plugins: {
          legend: {
            // The markets an overlay leaves out are not offered (a series hidden by a click stays).
            labels: {
              boxWidth: 12,
              boxHeight: 3,
              padding: 14,
              filter: (item, data) => !data.datasets[item.datasetIndex].hidden,
            },
          },
          nowMarker: { at: NaN, color: "" },
          tooltip: {
            // One entry finds the hovered time; its lines are every series' price at that time.
            filter: (_item, index) => index === 0,
            displayColors: false,
            callbacks: {
              title: (items) => (items.length ? when(items[0].parsed.x) : ""),
              label: (item) => this.#linesAt(item.parsed.x),
            },
          },
          zoom: {
            pan: { enabled: true, mode: "x", onPanComplete: zoomed },
            zoom: {
              wheel: { enabled: true },
              pinch: { enabled: true },
              mode: "x",
              onZoomComplete: zoomed,
            },
            limits: { x: { minRange: 30 * 60_000 } },
          },
        },
      },
    });
    canvas.addEventListener("keydown", (e) => {
      if (e.key === "0") this.resetZoom();
      else if (KEYS[e.key]) {
        KEYS[e.key](this.#chart);
        zoomed();
      } else return;
      e.preventDefault();
    });
  }

  /** Whether the user has zoomed or panned since the last reset. */
  get zoomed() {
    return this.#zoomed;
  }

  /** The x range shown: `{ min, max }` in epoch ms. */
  get shown() {
    return { min: this.#chart.scales.x.min, max: this.#chart.scales.x.max };
  }

  /** Back to the whole window of the range. */
  resetZoom() {
    this.#chart.resetZoom?.("none");
    this.#zoomed = false;
    this.#onZoom(false);
  }

  /**
   * Redraws from `series` (market → Map of ms → price) for the window `[min, max]`; RT and FMM end at `nowMs`,
   * day-ahead prices run on to `max`. A zoomed or panned view keeps its range.
   */
  draw(series, { min, max, nowMs }, thresholds, overlay = null) {
    this.#series = series;
    this.#overlay = overlay;
    const chart = this.#chart;
    const endOf = (market) => market === "DA" ? max : Math.min(max, nowMs);
    SERIES.forEach((s, i) => {
      const set = chart.data.datasets[i];
      set.data = stepPoints(series[s.market], MINUTES[s.market] * 60_000, min, endOf(s.market));
      set.hidden = overlay !== null && overlay.market !== s.market;
      set.label = overlay ? `${overlay.main} ${s.label}` : s.label;
      set.borderColor = set.backgroundColor = css(overlay ? "--cmp-2" : s.color);
    });
    const lines = overlay?.lines ?? [];
    chart.data.datasets.length = SERIES.length + 2 + lines.length;
    lines.forEach((line, i) => {
      const set = chart.data.datasets[SERIES.length + 2 + i] ??= { pointRadius: 0, pointHoverRadius: 3 };
      const length = MINUTES[overlay.market] * 60_000;
      Object.assign(set, {
        label: line.label,
        data: stepPoints(line.map, length, min, endOf(overlay.market)),
        borderColor: css(line.color),
        backgroundColor: css(line.color),
        borderWidth: 2,
        borderDash: line.dash ? [4, 3] : [],
        stepped: true,
      });
    });
    this.#applyColours();
    const hi = chart.data.datasets[SERIES.length];
    const lo = chart.data.datasets[SERIES.length + 1];
    hi.label = `High alert ${money(thresholds.high)}`;
    lo.label = `Negative alert ${money(thresholds.negative)}`;
    hi.data = [{ x: min, y: thresholds.high }, { x: max, y: thresholds.high }];
    lo.data = [{ x: min, y: thresholds.negative }, { x: max, y: thresholds.negative }];
    chart.options.plugins.nowMarker.at = nowMs;
    chart.options.plugins.zoom.limits.x.min = min;
    chart.options.plugins.zoom.limits.x.max = max;
    if (!this.#zoomed) {
      chart.options.scales.x.min = min;
      chart.options.scales.x.max = max;
    }
    chart.update("none");
    this.#drawStats();
  }

  // Every series shown, with its map and interval length: the main zone's, then the overlay's.
  #shownSeries() {
    const o = this.#overlay;
    const main = SERIES.filter((s) => !o || o.market === s.market).map((s) => ({
      label: o ? `${o.main} ${s.label}` : s.label,
      color: o ? "--cmp-2" : s.color,
      map: this.#series[s.market],
      length: MINUTES[s.market] * 60_000,
    }));
    const lines = (o?.lines ?? []).map((l) => ({
      label: l.label,
      color: l.color,
      map: l.map,
      length: MINUTES[o.market] * 60_000,
    }));
    return [...main, ...lines];
  }

  #linesAt(ms) {
    return this.#shownSeries().map((s) => `${s.label}: ${money(valueAt(s.map, s.length, ms))}`);
  }

  // Colours of the theme in force (the page redraws on a theme change).
  #applyColours() {
    const chart = this.#chart;
    globalThis.Chart.defaults.color = css("--muted");
    chart.options.scales.x.grid.color = chart.options.scales.y.grid.color = css("--grid");
    chart.options.plugins.nowMarker.color = css("--text");
    const [hi, lo] = chart.data.datasets.slice(SERIES.length, SERIES.length + 2);
    hi.borderColor = hi.backgroundColor = css("--orange");
    lo.borderColor = lo.backgroundColor = css("--green");
  }

  #drawStats() {
    const { min, max } = this.shown;
    const rows = this.#shownSeries().map((s) => {
      const prices = [...s.map.entries()].filter(([ms]) => ms >= min && ms <= max).map(([, p]) => p);
      const avg = prices.length ? prices.reduce((a, b) => a + b, 0) / prices.length : null;
      const row = document.createElement("tr");
      const swatch = document.createElement("span");
      swatch.className = "swatch chip-colour";
      swatch.style.setProperty("--chip", `var(${s.color})`);
      row.insertCell().append(swatch, s.label);
      const high = prices.length ? Math.max(...prices) : null;
      const low = prices.length ? Math.min(...prices) : null;
      for (const v of [avg, high, low]) row.insertCell().textContent = money(v);
      return row;
    });
    this.#stats.tBodies[0].replaceChildren(...rows);
  }
}

function threshold(label) {
  return {
    label,
    data: [],
    borderWidth: 1,
    borderDash: [6, 5],
    pointRadius: 0,
    pointHoverRadius: 0,
  };
}
