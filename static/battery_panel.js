// The battery panel: the battery's inputs (kept in the URL query and restored on load), the optimal
// day-ahead schedule of the selected zone and day (`GET /api/arbitrage`, drawn by battery_chart.js) and
// every zone's figures (`GET /api/arbitrage/summary`, arbitrage_panel.js). An answer the API refuses with a
// 400 naming a battery parameter is shown beside that input; the panel keeps its last figures meanwhile.
import { dollars, el, loadSummary, previousDate, shortDate, summaryTables } from "./arbitrage_panel.js";
import { BatteryChart } from "./battery_chart.js";
import { createBatteryForm } from "./battery_form.js";
import { paramsFromQuery, queryWithParams } from "./battery_params.js";
import { zoneName, zoneSpan } from "./format.js";

const DAYS = [["yesterday", "Yesterday"], ["today", "Today"], ["tomorrow", "Tomorrow"]];

/** The operating date after `date`. */
function nextDate(date) {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** What an API error says: its JSON `error` when it has one. */
const messageOf = (e) => e?.body?.error ?? (e instanceof Error ? e.message : String(e));

/**
 * Starts the panel in `element`; `fetchJson(url)` throws an error with `status` and `body` on a non-2xx
 * answer. Returns `{ setZone, refresh }`.
 * @param {{ element: HTMLElement, fetchJson: (url: string) => Promise<any>, zone: string }} options
 */
export function startBatteryPanel({ element, fetchJson, zone }) {
  const doc = element.ownerDocument;
  // `known`: per day, the zones the last summaries have day-ahead prices for.
  const state = {
    known: {},
    zone,
    day: "today",
    today: null,
    params: paramsFromQuery(new URLSearchParams(location.search)),
  };
  let seq = 0; // of the figures: an older answer never replaces a newer one
  let scheduleSeq = 0; // of the schedule alone (a day or zone change)

  const about = el(doc, "p", "", "about");
  const form = createBatteryForm(doc, state.params, (params) => {
    state.params = params;
    const query = queryWithParams(new URLSearchParams(location.search), params);
    history.replaceState(null, "", `${location.pathname}${query.size ? `?${query}` : ""}`);
    void refresh();
  });
  const problem = el(doc, "p", "", "battery-problem");
  problem.setAttribute("role", "status");
  const days = el(doc, "div", undefined, "range battery-days");
  days.setAttribute("role", "group");
  days.setAttribute("aria-label", "Day of the schedule");
  for (const [key, label] of DAYS) {
    const button = el(doc, "button", label);
    button.type = "button";
    button.dataset.day = key;
    button.addEventListener("click", () => {
      state.day = key;
      void loadSchedule();
    });
    days.append(button);
  }
  const scheduleTitle = el(doc, "h3", "Optimal schedule", "schedule-title");
  const box = el(doc, "div", undefined, "battery-chart-box");
  const canvas = el(doc, "canvas");
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", "Optimal battery schedule over the day-ahead prices");
  box.append(canvas);
  const scheduleNote = el(doc, "p", "", "schedule-note");
  const summary = el(doc, "div", undefined, "battery-summary");
  const head = el(doc, "div", undefined, "battery-schedule-head");
  head.append(scheduleTitle, days);
  element.replaceChildren(
    el(doc, "h2", "Battery arbitrage"),
    about,
    form.element,
    problem,
    head,
    box,
    scheduleNote,
    summary,
  );
  const chart = new BatteryChart(canvas);
  addEventListener("themechange", () => chart.redraw());

  /** Shows a failed request: beside the input it names, else under the inputs. */
  function showFailure(e) {
    const param = e?.status === 400 ? e.body?.parameter : undefined;
    if (param && form.showError(param, messageOf(e))) return;
    problem.textContent = `Battery figures unavailable: ${messageOf(e)}`;
  }

  function dateOfDay() {
    if (!state.today || state.day === "today") return state.today;
    return state.day === "yesterday" ? previousDate(state.today) : nextDate(state.today);
  }

  function noPrices(date) {
    chart.draw([]);
    scheduleNote.textContent = `No day-ahead prices for ${state.zone.toUpperCase()} on ${
      date ? shortDate(date) : "this day"
    } yet`;
  }

  async function loadSchedule() {
    const mine = ++scheduleSeq;
    for (const b of days.querySelectorAll("button")) {
      b.setAttribute("aria-pressed", String(b.dataset.day === state.day));
    }
    const date = dateOfDay();
    const search = new URLSearchParams({ zone: state.zone, market: "da" });
    if (date) search.set("date", date);
    for (const [k, v] of Object.entries(state.params)) search.set(k, String(v));
    scheduleTitle.textContent = `Optimal DA schedule · ${state.zone.toUpperCase()} · ${
      date ? shortDate(date) : "today"
    }`;
    const known = state.known[state.day];
    if (known && !known.has(state.zone)) return noPrices(date); // the summary says so: no 404 to ask for
    let body;
    try {
      body = await fetchJson(`/api/arbitrage?${search}`);
    } catch (e) {
      if (mine !== scheduleSeq) return;
      if (e?.status === 404) return noPrices(date);
      chart.draw([]);
      scheduleNote.textContent = `Schedule unavailable: ${messageOf(e)}`;
      if (e?.status === 400) showFailure(e);
      return;
    }
    if (mine !== scheduleSeq) return;
    chart.draw(body.schedule);
    const rows = body.schedule;
    const zones = rows.length ? ` ${zoneSpan(rows[0].interval_start, rows.at(-1).interval_start)}` : "";
    scheduleNote.textContent = `${dollars(body.value_usd)} · charges ${body.charged_mwh.toFixed(1)} MWh, ` +
      `discharges ${body.discharged_mwh.toFixed(1)} MWh, ${body.cycles.toFixed(2)} cycles · ` +
      `${body.hours} hours, HE1–HE${body.hours === 25 ? 25 : 24}${zones}`;
  }

  /** Reads every figure again for the current battery, zone and day. */
  async function refresh() {
    const mine = ++seq;
    const schedule = state.today ? loadSchedule() : null;
    let loaded;
    try {
      loaded = await loadSummary(fetchJson, state.params);
    } catch (e) {
      if (mine === seq) showFailure(e);
      return;
    }
    if (mine !== seq) return;
    problem.textContent = "";
    const { today, yesterday } = loaded;
    const b = today.battery ?? {};
    about.textContent =
      `${b.discharge_mw} MW / ${b.energy_mwh} MWh, ${Math.round(b.rte * 100)} % round trip, ` +
      `${b.cycles} cycle(s) a day · Pacific days, times in ${zoneName(today.generated_at ?? Date.now())}` +
      (today.stale ? " · some prices are stale" : "");
    summary.replaceChildren(...summaryTables(doc, today, yesterday));
    const withPrices = (s) => new Set((s.zones ?? []).filter((z) => z.da).map((z) => z.zone));
    state.known = { today: withPrices(today), yesterday: withPrices(yesterday) };
    const first = !state.today;
    state.today = today.date;
    await (first ? loadSchedule() : schedule);
  }

  void refresh();
  return {
    refresh,
    /** Shows the schedule of `zone`. */
    setZone(next) {
      if (next === state.zone) return;
      state.zone = next;
      void loadSchedule();
    },
  };
}
