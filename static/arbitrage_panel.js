// @ts-check
// The battery-arbitrage panel: per zone, yesterday's and today's perfect-foresight value (DA and RT), today's
// TB4 spread, yesterday's capture rate of the simple strategies, and the live value still available today.
// Self-contained: it reads `/api/arbitrage/summary` through the `fetchJson` it is given and builds its own DOM.

/** `$1,234`, `−$12`, or an em dash. @param {number | null | undefined} value */
function dollars(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const text = `$${Math.abs(value).toLocaleString("en-US", { maximumFractionDigits: 0 })}`;
  return value < 0 ? `−${text}` : text;
}

/** `$42.17/MWh` or an em dash. @param {number | null | undefined} value */
function perMwh(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return `${value < 0 ? "−" : ""}$${Math.abs(value).toFixed(2)}/MWh`;
}

/** `87 %` or an em dash. @param {number | null | undefined} value */
function percent(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return `${Math.round(value * 100)} %`;
}

/** The operating date before `date` (`YYYY-MM-DD`). @param {string} date */
function previousDate(date) {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) - 1)).toISOString().slice(0, 10);
}

/**
 * @param {Document} doc
 * @param {string} tag
 * @param {string} [text]
 * @param {string} [className]
 */
function el(doc, tag, text, className) {
  const node = doc.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** @param {any} value */
function pair(value) {
  return `${dollars(value?.da?.value_usd)} DA · ${dollars(value?.rt?.value_usd)} RT`;
}

/** @param {any[]} capture @param {string} prefix */
function captureOf(capture, prefix) {
  const found = (capture ?? []).find((c) => typeof c.strategy === "string" && c.strategy.startsWith(prefix));
  return found ? percent(found.capture_rate) : "—";
}

/**
 * Renders the panel into `element` and returns `{ refresh }` to re-read it (for example once a minute).
 * `params` are extra query parameters for the battery (`power_mw`, `energy_mwh`, `rte`, `soc`, …).
 * @param {HTMLElement} element
 * @param {{ fetchJson: (url: string) => Promise<any>, params?: Record<string, string | number> }} options
 */
export async function renderArbitragePanel(element, { fetchJson, params = {} }) {
  const doc = element.ownerDocument;
  const query = (/** @type {Record<string, string | number>} */ extra) => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...params, ...extra })) search.set(k, String(v));
    const text = search.toString();
    return `/api/arbitrage/summary${text ? `?${text}` : ""}`;
  };

  async function refresh() {
    let today, yesterday;
    try {
      today = await fetchJson(query({}));
      yesterday = await fetchJson(query({ date: previousDate(today.date) }));
    } catch (error) {
      element.replaceChildren(
        el(
          doc,
          "p",
          `Arbitrage unavailable: ${error instanceof Error ? error.message : String(error)}`,
          "error",
        ),
      );
      return;
    }
    const b = today.battery ?? {};
    const title = el(doc, "h2", "Battery arbitrage");
    const about = el(
      doc,
      "p",
      `${b.discharge_mw} MW / ${b.energy_mwh} MWh, round trip ${
        percent(b.rte)
      }, ${b.cycles} cycle(s)/day · ` +
        `perfect foresight for ${yesterday.date} and ${today.date} (Pacific)` +
        (today.stale ? " · store stale" : ""),
      "about",
    );
    const table = el(doc, "table", undefined, "arbitrage");
    const head = el(doc, "tr");
    for (
      const h of [
        "Zone",
        "Yesterday",
        "Today",
        "TB4 (DA)",
        `Capture TB${yesterday.strategy_hours ?? ""} · DA`,
        "Live left",
      ]
    ) head.append(el(doc, "th", h));
    table.append(head);
    const older = new Map((yesterday.zones ?? []).map((/** @type {any} */ z) => [z.zone, z]));
    for (const z of today.zones ?? []) {
      const y = older.get(z.zone);
      const row = el(doc, "tr");
      row.dataset.zone = z.zone;
      row.append(
        el(doc, "td", z.zone, "zone"),
        el(doc, "td", pair(y), "yesterday"),
        el(doc, "td", pair(z), "today"),
        el(doc, "td", perMwh(z.tb4?.da?.spread), "tb4"),
        el(doc, "td", `${captureOf(y?.capture, "tb")} · ${captureOf(y?.capture, "follow_da")}`, "capture"),
        el(doc, "td", dollars(z.live?.remaining_value_usd), "live"),
      );
      table.append(row);
    }
    if ((today.zones ?? []).length === 0) table.append(el(doc, "tr", "No zones with prices yet"));
    element.replaceChildren(title, about, table);
  }

  await refresh();
  return { refresh };
}
