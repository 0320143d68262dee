/**
 * How the service logs OASIS request events: an answer that is data or "no data" at debug level, any other
 * failure at warn, except while OASIS gives no answer at all. Then the first failed attempt logs one
 * `OASIS unreachable` line with the cause (dns, refused, tls, timeout, other), the host and URL, the most
 * specific error message and a hint at the built-in simulator; the attempts after it are logged at debug
 * until OASIS answers again, which logs `OASIS reachable again` with how long it was down.
 *
 * @module
 */
import type { Log } from "../log.ts";
import type { OasisRequestEvent } from "../oasis/client.ts";
import { OutageTracker } from "../oasis/outage.ts";

/** The hint logged with an outage. */
export const NO_OASIS_HINT = "no OASIS reachable? try `deno task demo` for the built-in simulator";

/** A request-event handler that logs through `log`; `now` is for tests. */
export function createOasisRequestLog(
  log: Log,
  now: () => number = Date.now,
): (e: OasisRequestEvent) => void {
  const outage = new OutageTracker();
  return (event) => {
    const { change, quiet } = outage.observe(event, now());
    if (change?.kind === "down") {
      const { host, url, cause, detail } = change;
      log("warn", "OASIS unreachable", { host, url, cause, error: detail, hint: NO_OASIS_HINT });
    }
    const fine = event.outcome === "ok" || event.outcome === "no-data";
    log(quiet || fine ? "debug" : "warn", "oasis request", { ...event });
    if (change?.kind === "up") {
      const { host, downForMs, failedAttempts } = change;
      log("info", "OASIS reachable again", { host, downForS: Math.round(downForMs / 1000), failedAttempts });
    }
  };
}
