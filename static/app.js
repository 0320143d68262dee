// The dashboard: one WebSocket (a snapshot, then updates and alerts) drives the tiles, the
// chart (chart_panel.js: its ranges, zoom and CSV download) and the feeds; battery signals come from the REST API. Times shown are the server's
// (its clock is learnt from every message), so ages are right even when this machine's clock is not.
// Estimates of a missing RT price come from the server only (the snapshot, then `GET /api/current` when the
// clock passes the next interval without a real price); a real RT update removes one at once.
import { addUpdate, clearUpdates, renderSignals } from "./feeds.js";
import { AlertPanel } from "./alert_panel.js";
import { money, zoneName } from "./format.js";
import { LiveSocket } from "./live_socket.js";
import { MarketFreshness } from "./market_freshness.js";
import { ChartPanel } from "./chart_panel.js";
import { renderBanner as showBanner, renderStatus as showStatus } from "./status_banner.js";
import { renderTiles } from "./tiles.js";
import { startBatteryPanel } from "./battery_panel.js";
import { startMarketPanels } from "./market_panels.js";

const HOUR = 3_600_000;
const RT_INTERVAL = 300_000;
const params = new URLSearchParams(location.search);
const token = params.get("token") ?? sessionStorage.getItem("oasis-stream-token");
if (params.has("token")) {
  // Keep the token for this tab, out of the address bar.
  sessionStorage.setItem("oasis-stream-token", params.get("token"));
  params.delete("token");
  history.replaceState(null, "", `${location.pathname}${params.size ? `?${params}` : ""}`);
}

const state = {
  zone: params.get("zone") ?? localStorage.getItem("oasis-stream-zone") ?? "sp15",
  zones: [],
  current: null,
  series: { RT: new Map(), FMM: new Map(), DA: new Map() },
  alerts: [],
  thresholds: { high: 100, negative: 0, spread: 50 },
  staleAfterS: 900,
  estimateAfterS: 120,
  offsetMs: 0,
  connection: "connecting",
  retryInMs: 0,
  retryAt: 0,
  authError: false,
  signals: { rt: [], da: [] },
};

const $ = (id) => document.getElementById(id);
const serverNow = () => Date.now() + state.offsetMs;
const setServerTime = (iso) => {
  const ms = Date.parse(iso);
  if (Number.isFinite(ms)) state.offsetMs = ms - Date.now();
};
const zoneLabel = (zone) => zone.toUpperCase();

const chart = new ChartPanel({
  state,
  api: (path) => api(path),
  serverNow,
  range: params.get("range") ?? localStorage.getItem("oasis-stream-range"),
});
// The interval whose estimate was last asked of the server (at most once per interval).
let estimateAsked = NaN;

async function api(path) {
  const res = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (res.status === 401) {
    state.authError = true;
    renderBanner();
    throw new Error("This server needs an API token");
  }
  state.authError = false;
  if (!res.ok) {
    // The status and the JSON body (`{ error, parameter }`) let a panel show a 400 beside its input.
    const body = await res.json().catch(() => null);
    throw Object.assign(new Error(body?.error ?? `${path} answered ${res.status}`), {
      status: res.status,
      body,
    });
  }
  return await res.json();
}

const alertPanel = new AlertPanel($("alerts"), token);
const freshness = new MarketFreshness({ fetchJson: api, onChange: () => renderStatus() });

async function prepare() {
  const body = await api("/api/current");
  setServerTime(body.generated_at);
  state.zones = body.zones.map((z) => z.zone);
  if (!state.zones.includes(state.zone)) state.zone = state.zones.includes("sp15") ? "sp15" : state.zones[0];
  freshness.show(state.zone, body.zones.find((z) => z.zone === state.zone)?.markets);
  renderZones();
  const query = new URLSearchParams({ zones: state.zone });
  if (token) query.set("token", token);
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws?${query}`;
}

const socket = new LiveSocket({
  prepare,
  onMessage,
  onStatus(status, detail) {
    state.connection = status;
    state.retryInMs = detail?.retryInMs ?? 0;
    state.retryAt = Date.now() + state.retryInMs;
    renderStatus();
    renderBanner();
  },
});

function onMessage(m) {
  if (m.server_time) setServerTime(m.server_time);
  switch (m.type) {
    case "snapshot":
      return applySnapshot(m);
    case "update":
      if (m.update.zone !== state.zone) return;
      applyUpdate(m.update);
      freshness.updated(m.update.market);
      markets?.updated(m.update);
      addUpdate($("updates"), m.update);
      renderTiles(state.current, serverNow(), state.thresholds, state.staleAfterS);
      renderBanner();
      scheduleSignals();
      return chart.schedule();
    case "alert":
      return alertPanel.add(m.alert);
    case "error":
      return console.warn("server:", m.error);
  }
}

function applySnapshot(m) {
  state.zones = [...m.zones];
  state.thresholds = m.thresholds;
  state.staleAfterS = m.stale_after_s;
  state.estimateAfterS = m.estimate_after_s ?? state.estimateAfterS;
  socket.setHeartbeat(m.heartbeat_s);
  const zone = m.subscribed === "*" ? state.zone : m.subscribed[0];
  if (zone !== state.zone) return; // an answer to an older subscription
  state.current = m.current.find((c) => c.zone === zone) ?? null;
  const history = m.history[zone] ?? { RT: [], FMM: [], DA: [] };
  for (const market of ["RT", "FMM", "DA"]) {
    state.series[market] = new Map(history[market].map((p) => [p.ms, p.price]));
  }
  state.alerts = [...m.alerts];
  battery?.setZone(state.zone); // the zone the server confirmed (a URL's unknown zone was replaced)
  markets?.setZone(state.zone);
  estimateAsked = NaN; // the snapshot's estimate may be older than the interval due now
  renderZones();
  renderLegend();
  renderTiles(state.current, serverNow(), state.thresholds, state.staleAfterS);
  alertPanel.setZones(state.zones);
  alertPanel.setAlerts(state.alerts);
  renderBanner();
  chart.snapshot();
  void loadSignals();
}

const hourOf = (ms) => Math.floor(ms / HOUR) * HOUR;

// Current prices follow from the updates as the store derives them: the newest RT and FMM price, the DA
// price of the hour containing now, and the spread of the RT price against the DA price of its own hour.
function applyUpdate(u) {
  state.series[u.market]?.set(u.ms, u.price);
  const c = { ...(state.current ?? { zone: state.zone, store_stale: false }) };
  const key = { RT: "rt", FMM: "fmm" }[u.market];
  if (key && !(Date.parse(c[`${key}_timestamp`]) > u.ms)) {
    c[`${key}_price`] = u.price;
    c[`${key}_timestamp`] = u.timestamp;
  }
  // A real price for the estimated interval (or a newer one) replaces the estimate.
  if (u.market === "RT" && c.estimate && u.ms >= Date.parse(c.estimate.interval_start)) c.estimate = null;
  state.current = withDayAhead(c);
}

// The newest interval that should have a real price by now (src/live/estimate.ts: estimateTarget).
const estimateTarget = (nowMs) =>
  Math.floor((nowMs - state.estimateAfterS * 1000 - RT_INTERVAL) / RT_INTERVAL) * RT_INTERVAL;

// When the clock passes an interval without its real price, asks the server for the estimate once.
async function refreshEstimate() {
  const c = state.current;
  if (!c || state.connection !== "live") return;
  const target = estimateTarget(serverNow());
  if (Date.parse(c.rt_timestamp) >= target) return;
  if (c.estimate && Date.parse(c.estimate.interval_start) === target) return;
  if (estimateAsked === target) return;
  estimateAsked = target;
  const zone = state.zone;
  let estimate;
  try {
    const body = await api(`/api/current?zone=${encodeURIComponent(zone)}`);
    estimate = body.zones.find((z) => z.zone === zone)?.estimate ?? null;
  } catch {
    return;
  }
  const now = state.current;
  if (zone !== state.zone || !now) return;
  // A real price that arrived during the request wins.
  if (estimate && Date.parse(now.rt_timestamp) >= Date.parse(estimate.interval_start)) return;
  state.current = { ...now, estimate };
  renderTiles(state.current, serverNow(), state.thresholds, state.staleAfterS);
}

function withDayAhead(c) {
  if (!c) return c;
  const hour = hourOf(serverNow());
  const da = state.series.DA.get(hour);
  const rtMs = Date.parse(c.rt_timestamp);
  const daOfRt = Number.isFinite(rtMs) ? state.series.DA.get(hourOf(rtMs)) : undefined;
  return {
    ...c,
    da_price: da ?? null,
    da_timestamp: da === undefined ? null : new Date(hour).toISOString().replace(".000Z", "Z"),
    spread: c.rt_price !== null && c.rt_price !== undefined && daOfRt !== undefined
      ? Math.round((c.rt_price - daOfRt) * 1e6) / 1e6
      : null,
  };
}

let signalsTimer = 0;
function scheduleSignals() {
  clearTimeout(signalsTimer);
  signalsTimer = setTimeout(() => void loadSignals(), 300);
}

async function loadSignals() {
  const zone = state.zone;
  try {
    const [rt, da] = await Promise.all([
      api(`/api/signals?zone=${encodeURIComponent(zone)}&type=rt`),
      api(`/api/signals?zone=${encodeURIComponent(zone)}&type=da`),
    ]);
    if (zone !== state.zone) return;
    state.signals = { rt: rt.signals, da: da.signals };
  } catch {
    state.signals = { rt: [], da: [] };
  }
  renderSignals(document.querySelector(".signals-card"), state.signals.rt, state.signals.da, serverNow());
}

function renderZones() {
  const select = $("zone");
  const zones = state.zones.length ? state.zones : [state.zone];
  if (select.dataset.zones !== zones.join(",")) {
    select.replaceChildren(...zones.map((z) => new Option(zoneLabel(z), z)));
    select.dataset.zones = zones.join(",");
  }
  select.value = state.zone;
}

function renderLegend() {
  const legend = $("legend");
  legend.querySelector(".low").textContent = `below ${money(state.thresholds.negative)}`;
  legend.querySelector(".high").textContent = `above ${money(state.thresholds.high)}`;
  legend.querySelector(".legend-note").textContent = `$/MWh · times in Pacific (${zoneName(serverNow())})`;
}

const renderStatus = () => showStatus($("status"), state, freshness);
const renderBanner = () => showBanner($("banner"), state, serverNow(), zoneLabel(state.zone));

$("zone").addEventListener("change", (e) => {
  state.zone = e.target.value;
  localStorage.setItem("oasis-stream-zone", state.zone);
  const p = new URLSearchParams(location.search);
  p.set("zone", state.zone);
  history.replaceState(null, "", `${location.pathname}?${p}`);
  state.current = null;
  freshness.show(state.zone, null);
  for (const market of Object.keys(state.series)) state.series[market] = new Map();
  clearUpdates($("updates"));
  renderTiles(null, serverNow(), state.thresholds, state.staleAfterS);
  chart.draw();
  battery?.setZone(state.zone);
  markets?.setZone(state.zone);
  socket.send({ type: "subscribe", zones: [state.zone] });
});

// Ages, staleness and the reconnect countdown move with the clock; the chart window slides every minute.
setInterval(() => {
  state.current = withDayAhead(state.current);
  renderTiles(state.current, serverNow(), state.thresholds, state.staleAfterS);
  renderBanner();
  if (state.connection === "lost") renderStatus();
  void refreshEstimate();
}, 1000);
setInterval(() => chart.draw(), 60_000);

socket.start();

// Battery panel: inputs, the optimal schedule of this zone, every zone's value; re-read every 5 minutes.
const batteryElement = document.getElementById("arbitrage-panel");
const battery = batteryElement
  ? startBatteryPanel({ element: batteryElement, fetchJson: api, zone: state.zone })
  : null;
if (battery) setInterval(() => void battery.refresh(), 5 * 60_000);

// Market details under the chart: LMP components, ancillary services, CRR clearing prices.
const markets = startMarketPanels({ api, serverNow });
