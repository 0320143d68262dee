// The battery's optimal schedule for one zone and day (the `schedule` of `GET /api/arbitrage`), drawn with
// Chart.js (served by the project, `globalThis.Chart`): charge (green, below zero) and discharge (orange)
// bars in MW and the state of charge in MWh on the right axis, over the day-ahead price on the left axis,
// one slot per hour labelled hour ending (HE1–HE24, HE25 on the fall-back day).
import { hourEnding, interval, money, zoneName } from "./format.js";
import { css } from "./price_chart.js";

// Dataset colours: the theme's custom properties, read at every draw (the theme may change).
const COLOURS = ["--green", "--orange", "--text", "--da"];

const bars = (label) => ({
  type: "bar",
  label,
  data: [],
  yAxisID: "mw",
  grouped: false,
  barPercentage: 0.8,
  categoryPercentage: 1,
  order: 2,
});

export class BatteryChart {
  #chart;
  #rows = [];

  /** A chart on `canvas`, empty until `draw()`. */
  constructor(canvas) {
    this.#chart = new globalThis.Chart(canvas, {
      data: {
        labels: [],
        datasets: [
          bars("Charge (MW)"),
          bars("Discharge (MW)"),
          {
            type: "line",
            label: "State of charge (MWh)",
            data: [],
            yAxisID: "mw",
            borderWidth: 1.5,
            pointRadius: 0,
            order: 1,
          },
          {
            type: "line",
            label: "DA price ($/MWh)",
            data: [],
            yAxisID: "price",
            borderWidth: 2,
            stepped: "middle",
            pointRadius: 0,
            order: 0,
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 6 } },
          price: {
            position: "left",
            grid: {},
            ticks: { callback: (v) => (v < 0 ? `−$${-v}` : `$${v}`) },
          },
          mw: {
            position: "right",
            grid: { display: false },
            ticks: {},
            title: { display: true, text: "MW · MWh" },
          },
        },
        plugins: {
          legend: { labels: { boxWidth: 10, boxHeight: 3, padding: 10 } },
          tooltip: {
            callbacks: {
              title: (items) => this.#title(items[0]?.dataIndex),
              label: (item) => this.#line(item),
            },
          },
        },
      },
    });
  }

  /** Draws `schedule` (rows of `GET /api/arbitrage`: `interval_start`, `mw`, `soc_mwh`, `price`). */
  draw(schedule) {
    this.#rows = schedule;
    const data = this.#chart.data;
    data.labels = schedule.map((r) => `HE${hourEnding(r.interval_start)}`);
    data.datasets[0].data = schedule.map((r) => (r.mw < 0 ? r.mw : null));
    data.datasets[1].data = schedule.map((r) => (r.mw > 0 ? r.mw : null));
    data.datasets[2].data = schedule.map((r) => r.soc_mwh);
    data.datasets[3].data = schedule.map((r) => r.price);
    this.redraw();
  }

  /** Draws again in the theme's colours (after a `themechange`). */
  redraw() {
    const chart = this.#chart;
    chart.data.datasets.forEach((set, i) => (set.borderColor = set.backgroundColor = css(COLOURS[i])));
    chart.options.scales.price.grid.color = css("--grid");
    for (const axis of ["x", "price", "mw"]) {
      chart.options.scales[axis].ticks.color = css("--muted");
    }
    chart.options.scales.mw.title.color = css("--muted");
    chart.options.plugins.legend.labels.color = css("--muted");
    chart.update();
  }

  #title(index) {
    const row = this.#rows[index];
    if (!row) return "";
    return `HE${hourEnding(row.interval_start)} · ${interval(row.interval_start, 60)} ${
      zoneName(row.interval_start)
    }`;
  }

  #line(item) {
    const v = item.raw;
    if (v === null || v === undefined) return null;
    if (item.datasetIndex === 3) return `DA price ${money(v)}/MWh`;
    if (item.datasetIndex === 2) return `State of charge ${v.toFixed(2)} MWh`;
    return `${item.datasetIndex === 0 ? "Charge" : "Discharge"} ${Math.abs(v).toFixed(2)} MW`;
  }
}
