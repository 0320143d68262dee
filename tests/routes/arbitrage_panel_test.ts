/** The battery panel's per-zone tables (`static/arbitrage_panel.js`) on a minimal fake DOM and a fake `fetchJson`. */
import assert from "node:assert/strict";
import { loadSummary, summaryTables } from "../../static/arbitrage_panel.js";

/** Just enough of the DOM for the panel: elements with children, text, class and dataset. */
class FakeElement {
  readonly children: FakeElement[] = [];
  readonly dataset: Record<string, string> = {};
  readonly attributes: Record<string, string> = {};
  className = "";
  title = "";
  #text = "";
  constructor(readonly tagName: string, readonly ownerDocument: FakeDocument) {}
  get textContent(): string {
    return this.#text + this.children.map((c) => c.textContent).join(" ");
  }
  set textContent(text: string) {
    this.#text = text;
    this.children.length = 0;
  }
  setAttribute(name: string, value: string) {
    this.attributes[name] = value;
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

Deno.test("loadSummary() reads today's summary, then yesterday's, for the battery given", async () => {
  const urls: string[] = [];
  const fetchJson = (url: string) => {
    urls.push(url);
    return Promise.resolve(
      url.includes("date=2026-06-30") ? summary("2026-06-30", false) : summary("2026-07-01", true),
    );
  };
  const { today, yesterday } = await loadSummary(fetchJson, { energy_mwh: 4 });
  assert.deepEqual(urls, [
    "/api/arbitrage/summary?energy_mwh=4",
    "/api/arbitrage/summary?energy_mwh=4&date=2026-06-30",
  ]);
  assert.equal(today.date, "2026-07-01");
  assert.equal(yesterday.date, "2026-06-30");
});

Deno.test("summaryTables() shows each zone's best value, what is left, TB4 and capture under plain headers", () => {
  const doc = new FakeDocument();
  const [values, rules, legend] = summaryTables(
    doc as never,
    summary("2026-07-01", true),
    summary("2026-06-30", false),
  ) as unknown as FakeElement[];
  const cells = (t: FakeElement) => t.all("TR").map((r) => r.children.map((c) => c.textContent));
  assert.deepEqual(cells(values!), [
    ["Zone", "Yesterday", "Today", "Left today"],
    ["NP15", "$300 DA $310 RT", "$120 DA $130 RT", "$46"],
    ["SP15", "$1,235 DA $1,245 RT", "$1,235 DA $1,245 RT", "$0"],
  ]);
  assert.deepEqual(cells(rules!), [
    ["Zone", "TB4 spread", "TB4 rule", "DA plan in RT"],
    ["NP15", "$61.23", "87 %", "50 %"],
    ["SP15", "$61.23", "87 %", "50 %"],
  ]);
  // No header without an explanation; every table four columns wide.
  for (const t of [values!, rules!]) {
    const headers = t.all("TH");
    assert.equal(headers.length, 4);
    for (const th of headers) assert.ok(th.title.length > 10, `${th.textContent} explains itself`);
  }
  assert.match(values!.all("TH")[1]!.title, /^Jun 30:/);
  assert.match(legend!.textContent, /perfect foresight/);
});
