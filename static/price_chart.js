// The price chart (Chart.js, served by the project as a UMD build: `globalThis.Chart`, with
// chartjs-plugin-zoom and Hammer.js for zoom and pan): RT, FMM and DA as step lines (a price holds for its
// interval), the day-ahead curve ahead of now, a "now" marker, the alert thresholds as dashed lines, Pacific
// dates and times on the axis, a tooltip with every series at the hovered time, and the statistics of the
// visible window.
import { axisLabel, axisTicks, when } from "./chart_axis.js";
import { money } from "./format.js";

const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** Interval length of each market, for the last step's end. */
export const MINUTES = { RT: 5, FMM: 15, DA: 60 };

export const SERIES = [
  { market: "RT", label: "Real-time", color: "--rt", width: 2 },
  { market: "FMM", label: "FMM", color: "--fmm", width: 1.25 },
  { market: "DA", label: "Day-ahead", color: "--da", width: 2 },
];

/** The price of `market` in effect at `ms` (its interval contains `ms`), or undefined. */
export function priceAt(series, market, ms) {
  const length = MINUTES[market] * 60_000;
  const start = Math.floor(ms / length) * length;
  return series[market].get(start);
}

// Draws a vertical dashed line labelled "now" at the chart's `nowMs`.
const nowMarker = {
  id: "nowMarker",
  afterDatasetsDraw(chart, _args, options) {
    const x = chart.scales.x.getPixelForValue(options.at);
    const { top, bottom, left, right } = chart.chartArea;
    if (!Number.isFinite(x) || x < left || x > right) return;
    const ctx = chart.ctx;
    ctx.save();
    ctx.strokeStyle = options.color;
    ctx.fillStyle = options.color;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
    ctx.stroke();
    ctx.textAlign = x > right - 30 ? "right" : "left";
    ctx.font = "11px sans-serif";
    ctx.fillText("now", x + (x > right - 30 ? -4 : 4), top + 10);
    ctx.restore();
  },
};

export class PriceChart {
  #chart;
  #stats;
  #series = { RT: new Map(), FMM: new Map(), DA: new Map() };
  #zoomed = false;
  #onZoom;

  /** A chart on `canvas`; `onZoom(zoomed)` is told when the user zooms or pans, or resets. */
  constructor(canvas, statsTable, onZoom = () => {}) {
    this.#stats = statsTable;
    this.#onZoom = onZoom;
    const grid = "rgba(139, 152, 168, 0.15)";
    const Chart = globalThis.Chart;
    Chart.defaults.color = css("--muted");
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
            borderColor: css(s.color),
            backgroundColor: css(s.color),
            borderWidth: s.width,
            stepped: true,
            pointRadius: 0,
            pointHoverRadius: 3,
          })),
          threshold("High", css("--orange")),
          threshold("Negative", css("--green")),
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
            grid: { color: grid },
            afterBuildTicks: (scale) => (scale.ticks = axisTicks(scale.min, scale.max, innerWidth < 560)),
            ticks: {
              callback(v, i, ticks) {
                return axisLabel(v, ticks[i - 1]?.value, this.max - this.min); // `this`: the scale
              },
              maxRotation: 0,
              autoSkipPadding: 12,
            },
          },
          y: { grid: { color: grid }, ticks: { callback: (v) => (v < 0 ? `−$${-v}` : `$${v}`) } },
        },
        plugins: {
          legend: { labels: { boxWidth: 12, boxHeight: 3, padding: 14 } },
          nowMarker: { at: NaN, color: css("--text") },
          tooltip: {
            // One entry finds the hovered time; its lines are every series' price at that time.
            filter: (item, index) => index === 0 && item.datasetIndex < SERIES.length,
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
  draw(series, { min, max, nowMs }, thresholds) {
    this.#series = series;
    const chart = this.#chart;
    SERIES.forEach((s, i) => {
      const end = s.market === "DA" ? max : Math.min(max, nowMs);
      const length = MINUTES[s.market] * 60_000;
      const points = [...series[s.market].entries()]
        .filter(([ms]) => ms + length > min && ms <= end)
        .sort((a, b) => a[0] - b[0])
        .map(([ms, price]) => ({ x: Math.max(ms, min), y: price }));
      const last = points.at(-1);
      if (last) points.push({ x: Math.min(end, last.x + length), y: last.y });
      chart.data.datasets[i].data = points;
    });
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

  #linesAt(ms) {
    return SERIES.map((s) => `${s.label}: ${money(priceAt(this.#series, s.market, ms))}`);
  }

  #drawStats() {
    const { min, max } = this.shown;
    const rows = SERIES.map((s) => {
      const prices = [...this.#series[s.market].entries()].filter(([ms]) => ms >= min && ms <= max)
        .map(([, p]) => p);
      const avg = prices.length ? prices.reduce((a, b) => a + b, 0) / prices.length : null;
      const high = prices.length ? Math.max(...prices) : null;
      const low = prices.length ? Math.min(...prices) : null;
      return `<tr><td><span class="swatch ${s.market}"></span>${s.label}</td>` +
        `<td>${money(avg)}</td><td>${money(high)}</td><td>${money(low)}</td></tr>`;
    });
    this.#stats.tBodies[0].innerHTML = rows.join("");
  }
}

function threshold(label, color) {
  return {
    label,
    data: [],
    borderColor: color,
    backgroundColor: color,
    borderWidth: 1,
    borderDash: [6, 5],
    pointRadius: 0,
    pointHoverRadius: 0,
  };
}
