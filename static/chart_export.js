// The chart's CSV download: what the chart shows (its zoomed range included), in the columns of
// `GET /api/history/{hours}?format=csv` (zone,market,timestamp,price), one row per interval starting in
// the range, oldest first.
import { SERIES } from "./price_chart.js";

/** The header of a price export, as the API writes it. */
export const CSV_COLUMNS = ["zone", "market", "timestamp", "price"];

const iso = (ms) => new Date(ms).toISOString().replace(".000Z", "Z");

/** CSV text of the intervals of `series` (market → Map of ms → price) starting in `[min, max]`. */
export function rangeCsv(zone, series, min, max) {
  const rows = [];
  SERIES.forEach((s, order) => {
    for (const [ms, price] of series[s.market]) {
      if (ms >= min && ms <= max) rows.push({ ms, order, line: `${zone},${s.market},${iso(ms)},${price}` });
    }
  });
  rows.sort((a, b) => a.ms - b.ms || a.order - b.order);
  return `${[CSV_COLUMNS.join(","), ...rows.map((r) => r.line)].join("\n")}\n`;
}

/** Offers `text` as a file download named `name`. */
export function saveFile(name, text, type = "text/csv") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
