/**
 * What the fan-out does with a client's own frames. A frame too long (`MAX_CLIENT_FRAME`) or past the
 * client's rate limit gets an error frame and closes the client; a frame that does not parse, or names an
 * unknown zone, gets an error frame (and counts as bad); `ping` gets a `pong`; `subscribe` replaces the
 * zones the client receives and sends it a new snapshot.
 *
 * @module
 */
import type { Metrics } from "../metrics/metrics.ts";
import type { DropReason, LiveClient } from "./live_client.ts";
import { MAX_CLIENT_FRAME, parseClientMessage, type ServerMessage } from "./messages.ts";
import type { WsSettings } from "./settings.ts";
import type { ZoneCatalog } from "./zone_catalog.ts";

/** What answering a client's frames needs from the fan-out. */
export interface ClientFrameDeps {
  readonly ws: Pick<WsSettings, "clientFramesPerS" | "clientFrameBurst">;
  readonly zones: Pick<ZoneCatalog, "has">;
  readonly metrics?: Pick<Metrics, "wsBadFrame">;
  readonly now: () => Date;
  /** Whether the client is still connected. */
  readonly connected: (c: LiveClient) => boolean;
  /** Sends a reply through the client's send limit. */
  readonly send: (c: LiveClient, message: ServerMessage) => void;
  /** Closes and forgets the client. */
  readonly drop: (c: LiveClient, reason: DropReason) => void;
  /** Makes the client receive `zones` and sends it their snapshot. */
  readonly resubscribe: (c: LiveClient, zones: readonly string[] | "*") => Promise<void>;
}

/** Answers one frame `data` of client `c`. */
export async function receiveFrame(deps: ClientFrameDeps, c: LiveClient, data: unknown): Promise<void> {
  if (!deps.connected(c) || refused(deps, c, data)) return;
  const parsed = parseClientMessage(data);
  if (!parsed.ok) {
    deps.metrics?.wsBadFrame();
    return deps.send(c, { type: "error", error: parsed.error });
  }
  const message = parsed.message;
  if (message.type === "ping") {
    return deps.send(c, { type: "pong", server_time: deps.now().toISOString() });
  }
  if (message.type === "pong") return;
  const zones = [...new Set(message.zones)];
  const all = zones.length === 0 || zones.includes("*");
  if (!all) {
    const known = await Promise.all(zones.map((z) => deps.zones.has(z)));
    const unknown = zones.filter((_, i) => !known[i]);
    if (unknown.length > 0) {
      deps.metrics?.wsBadFrame();
      return deps.send(c, { type: "error", error: `Unknown zone ${JSON.stringify(unknown[0])}` });
    }
  }
  if (!deps.connected(c)) return;
  await deps.resubscribe(c, all ? "*" : zones);
}

/** Closes a client whose frame is too long or who sends too many, after an error frame; true if so. */
function refused(deps: ClientFrameDeps, c: LiveClient, data: unknown): boolean {
  const size = typeof data === "string" ? data.length : data instanceof ArrayBuffer ? data.byteLength : 0;
  if (size > MAX_CLIENT_FRAME) {
    deps.send(c, { type: "error", error: `Frame longer than ${MAX_CLIENT_FRAME} characters: closing` });
    deps.drop(c, "too_big");
    return true;
  }
  if (c.frames.take()) return false;
  deps.send(c, {
    type: "error",
    error:
      `More than ${deps.ws.clientFramesPerS} frames a second (burst ${deps.ws.clientFrameBurst}): closing`,
  });
  deps.drop(c, "rate_limit");
  return true;
}
