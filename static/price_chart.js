// The 24-hour chart (Chart.js, served by the project as a UMD build: `globalThis.Chart`): RT, FMM and DA as
// step lines (a price holds for its interval), the alert thresholds as dashed lines, and the statistics of
// the visible window.
import { money, time } from "./format.js";

const HOUR = 3_600_000;
export const WINDOW_MS = 24 * HOUR;

const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** Interval length of each market, for the last step's end. */
export const MINUTES = { RT: 5, FMM: 15, DA: 60 };

export const SERIES = [
  { market: "RT", label: "Real-time", color: "--rt", width: 2 },
  { market: "FMM", label: "FMM", color: "--fmm", width: 1.25 },
  { market: "DA", label: "Day-ahead", color: "--da", width: 2 },
];

export class PriceChart {
  #chart;
  #stats;

  constructor(canvas, statsTable) {
    this.#stats = statsTable;
    const grid = "rgba(139, 152, 168, 0.15)";
    const muted = css("--muted");
    const Chart = globalThis.Chart;
    Chart.defaults.color = muted;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    this.#chart = new Chart(canvas, {
      type: "line",
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
            afterBuildTicks: (scale) => (scale.ticks = hourTicks(scale.min, scale.max)),
            ticks: { callback: (v) => time(v), maxRotation: 0, autoSkipPadding: 12 },
          },
          y: { grid: { color: grid }, ticks: { callback: (v) => (v < 0 ? `−$${-v}` : `$${v}`) } },
        },
        plugins: {
          legend: { labels: { boxWidth: 12, boxHeight: 3, padding: 14 } },
          tooltip: {
            filter: (item) => item.datasetIndex < SERIES.length,
            callbacks: {
              title: (items) => (items.length ? time(items[0].parsed.x) : ""),
              label: (item) => `${item.dataset.label}: ${money(item.parsed.y)}`,
            },
          },
        },
      },
    });
  }

  /** Redraws from `series` (market → Map of ms → price) for the window ending at `nowMs`. */
  draw(series, nowMs, thresholds) {
    const min = nowMs - WINDOW_MS;
    const max = nowMs;
    const chart = this.#chart;
    SERIES.forEach((s, i) => {
      const points = [...series[s.market].entries()]
        .filter(([ms]) => ms + MINUTES[s.market] * 60_000 > min && ms <= max)
        .sort((a, b) => a[0] - b[0])
        .map(([ms, price]) => ({ x: Math.max(ms, min), y: price }));
      const last = points.at(-1);
      if (last) points.push({ x: Math.min(max, last.x + MINUTES[s.market] * 60_000), y: last.y });
      chart.data.datasets[i].data = points;
    });
    const hi = chart.data.datasets[SERIES.length];
    const lo = chart.data.datasets[SERIES.length + 1];
    hi.label = `High alert ${money(thresholds.high)}`;
    lo.label = `Negative alert ${money(thresholds.negative)}`;
    hi.data = [{ x: min, y: thresholds.high }, { x: max, y: thresholds.high }];
    lo.data = [{ x: min, y: thresholds.negative }, { x: max, y: thresholds.negative }];
    chart.options.scales.x.min = min;
    chart.options.scales.x.max = max;
    chart.update("none");
    this.#drawStats(series, min, max);
  }

  #drawStats(series, min, max) {
    const rows = SERIES.map((s) => {
      const prices = [...series[s.market].entries()].filter(([ms]) => ms >= min && ms <= max).map(([, p]) =>
        p
      );
      const avg = prices.length ? prices.reduce((a, b) => a + b, 0) / prices.length : null;
      const high = prices.length ? Math.max(...prices) : null;
      const low = prices.length ? Math.min(...prices) : null;
      return `<tr><td><span class="swatch ${s.market}"></span>${s.label}</td>` +
        `<td>${money(avg)}</td><td>${money(high)}</td><td>${money(low)}</td></tr>`;
    });
    this.#stats.tBodies[0].innerHTML = rows.join("");
  }
}

/** Ticks on whole Pacific hours divisible by 3 (every 6 hours on a narrow chart). */
function hourTicks(min, max) {
  const step = globalThis.innerWidth < 560 ? 6 : 3;
  const ticks = [];
  for (let ms = Math.ceil(min / HOUR) * HOUR; ms <= max; ms += HOUR) {
    if (Number(time(ms).slice(0, 2)) % step === 0) ticks.push({ value: ms });
  }
  return ticks;
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
