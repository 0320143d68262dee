// The connection pill and the banner above the tiles: connected or reconnecting (with its countdown),
// markets without data or with old data, an unreachable store, stale prices, a needed API token.
import { age, interval } from "./format.js";

/** The pill: Live (naming a market that lacks data), Connecting… or the reconnect countdown. */
export function renderStatus(el, state, freshness) {
  // Connected, but not all is well while a market has no data or old data: the pill says which.
  const lacking = state.connection === "live" ? freshness.describe() : null;
  el.className = `status ${state.connection}${lacking ? " degraded" : ""}`;
  el.title = lacking?.title ?? "";
  if (lacking) el.textContent = `Live · ${lacking.text}`;
  else if (state.connection === "live") el.textContent = "Live";
  else if (state.connection === "connecting") el.textContent = "Connecting…";
  else el.textContent = `Reconnecting in ${Math.max(1, Math.ceil((state.retryAt - Date.now()) / 1000))} s`;
}

/** The banner: the worst of token needed, connection lost, store unreachable, no or stale RT price. */
export function renderBanner(banner, state, nowMs, zoneLabel) {
  let text = "";
  let lost = false;
  const c = state.current;
  const rtAge = c?.rt_timestamp ? nowMs - Date.parse(c.rt_timestamp) : NaN;
  if (state.authError) {
    text = "This server needs an API token: open the dashboard as /?token=YOUR_TOKEN.";
    lost = true;
  } else if (state.connection === "lost") {
    const s = Math.max(1, Math.ceil((state.retryAt - Date.now()) / 1000));
    text = `Connection lost: prices may be out of date. Reconnecting in ${s} s…`;
    lost = true;
  } else if (c?.store_stale) {
    text = "The price store is unreachable: showing its last known values.";
  } else if (c && !c.rt_timestamp) {
    text = `No real-time price for ${zoneLabel} yet.`;
  } else if (c && rtAge > state.staleAfterS * 1000) {
    text = `Data is stale: the newest real-time price is for ${interval(c.rt_timestamp, 5)} ` +
      `(${age(rtAge)}; limit ${Math.round(state.staleAfterS / 60)} min).`;
  }
  banner.hidden = text === "";
  banner.textContent = text;
  banner.classList.toggle("lost", lost);
}
