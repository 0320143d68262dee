// The ancillary-service prices of one region over an operating day, one step line per AS type, drawn with
// Chart.js (served by the project, `globalThis.Chart`) in the theme's colour-blind-safe comparison colours.
import { hourEnding, money, time } from "./format.js";
import { css } from "./price_chart.js";

const COLOURS = ["--cmp-1", "--cmp-2", "--cmp-3", "--cmp-4", "--cmp-5", "--cmp-6"];

export class AncillaryChart {
  #chart;

  /** A chart on `canvas`, empty until `draw()`. */
  constructor(canvas) {
    this.#chart = new globalThis.Chart(canvas, {
      type: "line",
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 8 } },
          y: { grid: {}, ticks: { callback: (v) => money(v) }, title: { display: true, text: "$/MW" } },
        },
        plugins: {
          legend: { labels: { boxWidth: 10, boxHeight: 3, padding: 8 } },
          tooltip: { callbacks: { label: (item) => `${item.dataset.label} ${money(item.raw)}/MW` } },
        },
      },
    });
  }

  /** Draws `series` (`{ type, points }` of one region); hourly points are labelled hour ending. */
  draw(series, hourly) {
    const starts = [...new Set(series.flatMap((s) => s.points.map((p) => p.timestamp)))].sort();
    const chart = this.#chart;
    chart.data.labels = starts.map((t) => (hourly ? `HE${hourEnding(t)}` : time(t)));
    chart.data.datasets = series.map((s) => {
      const byStart = new Map(s.points.map((p) => [p.timestamp, p.price]));
      return {
        label: s.type,
        data: starts.map((t) => byStart.get(t) ?? null),
        stepped: "before",
        borderWidth: 1.75,
        pointRadius: 0,
        spanGaps: false,
      };
    });
    this.redraw();
  }

  /** Draws again in the theme's colours (after a `themechange`). */
  redraw() {
    const chart = this.#chart;
    chart.data.datasets.forEach((set, i) => (set.borderColor = set.backgroundColor = css(COLOURS[i % 6])));
    chart.options.scales.y.grid.color = css("--grid");
    for (const axis of ["x", "y"]) chart.options.scales[axis].ticks.color = css("--muted");
    chart.options.scales.y.title.color = css("--muted");
    chart.options.plugins.legend.labels.color = css("--muted");
    chart.update();
  }
}
