// The four price tiles: RT, FMM, DA for the current hour and the RT − DA spread, each coloured by the
// legend's rules (green below the negative threshold, orange above the high one, red for a negative spread).
// Beside the last real RT price, the RT tile shows the server's estimate of a missing newest interval, always
// labelled with its method and never coloured like a real price. A price that arrives while the page is open
// also shows how long after its interval ended it reached the screen (OASIS's publication delay plus polling).
import { age, interval, money, signedMoney, zoneName } from "./format.js";

const TILES = {
  rt: { price: "rt_price", at: "rt_timestamp", minutes: 5 },
  fmm: { price: "fmm_price", at: "fmm_timestamp", minutes: 15 },
  da: { price: "da_price", at: "da_timestamp", minutes: 60 },
};

function setTile(id, { value, text, when, ageText, arrivedText, tone, stale, stamp }) {
  const el = document.getElementById(`tile-${id}`);
  const key = `${stamp ?? ""}|${value ?? ""}`;
  // Flash on a new price, not on the first one shown (nor after a zone change).
  if (el.dataset.key !== undefined && el.dataset.key !== "|" && el.dataset.key !== key) {
    el.classList.remove("flash");
    void el.offsetWidth; // restart the animation
    el.classList.add("flash");
  }
  el.dataset.key = key;
  el.dataset.timestamp = stamp ?? "";
  el.dataset.price = value ?? "";
  el.classList.remove("low", "high", "neg", "ok");
  if (tone) el.classList.add(tone);
  el.classList.toggle("stale", Boolean(stale));
  el.querySelector(".value").textContent = text;
  el.querySelector(".when").textContent = when;
  el.querySelector(".age").textContent = ageText;
  const arrived = el.querySelector(".arrived");
  if (arrived) arrived.textContent = arrivedText ?? "";
}

// How each estimate method is labelled: "estimate (DA price)".
const ESTIMATE_LABELS = {
  da: "DA price",
  interpolate: "interpolated",
  previous_day: "same time yesterday",
};

function renderEstimate(estimate) {
  const el = document.getElementById("rt-estimate");
  el.hidden = !estimate;
  el.dataset.method = estimate?.method ?? "";
  el.dataset.interval = estimate?.interval_start ?? "";
  if (!estimate) return;
  const label = ESTIMATE_LABELS[estimate.method] ?? estimate.method;
  el.querySelector(".estimate-value").textContent = money(estimate.value);
  el.querySelector(".estimate-label").textContent = `estimate (${label}) · ${
    interval(estimate.interval_start, 5)
  }`;
  el.title = "Not a real price: OASIS has not published this interval yet" +
    (estimate.fallback ? ". The configured method had no data, so this one was used." : ".");
}

// Per tile, the interval shown and, when it arrived while the page was open, how late (ms after its end).
const arrivals = {};

/** How late the newest interval of tile `id` reached the page, or null when it was there at load. */
function arrivalLateMs(id, at, minutes, nowMs) {
  const seen = arrivals[id];
  if (seen?.at !== at) {
    const newer = seen?.at && at && Date.parse(at) > Date.parse(seen.at);
    arrivals[id] = { at, lateMs: newer ? nowMs - Date.parse(at) - minutes * 60_000 : null };
  }
  return arrivals[id].lateMs;
}

function priceTone(price, thresholds) {
  if (price === null || price === undefined) return null;
  if (price < thresholds.negative) return "low";
  if (price > thresholds.high) return "high";
  return "ok";
}

/** Renders the tiles of `current` (a CurrentView, or null) at the server's `nowMs`. */
export function renderTiles(current, nowMs, thresholds, staleAfterS) {
  // No data (a zone change): the next prices were not "late", they are another zone's.
  if (current === null) { for (const id of Object.keys(arrivals)) delete arrivals[id]; }
  for (const [id, t] of Object.entries(TILES)) {
    const price = current?.[t.price] ?? null;
    const at = current?.[t.at] ?? null;
    // Staleness counts from the interval's start, as the server's `stale` does; the age shown counts from
    // its end (a price is published once its interval is over, so "0 s ago" means just published).
    const sinceStart = at ? nowMs - Date.parse(at) : NaN;
    const lateMs = id === "da" ? null : arrivalLateMs(id, at, t.minutes, nowMs);
    const late = lateMs < 600_000
      ? `${Math.max(0, Math.round(lateMs / 1000))} s`
      : age(lateMs).replace(/ ago$/, "");
    setTile(id, {
      value: price,
      text: money(price),
      when: at ? `${interval(at, t.minutes)} ${zoneName(at)}` : "no data",
      ageText: id === "da" || !at ? "" : age(sinceStart - t.minutes * 60_000),
      arrivedText: lateMs === null ? "" : `arrived ${late} after its end`,
      tone: priceTone(price, thresholds),
      stale: id === "rt" && (!at || sinceStart > staleAfterS * 1000),
      stamp: at,
    });
  }
  renderEstimate(current?.estimate ?? null);
  const spread = current?.spread ?? null;
  setTile("spread", {
    value: spread,
    text: signedMoney(spread),
    when: current?.rt_timestamp ? `RT ${interval(current.rt_timestamp, 5)}` : "no data",
    ageText: spread === null ? "" : "vs DA of that hour",
    tone: spread === null ? null : spread < 0 ? "neg" : "ok",
    stale: false,
    stamp: current?.rt_timestamp ?? null,
  });
}
