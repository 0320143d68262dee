/**
 * `GET /ws`: checks origin, token, `?zones=` and the connection limits (per process and per peer address),
 * upgrades with the native `Deno.upgradeWebSocket` and hands the socket to the process's fan-out. The
 * runtime's `idleTimeout` is two heartbeat periods: after one silent period Deno sends a protocol Ping, and
 * it closes a client that answers with neither a Pong nor a frame (a client's own protocol Pings are
 * answered by the runtime and never reach the code). The protocol is in `src/live/messages.ts`.
 *
 * Deno 2.9 reads a whole client message (up to 64 MiB, not configurable) before the fan-out sees it; the fan-
 * out closes a client after its first frame over `MAX_CLIENT_FRAME`, and the per-address limit bounds how
 * many such frames one address can have in flight.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { getConnInfo } from "hono/deno";
import { HTTPException } from "hono/http-exception";
import type { FanOut } from "../src/live/fan_out.ts";
import { MAX_SUBSCRIBED_ZONES } from "../src/live/messages.ts";
import type { LiveConfig } from "../src/live/settings.ts";
import type { ZoneCatalog } from "../src/live/zone_catalog.ts";
import type { Metrics } from "../src/metrics/metrics.ts";
import { hasToken, originAllowed } from "./auth.ts";
import { ParameterError } from "./errors.ts";

/** What `/ws` needs. */
export interface WsDeps {
  readonly fanOut: FanOut;
  readonly zones: ZoneCatalog;
  readonly live: LiveConfig;
  readonly metrics?: Metrics;
}

async function subscription(zones: ZoneCatalog, text: string | undefined): Promise<readonly string[] | "*"> {
  const list = [...new Set((text ?? "").split(",").map((z) => z.trim()).filter((z) => z !== ""))];
  if (list.length === 0 || list.includes("*")) return "*";
  if (list.length > MAX_SUBSCRIBED_ZONES) {
    throw new ParameterError("zones", `names ${list.length} zones; at most ${MAX_SUBSCRIBED_ZONES}`);
  }
  for (const zone of list) {
    if (!(await zones.has(zone))) throw new ParameterError("zones", `unknown zone ${JSON.stringify(zone)}`);
  }
  return list;
}

/** The TCP peer's address, or null when the request did not come through `Deno.serve` (tests). */
function peerAddress(c: Context): string | null {
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}

/** The `/ws` sub-app. */
export function createWsApp(deps: WsDeps): Hono {
  const app = new Hono();
  app.get("/ws", async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new HTTPException(426, { message: "Expected a WebSocket upgrade (Upgrade: websocket)" });
    }
    if (!originAllowed(c, deps.live.corsOrigins)) {
      deps.metrics?.wsRejected("origin");
      throw new HTTPException(403, {
        message: `Origin ${JSON.stringify(c.req.header("origin"))} is not allowed`,
      });
    }
    if (deps.live.apiToken !== null && !(await hasToken(c, deps.live.apiToken))) {
      deps.metrics?.wsRejected("unauthorized");
      throw new HTTPException(401, { message: "Missing or invalid token: send a bearer header or ?token=" });
    }
    const zones = await subscription(deps.zones, c.req.query("zones"));
    if (deps.fanOut.full) {
      deps.metrics?.wsRejected("max_connections");
      c.header("Retry-After", "5");
      return c.json({ error: `WebSocket connection limit reached (${deps.live.ws.maxConnections})` }, 503);
    }
    const address = peerAddress(c);
    if (address !== null && deps.fanOut.fullFor(address)) {
      deps.metrics?.wsRejected("max_per_ip");
      c.header("Retry-After", "5");
      const max = deps.live.ws.maxConnectionsPerIp;
      return c.json({ error: `WebSocket connection limit per address reached (${max})` }, 503);
    }
    let upgrade: { socket: WebSocket; response: Response };
    try {
      upgrade = Deno.upgradeWebSocket(c.req.raw, { idleTimeout: (2 * deps.live.ws.heartbeatMs) / 1000 });
    } catch (error) {
      deps.metrics?.wsRejected("bad_request");
      throw new HTTPException(400, { message: `Invalid WebSocket upgrade: ${(error as Error).message}` });
    }
    deps.fanOut.accept(upgrade.socket, zones, address);
    return upgrade.response;
  });
  return app;
}
