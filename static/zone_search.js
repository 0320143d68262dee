// Finding a zone by name: the inputs that name a zone share one <datalist>, filled as the user types with
// at most 50 of the configured zones (there may be thousands of nodes), names starting with the text first.

/** Most zones offered at once. */
export const MAX_OPTIONS = 50;

/** Up to `MAX_OPTIONS` of `zones` containing `text` (any case), those starting with it first. */
export function matchZones(zones, text) {
  const t = text.trim().toLowerCase();
  const starts = [];
  const contains = [];
  for (const zone of zones) {
    const z = zone.toLowerCase();
    if (z.startsWith(t)) starts.push(zone);
    else if (z.includes(t)) contains.push(zone);
    if (starts.length >= MAX_OPTIONS) break;
  }
  return [...starts, ...contains].slice(0, MAX_OPTIONS);
}

/** The configured zone `text` names (any case, spaces around ignored), or undefined. */
export function findZone(zones, text) {
  const t = text.trim().toLowerCase();
  return t ? zones.find((z) => z.toLowerCase() === t) : undefined;
}

/** Keeps `list` (a datalist) offering the zones matching what is typed into any of `inputs`. */
export function attachZoneList(list, inputs, zones) {
  const fill = (text) => {
    const options = matchZones(zones(), text).map((z) => new Option(z.toUpperCase(), z));
    list.replaceChildren(...options);
  };
  for (const input of inputs) {
    input.addEventListener("input", () => fill(input.value));
    input.addEventListener("focus", () => fill(input.value));
  }
}

/** The header's search: picking a configured zone selects it in `select` (as if chosen there). */
export function attachZoneSearch(input, select, zones) {
  const pick = () => {
    const zone = findZone(zones(), input.value);
    input.setAttribute("aria-invalid", String(input.value.trim() !== "" && zone === undefined));
    if (zone === undefined) return;
    input.value = "";
    if (select.value === zone) return;
    if (![...select.options].some((o) => o.value === zone)) {
      select.append(new Option(zone.toUpperCase(), zone));
    }
    select.value = zone;
    select.dispatchEvent(new Event("change"));
  };
  input.addEventListener("change", pick);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") pick();
  });
}
