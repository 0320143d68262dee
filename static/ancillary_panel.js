// Ancillary-service clearing prices of today's operating day (`GET /api/ancillary`): day-ahead hourly or
// real-time 15-minute, for one region at a time (a select lists every region kept), as a chart of every AS
// type and a table of each type's price now, day average and high. Without prices kept for the day, it says
// so instead of drawing an empty chart.
import { AncillaryChart } from "./ancillary_chart.js";
import { day, interval, money } from "./format.js";

const PRODUCTS = {
  RU: "Regulation up",
  RD: "Regulation down",
  RMU: "Mileage up",
  RMD: "Mileage down",
  SR: "Spinning reserve",
  NR: "Non-spinning reserve",
};
const MARKETS = {
  dam: { label: "day-ahead", minutes: 60 },
  rtm: { label: "real-time 15-minute", minutes: 15 },
};

export class AncillaryPanel {
  #api;
  #el;
  #serverNow;
  #chart;
  #market = "dam";
  #region = null;
  #body = null;
  #request = 0;

  /** `elements`: the `ancillary*` elements of index.html; `api(path)` answers JSON. */
  constructor({ api, serverNow, elements }) {
    this.#api = api;
    this.#el = elements;
    this.#serverNow = serverNow;
    this.#chart = new AncillaryChart(elements.canvas);
    addEventListener("themechange", () => this.#chart.redraw());
    for (const button of elements.markets) {
      button.addEventListener("click", () => {
        this.#market = button.dataset.asMarket;
        for (const b of elements.markets) b.setAttribute("aria-pressed", String(b === button));
        void this.load();
      });
    }
    elements.region.addEventListener("change", () => {
      this.#region = elements.region.value;
      this.#render();
    });
  }

  /** Reads today's prices of the market shown. */
  async load() {
    const request = ++this.#request;
    try {
      const body = await this.#api(`/api/ancillary?market=${this.#market}`);
      if (request !== this.#request) return;
      this.#body = body;
      this.#render();
    } catch (e) {
      if (request !== this.#request) return;
      this.#body = null;
      this.#empty(`Ancillary-service prices unavailable: ${e.message}`);
    }
  }

  #render() {
    const body = this.#body;
    if (body === null) return;
    const { label, minutes } = MARKETS[this.#market];
    this.#el.date.textContent = `· ${day(`${body.date}T12:00:00Z`)}`;
    const regions = [...new Set(body.series.map((s) => s.region))];
    if (regions.length === 0) {
      return this.#empty(`No ${label} AS prices kept for ${body.date} yet.`);
    }
    if (!regions.includes(this.#region)) {
      this.#region = regions.includes("AS_CAISO_EXP") ? "AS_CAISO_EXP" : regions[0];
    }
    this.#el.region.replaceChildren(...regions.map((r) => new Option(r, r, false, r === this.#region)));
    this.#el.region.disabled = false;
    const series = body.series.filter((s) => s.region === this.#region);
    const now = this.#serverNow();
    const current = series.flatMap((s) => s.points).filter((p) => Date.parse(p.timestamp) <= now).at(-1);
    this.#el.when.textContent = `${this.#region} · ${label} clearing prices, $/MW` +
      (current ? ` · now: ${interval(current.timestamp, minutes)}` : "");
    this.#el.box.hidden = false;
    this.#chart.draw(series, minutes === 60);
    this.#el.canvas.setAttribute(
      "aria-label",
      `${label} AS prices of ${this.#region}, ${series.length} types`,
    );
    this.#el.table.tBodies[0].replaceChildren(...series.map((s) => row(s, now)));
    this.#el.table.hidden = false;
  }

  #empty(text) {
    this.#el.when.textContent = text;
    this.#el.region.replaceChildren();
    this.#el.region.disabled = true;
    this.#el.box.hidden = true;
    this.#chart.draw([], true);
    this.#el.table.hidden = true;
    this.#el.table.tBodies[0].replaceChildren();
  }
}

/** One AS type: its price in the interval containing `now` (else the newest before), day average, high. */
function row(series, now) {
  const prices = series.points.map((p) => p.price);
  const current = series.points.filter((p) => Date.parse(p.timestamp) <= now).at(-1);
  const avg = prices.reduce((a, b) => a + b, 0) / prices.length;
  const tr = document.createElement("tr");
  const th = document.createElement("th");
  th.scope = "row";
  th.textContent = `${series.type} `;
  const name = document.createElement("span");
  name.className = "muted";
  name.textContent = PRODUCTS[series.type] ?? "";
  th.append(name);
  tr.append(th);
  for (const v of [current?.price, avg, Math.max(...prices)]) {
    const td = document.createElement("td");
    td.textContent = money(v);
    tr.append(td);
  }
  return tr;
}
