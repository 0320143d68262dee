// The alert feed, the live update feed and the battery signal card.
import { dateTime, day, hourEnding, interval, money, zoneName, zoneSpan } from "./format.js";

const MAX_ITEMS = 50;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function emptyIfNone(list, text) {
  if (list.children.length === 0) list.append(el("li", "empty", text));
}

/** Renders alerts, newest first. */
export function renderAlerts(list, alerts) {
  list.replaceChildren(
    ...alerts.slice(0, MAX_ITEMS).map((a) => {
      const li = el("li", a.event);
      li.append(
        el("span", `badge ${a.kind}`, `${a.kind} ${a.event}`),
        el("span", "text", `${a.zone.toUpperCase()} ${a.market} ${money(a.price)}`),
        el("span", "time", dateTime(a.timestamp)),
      );
      li.title = a.message;
      return li;
    }),
  );
  emptyIfNone(list, "No alerts yet");
}

/** Puts one update at the top of the live feed. */
export function addUpdate(list, update) {
  list.querySelector(".empty")?.remove();
  const li = el("li");
  const minutes = { RT: 5, FMM: 15, DA: 60 }[update.market] ?? 5;
  const what = update.revised && update.previous_price !== null
    ? `${money(update.price)} (revised from ${money(update.previous_price)})`
    : money(update.price);
  li.append(
    el("span", `badge ${update.market}`, update.market),
    el("span", "price", `${update.zone.toUpperCase()} ${what}`),
    el("span", "time", interval(update.timestamp, minutes)),
  );
  list.prepend(li);
  while (list.children.length > MAX_ITEMS) list.lastElementChild.remove();
}

/** Empties the live feed (on a zone change). */
export function clearUpdates(list) {
  list.replaceChildren(el("li", "empty", "Waiting for the next interval…"));
}

/** The signal in force at `nowMs` (the last one starting at or before it). */
function signalAt(signals, nowMs) {
  let found = null;
  for (const s of signals) if (Date.parse(s.interval_start) <= nowMs) found = s;
  return found;
}

/** Renders the current real-time signal and the day-ahead hourly plan. */
export function renderSignals(card, rtSignals, daSignals, nowMs) {
  const now = signalAt(rtSignals, nowMs) ?? signalAt(daSignals, nowMs);
  const box = card.querySelector("#signal-now");
  box.className = `signal-now ${now?.action ?? "hold"}`;
  box.querySelector(".action").textContent = now ? now.action : "—";
  box.querySelector(".reason").textContent = now
    ? `${
      interval(now.interval_start, (Date.parse(now.interval_end) - Date.parse(now.interval_start)) / 60_000)
    } · ${now.reason}`
    : "No prices for today yet";
  const plan = card.querySelector("#plan");
  plan.replaceChildren(
    ...daSignals.map((s) => {
      const start = Date.parse(s.interval_start);
      const he = `HE${hourEnding(start)}`;
      const li = el("li", s.action, he);
      if (start <= nowMs && nowMs < Date.parse(s.interval_end)) li.classList.add("now");
      li.title = `${he} (${interval(s.interval_start, 60)} ${zoneName(start)}) ${s.action} at ${
        money(s.price)
      }: ${s.reason}`;
      return li;
    }),
  );
  // Hour ending, as OASIS labels it: HE1 is 00:00–01:00 Pacific; HE25 is the repeated hour of the fall-back day.
  card.querySelector("#plan-date").textContent = daSignals.length
    ? `${day(daSignals[0].interval_start)} · hour ending (HE), ${
      zoneSpan(daSignals[0].interval_start, daSignals.at(-1).interval_start)
    }`
    : "";
}
