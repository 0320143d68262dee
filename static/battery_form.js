// @ts-check
// The battery panel's inputs: one number field per parameter of battery_params.js, with the API's bounds as
// min/max, a message beside a field whose value is out of bounds (or that the API rejected), and a debounced
// `onChange`: the analytics worker has a deadline and a queue, so a request waits until typing pauses and is
// never made for a value the API would refuse.
import { apiValue, BATTERY_INPUTS, problemOf, shownValue } from "./battery_params.js";

/** How long typing must pause before the panel asks the API again. */
export const DEBOUNCE_MS = 600;

/**
 * @typedef {{ element: HTMLElement, values: () => Record<string, number>,
 *   showError: (name: string, message: string | null) => boolean }} BatteryForm
 */

/**
 * Builds the inputs for `params` (API values) into a new `<form>`; `onChange(params)` is called
 * `DEBOUNCE_MS` after the last edit when every field is valid.
 * @param {Document} doc
 * @param {Record<string, number>} params
 * @param {(params: Record<string, number>) => void} onChange
 * @returns {BatteryForm}
 */
export function createBatteryForm(doc, params, onChange) {
  const form = doc.createElement("form");
  form.className = "battery-inputs";
  form.noValidate = true;
  form.addEventListener("submit", (e) => e.preventDefault());
  /** @type {Map<string, { input: HTMLInputElement, error: HTMLElement }>} */
  const fields = new Map();
  for (const spec of BATTERY_INPUTS) {
    const label = doc.createElement("label");
    label.className = "battery-field";
    label.title = spec.hint;
    const name = doc.createElement("span");
    name.className = "battery-label";
    name.textContent = `${spec.label} (${spec.unit})`;
    const input = doc.createElement("input");
    input.type = "number";
    input.name = spec.name;
    input.inputMode = "decimal";
    input.min = shownValue(spec, spec.min);
    input.max = shownValue(spec, spec.max);
    input.step = spec.step;
    input.value = shownValue(spec, params[spec.name] ?? spec.fallback);
    const error = doc.createElement("span");
    error.className = "battery-error";
    error.id = `battery-error-${spec.name}`;
    error.setAttribute("role", "alert");
    input.setAttribute("aria-describedby", error.id);
    label.append(name, input, error);
    form.append(label);
    fields.set(spec.name, { input, error });
  }

  /** @param {string} key @param {string | null} message */
  function showError(key, message) {
    const field = fields.get(key);
    if (!field) return false;
    field.error.textContent = message ?? "";
    field.input.setAttribute("aria-invalid", message ? "true" : "false");
    field.input.classList.toggle("invalid", Boolean(message));
    return true;
  }

  function values() {
    /** @type {Record<string, number>} */
    const out = {};
    for (const spec of BATTERY_INPUTS) {
      out[spec.name] = apiValue(spec, /** @type {any} */ (fields.get(spec.name)).input.value);
    }
    return out;
  }

  let timer = 0;
  form.addEventListener("input", () => {
    clearTimeout(timer);
    const now = values();
    let valid = true;
    for (const spec of BATTERY_INPUTS) {
      const problem = problemOf(spec, /** @type {number} */ (now[spec.name]));
      showError(spec.name, problem);
      if (problem) valid = false;
    }
    if (valid) timer = setTimeout(() => onChange(values()), DEBOUNCE_MS);
  });
  return { element: form, values, showError };
}
