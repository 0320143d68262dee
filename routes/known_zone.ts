/**
 * The `?zone=` check every API route shares: a zone the service offers (configured, or with data), in any
 * case; otherwise a 400 naming the parameter and listing the known zones.
 *
 * @module
 */
import type { ZoneCatalog } from "../src/live/zone_catalog.ts";
import { ZONE_PATTERN } from "../src/store/zone.ts";
import { ParameterError } from "./errors.ts";

/** A function turning a given `?zone=` into a known zone name, or throwing `ParameterError("zone")`. */
export function zoneChecker(zones: Pick<ZoneCatalog, "has" | "known">): (given: string) => Promise<string> {
  return async (given) => {
    const zone = given.trim().toLowerCase();
    if (zone === "") throw new ParameterError("zone", "is empty");
    if (!ZONE_PATTERN.test(zone) || !(await zones.has(zone))) {
      const quoted = JSON.stringify(given.slice(0, 100));
      throw new ParameterError("zone", `unknown zone ${quoted} (known: ${zones.known().join(", ")})`);
    }
    return zone;
  };
}
