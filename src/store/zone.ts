/**
 * Pricing node → zone: the three trading hubs get their short names (`np15`, `sp15`, `zp26`); every other
 * node becomes its own zone under a sanitized lowercase name that is safe inside a key.
 *
 * @module
 */

/** The trading hubs and their zone names. */
export const HUB_ZONES: Readonly<Record<string, string>> = {
  "TH_NP15_GEN-APND": "np15",
  "TH_SP15_GEN-APND": "sp15",
  "TH_ZP26_GEN-APND": "zp26",
};

/** What a zone name may contain: it is one segment of a Redis key (`caiso:{zone}:current`). */
export const ZONE_PATTERN: RegExp = /^[a-z0-9][a-z0-9_.-]{0,99}$/;

/** The zone of pricing node `node`, or `undefined` when nothing usable is left after sanitizing. */
export function zoneOf(node: string): string | undefined {
  const hub = HUB_ZONES[node.trim().toUpperCase()];
  if (hub !== undefined) return hub;
  const name = node.trim().toLowerCase().replace(/[^a-z0-9_.-]+/g, "_").replace(/^[_.-]+/, "").slice(0, 100);
  return ZONE_PATTERN.test(name) ? name : undefined;
}

/** Whether `zone` is a well-formed zone name (what `zoneOf` produces). */
export function isZone(zone: string): boolean {
  return ZONE_PATTERN.test(zone);
}
