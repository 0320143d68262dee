// LMP components of one interval of the selected zone (`GET /api/components`): energy, congestion, loss and,
// where CAISO publishes it, GHG, beside the total LMP. The interval is the newest of the chosen market
// (following live updates) until the user steps to an earlier one. The store keeps components only in the
// zone's capped event stream, so an old interval may have none: the panel then says so.
import { day, interval, money, zoneName } from "./format.js";

const MINUTES = { rt: 5, fmm: 15, da: 60 };
const LABEL = { rt: "Real-time 5-min", fmm: "FMM 15-min", da: "Day-ahead" };
const ROWS = [
  ["energy", "Energy (MCE)"],
  ["congestion", "Congestion (MCC)"],
  ["loss", "Loss (MCL)"],
  ["ghg", "Greenhouse gas (MGHG)"],
];

export class ComponentsPanel {
  #api;
  #el;
  #zone = null;
  #market = "rt";
  /** Start (ms) of the interval asked, or null for the newest. */
  #at = null;
  /** The interval shown, as answered. */
  #shown = null;
  #request = 0;

  /** `elements`: the `components*` elements of index.html; `api(path)` answers JSON. */
  constructor({ api, elements }) {
    this.#api = api;
    this.#el = elements;
    elements.market.addEventListener("change", () => {
      this.#market = elements.market.value;
      this.#at = null;
      void this.load();
    });
    elements.earlier.addEventListener("click", () => this.#step(-1));
    elements.later.addEventListener("click", () => this.#step(1));
    elements.newest.addEventListener("click", () => {
      this.#at = null;
      void this.load();
    });
  }

  /** Shows the newest interval of `zone`. */
  setZone(zone) {
    if (zone === this.#zone) return;
    this.#zone = zone;
    this.#at = null;
    this.#el.zone.textContent = `· ${zone.toUpperCase()}`;
    void this.load();
  }

  /** A live update: reloads when it is a newer interval of the market followed. */
  updated(update) {
    const market = { RT: "rt", FMM: "fmm", DA: "da" }[update.market];
    if (update.zone !== this.#zone || market !== this.#market || this.#at !== null) return;
    if (this.#shown && Date.parse(this.#shown.timestamp) > update.ms) return;
    void this.load();
  }

  #step(direction) {
    const length = MINUTES[this.#market] * 60_000;
    const from = this.#shown ? Date.parse(this.#shown.timestamp) : this.#at;
    if (from === null || from === undefined) return;
    this.#at = from + direction * length;
    void this.load();
  }

  /** Reads and shows the interval asked. */
  async load() {
    if (this.#zone === null) return;
    const request = ++this.#request;
    const query = new URLSearchParams({ zone: this.#zone, type: this.#market });
    if (this.#at !== null) query.set("at", new Date(this.#at).toISOString());
    try {
      const body = await this.#api(`/api/components?${query}`);
      if (request === this.#request) this.#render(body);
    } catch (e) {
      if (request !== this.#request) return;
      this.#el.when.textContent = `LMP components unavailable: ${e.message}`;
      this.#el.table.tBodies[0].replaceChildren();
    }
  }

  #render(body) {
    const it = body.interval;
    const zone = this.#zone.toUpperCase();
    const tbody = this.#el.table.tBodies[0];
    this.#el.later.disabled = this.#at === null;
    if (it === null) {
      this.#shown = null;
      this.#el.table.hidden = true;
      tbody.replaceChildren();
      this.#el.when.textContent = this.#at === null
        ? `No ${LABEL[this.#market]} price for ${zone} yet.`
        : `No components kept for ${zone} at ${day(this.#at)} ${
          interval(new Date(this.#at).toISOString(), MINUTES[this.#market])
        }: only recent intervals are kept.`;
      return;
    }
    this.#shown = it;
    const when = `${day(it.timestamp)} ${interval(it.timestamp, MINUTES[this.#market])} ${
      zoneName(it.timestamp)
    }`;
    this.#el.when.textContent = `${LABEL[this.#market]} · ${when}${this.#at === null ? " (newest)" : ""}${
      it.revised ? " · revised" : ""
    }`;
    const rows = ROWS.map(([key, label]) => row(label, it.components[key], key === "ghg"));
    const total = row("Total LMP", it.price, false);
    total.classList.add("total");
    tbody.replaceChildren(...rows, total);
    this.#el.table.hidden = false;
  }
}

function row(label, value, optional) {
  const tr = document.createElement("tr");
  const th = document.createElement("th");
  th.scope = "row";
  th.textContent = label;
  const td = document.createElement("td");
  td.textContent = value === null || value === undefined ? (optional ? "not published" : "—") : money(value);
  tr.append(th, td);
  return tr;
}
