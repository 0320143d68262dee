// Formatting for the dashboard: prices in $/MWh, times in Pacific (CAISO's operating time), ages.

const TIME = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/Los_Angeles",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

const DAY = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/Los_Angeles",
  month: "short",
  day: "numeric",
});

/** `$42.17`, `−$3.05`, or an em dash for no price. */
export function money(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const text = `$${Math.abs(value).toFixed(2)}`;
  return value < 0 ? `−${text}` : text;
}

/** A signed amount: `+$7.00` / `−$3.10`. */
export function signedMoney(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return value > 0 ? `+${money(value)}` : money(value);
}

/** Pacific `HH:MM` of an ISO time or epoch ms. */
export function time(at) {
  return TIME.format(typeof at === "number" ? at : Date.parse(at));
}

/** Pacific `Jul 1`. */
export function day(at) {
  return DAY.format(typeof at === "number" ? at : Date.parse(at));
}

/** `HH:MM–HH:MM` of an interval starting at `iso` and lasting `minutes`. */
export function interval(iso, minutes) {
  const start = Date.parse(iso);
  return `${time(start)}–${time(start + minutes * 60_000)}`;
}

/** `12 s ago`, `7 min ago`, `3 h 5 min ago` (callers count from the end of an interval). */
export function age(ms) {
  if (!Number.isFinite(ms)) return "";
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min ago` : `${h} h ago`;
}

const ZONE = new Intl.DateTimeFormat("en-US", { timeZone: "America/Los_Angeles", timeZoneName: "short" });
const HOUR = 3_600_000;

/** `PDT` or `PST`: the Pacific time in force at an ISO time or epoch ms. */
export function zoneName(at) {
  const ms = typeof at === "number" ? at : Date.parse(at);
  return ZONE.formatToParts(ms).find((p) => p.type === "timeZoneName")?.value ?? "PT";
}

/** `Jul 1 13:05 PDT`: a Pacific date, time and zone (for alerts). */
export function dateTime(at) {
  return `${day(at)} ${time(at)} ${zoneName(at)}`;
}

/**
 * The OASIS hour-ending label (`OPR_HR`) of the hour starting at `at`: 1 for 00:00–01:00 Pacific, 24 for
 * 23:00–24:00; on the fall-back day the repeated 01:00–02:00 (PST) is 25, and on the spring-forward day
 * there is no HE3 (docs/oasis.md, SPEC §11).
 */
export function hourEnding(at) {
  const ms = typeof at === "number" ? at : Date.parse(at);
  const hour = Number(time(ms).slice(0, 2));
  return hour === Number(time(ms - HOUR).slice(0, 2)) ? 25 : hour + 1;
}

/** `PDT`, or `PDT→PST` across a clock change: the zones from `first` to `last` (ISO times or epoch ms). */
export function zoneSpan(first, last) {
  const [a, b] = [zoneName(first), zoneName(last)];
  return a === b ? a : `${a}→${b}`;
}
