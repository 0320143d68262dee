// Per-market freshness for the status pill: the server judges it (`/api/current`'s `markets`: RT, FMM and
// DA of the polled datasets, each fresh, stale or missing); the dashboard asks for it when a zone is shown,
// every 30 s, and soon after a live update of a market that was not fresh, so "Live" is never shown while
// a market has no data or old data.
import { age, interval } from "./format.js";

const LABELS = { rt: "RT", fmm: "FMM", da: "DA" };
const MINUTES = { rt: 5, fmm: 15, da: 60 };
const REFRESH_MS = 30_000;

export class MarketFreshness {
  #fetchJson;
  #onChange;
  #zone = null;
  #markets = null;
  #soon = 0;

  constructor({ fetchJson, onChange }) {
    this.#fetchJson = fetchJson;
    this.#onChange = onChange;
    setInterval(() => void this.refresh(), REFRESH_MS);
  }

  /** Shows `zone`'s markets, as `/api/current` already answered them (`markets`), or asks for them. */
  show(zone, markets) {
    this.#zone = zone;
    this.#markets = markets ?? null;
    this.#onChange();
    if (!markets) void this.refresh();
  }

  /** A live update of `market` ("RT", "FMM", "DA"): asks again shortly when that market was not fresh. */
  updated(market) {
    const m = this.#markets?.[market.toLowerCase()];
    if (!m || m.status === "fresh") return;
    clearTimeout(this.#soon);
    this.#soon = setTimeout(() => void this.refresh(), 1000);
  }

  async refresh() {
    const zone = this.#zone;
    if (zone === null) return;
    try {
      const body = await this.#fetchJson(`/api/current?zone=${encodeURIComponent(zone)}`);
      if (zone !== this.#zone) return;
      this.#markets = body.zones.find((z) => z.zone === zone)?.markets ?? null;
    } catch {
      return; // the banner says when the server is unreachable
    }
    this.#onChange();
  }

  /** The markets that are not fresh, as pill text ("DA missing, RT stale") and a title; null if none. */
  describe() {
    const lacking = Object.entries(this.#markets ?? {}).filter(([, m]) => m.status !== "fresh");
    if (lacking.length === 0) return null;
    const label = (key) => LABELS[key] ?? key;
    return {
      text: lacking.map(([key, m]) => `${label(key)} ${m.status}`).join(", "),
      title: lacking.map(([key, m]) =>
        m.newest
          ? `${label(key)} ${m.status}: newest interval ${interval(m.newest, MINUTES[key] ?? 5)}, ${
            age(m.age_s * 1000)
          }`
          : `${label(key)}: no data`
      ).join("\n"),
    };
  }
}
