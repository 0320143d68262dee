// CRR auction clearing prices (`GET /api/crr`) at the nodes of the zones the service prices: the newest
// auction period, one table per auction with a column per time of use (on-/off-peak), the selected zone's
// row marked. The crr dataset is polled once a day; until an auction is kept the panel says so.
import { day, money } from "./format.js";

const TOU = { ON: "On-peak", OFF: "Off-peak", "24HR": "24 hours" };

export class CrrPanel {
  #api;
  #el;
  #zone = null;
  #auctions = null;

  /** `elements`: `when` and `list` (the `crr*` elements of index.html); `api(path)` answers JSON. */
  constructor({ api, elements }) {
    this.#api = api;
    this.#el = elements;
  }

  /** Marks `zone`'s row. */
  setZone(zone) {
    this.#zone = zone;
    this.#render();
  }

  /** Reads the auctions kept. */
  async load() {
    try {
      this.#auctions = (await this.#api("/api/crr")).auctions;
      this.#render();
    } catch (e) {
      this.#auctions = null;
      this.#el.when.textContent = `CRR clearing prices unavailable: ${e.message}`;
      this.#el.list.replaceChildren();
    }
  }

  #render() {
    const auctions = this.#auctions;
    if (auctions === null) return;
    if (auctions.length === 0) {
      this.#el.when.textContent = "No CRR auction results kept yet (the crr dataset is polled once a day).";
      this.#el.list.replaceChildren();
      return;
    }
    // The newest period's auctions, each with its times of use side by side.
    const newest = auctions.filter((a) => a.start === auctions[0].start);
    const order = (a) => Object.keys(TOU).indexOf(a.time_of_use) >>> 0; // unknown ones last
    const byName = Map.groupBy(
      newest.sort((a, b) => order(a) - order(b)),
      (a) => `${a.market_name}\t${a.term}`,
    );
    this.#el.when.textContent = `Auction period ${day(auctions[0].start)} – ${
      day(Date.parse(auctions[0].end) - 1)
    } · $/MW for the period`;
    this.#el.list.replaceChildren(...[...byName.values()].map((group) => this.#table(group)));
  }

  #table(group) {
    const table = document.createElement("table");
    table.className = "market-table";
    const caption = table.createCaption();
    caption.textContent = `${group[0].market_name} · ${group[0].term.toLowerCase()}`;
    const head = table.createTHead().insertRow();
    const cell = (tag, text, scope) => {
      const el = document.createElement(tag);
      el.textContent = text;
      if (scope) el.scope = scope;
      return el;
    };
    head.append(
      cell("th", "Zone", "col"),
      ...group.map((a) => cell("th", TOU[a.time_of_use] ?? a.time_of_use, "col")),
    );
    const zones = [...new Set(group.flatMap((a) => a.prices.map((p) => p.zone)))].sort();
    const body = table.createTBody();
    for (const zone of zones) {
      const tr = body.insertRow();
      const th = cell("th", zone.toUpperCase(), "row");
      if (zone === this.#zone) {
        tr.className = "selected";
        th.append(cell("span", " (selected)"));
      }
      tr.append(th);
      for (const a of group) tr.append(cell("td", money(a.prices.find((p) => p.zone === zone)?.price)));
    }
    return table;
  }
}
