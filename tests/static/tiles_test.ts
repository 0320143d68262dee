/** The price tiles (`static/tiles.js`) on a minimal fake DOM: the age and how late a new price arrived. */
import assert from "node:assert/strict";

interface FakeElement {
  textContent: string;
  hidden: boolean;
  title: string;
  offsetWidth: number;
  dataset: Record<string, string>;
  classList: { add(): void; remove(): void; toggle(): void };
  querySelector(selector: string): FakeElement;
}

function fakeElement(): FakeElement {
  const children = new Map<string, FakeElement>();
  return {
    textContent: "",
    hidden: false,
    title: "",
    offsetWidth: 0,
    dataset: {},
    classList: { add() {}, remove() {}, toggle() {} },
    querySelector(selector) {
      if (!children.has(selector)) children.set(selector, fakeElement());
      return children.get(selector)!;
    },
  };
}

const elements = new Map<string, FakeElement>();
(globalThis as { document?: unknown }).document = {
  getElementById(id: string) {
    if (!elements.has(id)) elements.set(id, fakeElement());
    return elements.get(id);
  },
};
const { renderTiles } = await import("../../static/tiles.js");

const THRESHOLDS = { negative: 0, high: 100 };
const rtAge = () => {
  const tile = elements.get("tile-rt")!;
  return [tile.querySelector(".age").textContent, tile.querySelector(".arrived").textContent].join("|");
};
const at = (iso: string) => Date.parse(iso);

/** Renders an RT price of interval `stamp` at `now`; returns the tile's "age|arrived" texts. */
function show(price: number | null, stamp: string, now: string): string {
  renderTiles(price === null ? null : { rt_price: price, rt_timestamp: stamp }, at(now), THRESHOLDS, 900);
  return rtAge();
}

Deno.test("a new RT price shows how long after its interval ended it arrived; the one there at load does not", () => {
  show(null, "", "2026-12-05T18:06:00Z");
  assert.equal(
    show(40, "2026-12-05T18:00:00Z", "2026-12-05T18:06:00Z"),
    "1 min ago|",
    "there at load: only its age",
  );
  // 18:05–18:10 reaches the page at 18:11:12: 72 s after its end.
  assert.equal(
    show(41, "2026-12-05T18:05:00Z", "2026-12-05T18:11:12Z"),
    "1 min ago|arrived 72 s after its end",
  );
  assert.equal(
    show(41, "2026-12-05T18:05:00Z", "2026-12-05T18:11:20Z"),
    "1 min ago|arrived 72 s after its end",
    "kept while the same price shows",
  );
  assert.equal(show(42, "2026-12-05T18:10:00Z", "2026-12-05T18:15:08Z"), "8 s ago|arrived 8 s after its end");
  show(null, "", "2026-12-05T18:15:09Z"); // a zone change
  assert.equal(
    show(9, "2026-12-05T18:10:00Z", "2026-12-05T18:15:10Z"),
    "10 s ago|",
    "another zone's price is not an arrival",
  );
});
