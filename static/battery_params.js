// @ts-check
// The battery the dashboard values: four inputs (power, energy, round-trip efficiency, cycles a day), their
// bounds (the API's own, `BATTERY_BOUNDS` of src/analytics/battery.ts; a test keeps them equal), their
// defaults, and how they are kept in the page's URL query (`?power_mw=2&energy_mwh=8&rte=0.9&cycles=2`).

/**
 * One input: its API name, label, unit, and bounds as the API takes the value. `scale` turns the API's value
 * into what the input shows (the efficiency is a fraction in the API, a percentage on the page).
 * @typedef {{ name: string, label: string, unit: string, min: number, max: number, step: string,
 *   fallback: number, scale: number, hint: string }} BatteryInput
 */

/** @type {readonly BatteryInput[]} */
export const BATTERY_INPUTS = [
  {
    name: "power_mw",
    label: "Power",
    unit: "MW",
    min: 0.001,
    max: 1e6,
    step: "any",
    fallback: 1,
    scale: 1,
    hint: "Charge and discharge limit at the grid",
  },
  {
    name: "energy_mwh",
    label: "Energy",
    unit: "MWh",
    min: 0.001,
    max: 1e6,
    step: "any",
    fallback: 4,
    scale: 1,
    hint: "Stored energy capacity (4 MWh at 1 MW is a 4-hour battery)",
  },
  {
    name: "rte",
    label: "Round trip",
    unit: "%",
    min: 0.5,
    max: 1,
    step: "any",
    fallback: 0.85,
    scale: 100,
    hint: "Round-trip efficiency: share of the energy bought that is sold back",
  },
  {
    name: "cycles",
    label: "Cycles",
    unit: "/day",
    min: 0.01,
    max: 100,
    step: "any",
    fallback: 1,
    scale: 1,
    hint: "Most full charge-discharge cycles a day",
  },
];

/** The battery's query parameters, as the API takes them: `{ power_mw: 1, energy_mwh: 4, … }`. */
export function defaultParams() {
  return Object.fromEntries(BATTERY_INPUTS.map((i) => [i.name, i.fallback]));
}

/**
 * Why `value` (as the API takes it) is not allowed for `input`, or null when it is: the same bounds and
 * wording the API uses, in the page's units.
 * @param {BatteryInput} input @param {number} value
 */
export function problemOf(input, value) {
  if (!Number.isFinite(value)) return `${input.label}: enter a number`;
  if (value >= input.min && value <= input.max) return null;
  const shown = (/** @type {number} */ v) => `${round(v * input.scale)}`;
  return `${input.label} must be from ${shown(input.min)} to ${shown(input.max)} ${input.unit}`;
}

/** @param {number} v */
const round = (v) => Number(v.toPrecision(12));

/**
 * The battery in `search` (a URL query): each parameter that is a number within its bounds, the default
 * otherwise (a bad value in a bookmarked URL is ignored rather than breaking the panel).
 * @param {URLSearchParams} search
 */
export function paramsFromQuery(search) {
  const params = defaultParams();
  for (const input of BATTERY_INPUTS) {
    const text = search.get(input.name);
    if (text === null || text.trim() === "") continue;
    const value = Number(text);
    if (problemOf(input, value) === null) params[input.name] = value;
  }
  return params;
}

/**
 * `search` with the battery's parameters set, except those equal to their default (removed), so the
 * default battery keeps a clean URL.
 * @param {URLSearchParams} search @param {Record<string, number>} params
 */
export function queryWithParams(search, params) {
  const out = new URLSearchParams(search);
  for (const input of BATTERY_INPUTS) {
    const value = params[input.name];
    if (value === undefined || value === input.fallback) out.delete(input.name);
    else out.set(input.name, String(value));
  }
  return out;
}

/** What the input shows for an API value (`0.85` → `85`). @param {BatteryInput} input @param {number} value */
export function shownValue(input, value) {
  return String(round(value * input.scale));
}

/** The API value of what an input shows (`85` → `0.85`); NaN when it is not a number. */
export function apiValue(/** @type {BatteryInput} */ input, /** @type {string} */ text) {
  if (text.trim() === "") return NaN;
  const n = Number(text);
  return Number.isFinite(n) ? round(n / input.scale) : NaN;
}
