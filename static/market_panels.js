// The market-detail panels under the chart (issue 16 item 8): LMP components of the selected zone's
// interval, ancillary-service prices and CRR clearing prices, each read from the REST API. `app.js` tells
// them the zone and the live updates; AS and CRR prices are read again every minute and every hour.
import { AncillaryPanel } from "./ancillary_panel.js";
import { ComponentsPanel } from "./components_panel.js";
import { CrrPanel } from "./crr_panel.js";

/** Starts the panels when index.html has them; returns `{ setZone, updated }`, or null. */
export function startMarketPanels({ api, serverNow }) {
  const $ = (id) => document.getElementById(id);
  if ($("components") === null) return null;
  const components = new ComponentsPanel({
    api,
    elements: {
      zone: $("components-zone"),
      market: $("components-market"),
      earlier: $("components-earlier"),
      later: $("components-later"),
      newest: $("components-newest"),
      when: $("components-when"),
      table: $("components"),
    },
  });
  const ancillary = new AncillaryPanel({
    api,
    serverNow,
    elements: {
      date: $("ancillary-date"),
      markets: [...document.querySelectorAll("[data-as-market]")],
      region: $("ancillary-region"),
      when: $("ancillary-when"),
      box: document.querySelector(".market-chart-box"),
      canvas: $("ancillary-chart"),
      table: $("ancillary"),
    },
  });
  const crr = new CrrPanel({ api, elements: { when: $("crr-when"), list: $("crr") } });
  void ancillary.load();
  void crr.load();
  setInterval(() => void ancillary.load(), 60_000);
  setInterval(() => void crr.load(), 3_600_000);
  return {
    setZone(zone) {
      components.setZone(zone);
      crr.setZone(zone);
    },
    updated: (update) => components.updated(update),
  };
}
