/** The dashboard's arbitrage panel (`static/arbitrage_panel.js`) on a minimal fake DOM and a fake `fetchJson`. */
import assert from "node:assert/strict";
import { renderArbitragePanel } from "../../static/arbitrage_panel.js";

/** Just enough of the DOM for the panel: elements with children, text, class and dataset. */
class FakeElement {
  readonly children: FakeElement[] = [];
  readonly dataset: Record<string, string> = {};
  className = "";
  #text = "";
  constructor(readonly tagName: string, readonly ownerDocument: FakeDocument) {}
  get textContent(): string {
    return this.#text + this.children.map((c) => c.textContent).join(" ");
  }
  set textContent(text: string) {
    this.#text = text;
    this.children.length = 0;
  }
  append(...nodes: FakeElement[]) {
    this.children.push(...nodes);
  }
  replaceChildren(...nodes: FakeElement[]) {
    this.#text = "";
    this.children.splice(0, this.children.length, ...nodes);
  }
  all(tag: string): FakeElement[] {
    return this.children.flatMap((c) => [...(c.tagName === tag ? [c] : []), ...c.all(tag)]);
  }
}

class FakeDocument {
  createElement(tag: string) {
    return new FakeElement(tag.toUpperCase(), this);
  }
}

const zone = (name: string, da: number, live: number | null) => ({
  zone: name,
  da: { value_usd: da, value_usd_per_mw_day: da },
  rt: { value_usd: da + 10, value_usd_per_mw_day: da + 10 },
  tb4: { da: { n: 4, spread: 61.234, adjusted: 40 }, rt: null },
  capture: [{ strategy: "tb4_da", value_usd: 1, capture_rate: 0.873 }, {
    strategy: "follow_da",
    value_usd: 1,
    capture_rate: 0.5,
  }],
  live: live === null ? null : { remaining_value_usd: live },
});

const summary = (date: string, live: boolean) => ({
  date,
  stale: false,
  strategy_hours: 4,
  battery: { discharge_mw: 1, energy_mwh: 4, rte: 0.85, cycles: 1 },
  zones: [
    zone("np15", date === "2026-07-01" ? 120 : 300, live ? 45.6 : null),
    zone("sp15", 1234.5, live ? 0 : null),
  ],
});

Deno.test("renderArbitragePanel() shows yesterday's and today's values, TB4, capture and live value per zone", async () => {
  const urls: string[] = [];
  const element = new FakeDocument().createElement("section");
  const fetchJson = (url: string) => {
    urls.push(url);
    return Promise.resolve(
      url.includes("date=2026-06-30") ? summary("2026-06-30", false) : summary("2026-07-01", true),
    );
  };
  const panel = await renderArbitragePanel(element as never, { fetchJson, params: { energy_mwh: 4 } });
  assert.deepEqual(urls, [
    "/api/arbitrage/summary?energy_mwh=4",
    "/api/arbitrage/summary?energy_mwh=4&date=2026-06-30",
  ]);
  const rows = element.all("TR").slice(1);
  assert.deepEqual(rows.map((r) => r.dataset.zone), ["np15", "sp15"]);
  const np15 = rows[0]!.children.map((c) => c.textContent);
  assert.deepEqual(np15, [
    "np15",
    "$300 DA · $310 RT",
    "$120 DA · $130 RT",
    "$61.23/MWh",
    "87 % · 50 %",
    "$46",
  ]);
  assert.match(element.textContent, /1 MW \/ 4 MWh, round trip 85 %/);
  await panel.refresh();
  assert.equal(urls.length, 4);
});

Deno.test("renderArbitragePanel() says why when the API cannot be read", async () => {
  const element = new FakeDocument().createElement("section");
  await renderArbitragePanel(element as never, { fetchJson: () => Promise.reject(new Error("HTTP 503")) });
  assert.match(element.textContent, /Arbitrage unavailable: HTTP 503/);
});
