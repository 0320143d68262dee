// @ts-check
// The battery panel's per-zone figures, from `/api/arbitrage/summary` for yesterday and today: the most the
// battery could have earned (perfect foresight, DA and RT), what is left today, today's TB4 spread and how
// much of the best possible value simple rules earned yesterday. Two narrow tables of four columns, so that
// neither is clipped in the dashboard's side column or on a phone; every header explains itself on hover.

/** `$1,234`, `−$12`, or an em dash. @param {number | null | undefined} value */
export function dollars(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const text = `$${Math.abs(value).toLocaleString("en-US", { maximumFractionDigits: 0 })}`;
  return value < 0 ? `−${text}` : text;
}

/** `$42.17` or an em dash. @param {number | null | undefined} value */
function perMwh(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return `${value < 0 ? "−" : ""}$${Math.abs(value).toFixed(2)}`;
}

/** `87 %` or an em dash. @param {number | null | undefined} value */
export function percent(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return `${Math.round(value * 100)} %`;
}

/** The operating date before `date` (`YYYY-MM-DD`). @param {string} date */
export function previousDate(date) {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) - 1)).toISOString().slice(0, 10);
}

/** `Jul 1` of an operating date. @param {string} date */
export function shortDate(date) {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1))
    .toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
}

/**
 * @param {Document} doc
 * @param {string} tag
 * @param {string} [text]
 * @param {string} [className]
 */
export function el(doc, tag, text, className) {
  const node = doc.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** A cell with the DA value over the RT value. @param {Document} doc @param {any} value @param {string} cls */
function pairCell(doc, value, cls) {
  const td = el(doc, "td", undefined, cls);
  td.append(
    el(doc, "span", `${dollars(value?.da?.value_usd)} DA`, "line"),
    el(doc, "span", `${dollars(value?.rt?.value_usd)} RT`, "line"),
  );
  return td;
}

/** @param {any[] | undefined} capture @param {string} prefix */
function captureOf(capture, prefix) {
  const found = (capture ?? []).find((c) => typeof c.strategy === "string" && c.strategy.startsWith(prefix));
  return found ? percent(found.capture_rate) : "—";
}

/**
 * A table: `columns` are `[header, tooltip]`; `cells(zone)` gives each row's cells after the zone's name.
 * @param {Document} doc @param {string} caption @param {[string, string][]} columns
 * @param {any[]} zones @param {(zone: any) => HTMLElement[]} cells
 */
function table(doc, caption, columns, zones, cells) {
  const t = el(doc, "table", undefined, "arbitrage");
  t.append(el(doc, "caption", caption));
  const head = el(doc, "tr");
  /** @type {[string, string][]} */
  const all = [["Zone", "CAISO trading hub"], ...columns];
  for (const [text, tip] of all) {
    const th = el(doc, "th", text);
    th.title = tip;
    th.setAttribute("scope", "col");
    head.append(th);
  }
  t.append(head);
  for (const z of zones) {
    const row = el(doc, "tr");
    row.dataset.zone = z.zone;
    row.append(el(doc, "td", String(z.zone).toUpperCase(), "zone"), ...cells(z));
    t.append(row);
  }
  if (zones.length === 0) t.append(el(doc, "tr", "No zones with prices yet"));
  return t;
}

/**
 * The two tables and their legend for `today` and `yesterday` (summary answers).
 * @param {Document} doc @param {any} today @param {any} yesterday
 * @returns {HTMLElement[]}
 */
export function summaryTables(doc, today, yesterday) {
  const older = new Map((yesterday.zones ?? []).map((/** @type {any} */ z) => [z.zone, z]));
  const zones = today.zones ?? [];
  const n = yesterday.strategy_hours ?? 4;
  const y = shortDate(yesterday.date);
  const values = table(
    doc,
    "Best possible value ($)",
    [
      [`Yesterday`, `${y}: the most the battery could have earned, at DA and at RT prices`],
      [`Today`, `${shortDate(today.date)}: the most it can earn, at DA and at RT prices (RT so far)`],
      ["Left today", "The most still possible from now to midnight at DA prices, starting empty"],
    ],
    zones,
    (z) => [
      pairCell(doc, older.get(z.zone), "yesterday"),
      pairCell(doc, z, "today"),
      el(doc, "td", dollars(z.live?.remaining_value_usd), "live"),
    ],
  );
  const rules = table(
    doc,
    "Spread and simple rules",
    [
      ["TB4 spread", "Today: mean of the 4 dearest minus the 4 cheapest DA hours, $/MWh"],
      [`TB${n} rule`, `Yesterday: charge in the ${n} cheapest DA hours, discharge in the ${n} dearest`],
      ["DA plan in RT", "Yesterday: the best DA schedule, run at RT prices"],
    ],
    zones,
    (z) => {
      const last = older.get(z.zone);
      return [
        el(doc, "td", perMwh(z.tb4?.da?.spread), "tb4"),
        el(doc, "td", captureOf(last?.capture, "tb"), "capture-tb"),
        el(doc, "td", captureOf(last?.capture, "follow_da"), "capture-follow"),
      ];
    },
  );
  const legend = el(
    doc,
    "p",
    `Best possible: perfect foresight over the Pacific day, at day-ahead (DA) or real-time (RT) prices. ` +
      `Rules: share of yesterday's best possible value they earned.`,
    "legend-text",
  );
  return [values, rules, legend];
}

/**
 * Reads today's summary, then yesterday's, for the battery `params`; throws what `fetchJson` throws.
 * @param {(url: string) => Promise<any>} fetchJson @param {Record<string, string | number>} params
 */
export async function loadSummary(fetchJson, params) {
  const query = (/** @type {Record<string, string | number>} */ extra) => {
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...params, ...extra })) search.set(k, String(v));
    const text = search.toString();
    return `/api/arbitrage/summary${text ? `?${text}` : ""}`;
  };
  const today = await fetchJson(query({}));
  const yesterday = await fetchJson(query({ date: previousDate(today.date) }));
  return { today, yesterday };
}
