/**
 * The WebSocket protocol of `GET /ws`: JSON text frames. The server sends a `snapshot` on connect and after
 * each subscription, then every `update` of the subscribed zones and every `alert` as they are published, a
 * `ping` every heartbeat, and an `error` for any frame it cannot use (the connection stays open, except
 * after a frame over `MAX_CLIENT_FRAME` (closed with 1009) or past the frame rate limit (4003)). Current
 * prices follow from the snapshot and the updates (see `static/app.js`), so each publish is one message per
 * client. Clients send `subscribe`, `pong` and `ping`; any frame, and a protocol Pong answering the
 * runtime's protocol Ping, counts as a sign of life.
 *
 * @module
 */
import { z } from "../zod.ts";
import type { AlertThresholds } from "../analytics/alerts.ts";
import type { AlertEvent, PriceUpdate, SeriesPoint } from "../store/store.ts";
import { ZONE_PATTERN } from "../store/zone.ts";
import type { CurrentView } from "./current_view.ts";

/** Longest client frame accepted, in characters. */
export const MAX_CLIENT_FRAME = 4096;

/** Most zones one subscription may name. */
export const MAX_SUBSCRIBED_ZONES = 100;

/** RT, FMM and DA points of one zone. */
export type ZoneHistory = Readonly<Record<"RT" | "FMM" | "DA", readonly SeriesPoint[]>>;

/** Sent on connect and after each subscription: everything a dashboard needs to draw. */
export interface SnapshotMessage {
  readonly type: "snapshot";
  readonly server_time: string;
  /** Every known zone. */
  readonly zones: readonly string[];
  /** The zones this client receives updates for, or `"*"` for all. */
  readonly subscribed: readonly string[] | "*";
  readonly current: readonly CurrentView[];
  /**
   * The last 24 h of RT, FMM and DA prices of each subscribed zone, DA also the published hours ahead (up
   * to 24 h); omitted for `"*"` with more than 10 zones.
   */
  readonly history: Readonly<Record<string, ZoneHistory>>;
  readonly alerts: readonly AlertEvent[];
  readonly thresholds: AlertThresholds;
  readonly stale_after_s: number;
  /**
   * Seconds after an RT interval ends before a missing price of it is estimated: a client that sees the
   * clock pass that point without a real price asks `GET /api/current` for the estimate.
   */
  readonly estimate_after_s: number;
  /** Heartbeat period; 0 when disabled. */
  readonly heartbeat_s: number;
}

/** Every message the server sends. */
export type ServerMessage =
  | SnapshotMessage
  | { readonly type: "update"; readonly update: PriceUpdate }
  | { readonly type: "alert"; readonly alert: AlertEvent }
  | { readonly type: "ping"; readonly server_time: string }
  | { readonly type: "pong"; readonly server_time: string }
  | { readonly type: "error"; readonly error: string };

const zone = z.string().regex(ZONE_PATTERN, "is not a zone name").or(z.literal("*"));
const SCHEMAS = {
  subscribe: z.object({ type: z.literal("subscribe"), zones: z.array(zone).max(MAX_SUBSCRIBED_ZONES) }),
  ping: z.object({ type: z.literal("ping") }),
  pong: z.object({ type: z.literal("pong") }),
};

/** Every message a client may send. */
export type ClientMessage =
  | { readonly type: "subscribe"; readonly zones: readonly string[] }
  | { readonly type: "ping" }
  | { readonly type: "pong" };

/** A parsed client frame, or why it cannot be used. */
export type ParsedClientMessage =
  | { readonly ok: true; readonly message: ClientMessage }
  | { readonly ok: false; readonly error: string };

const fail = (error: string): ParsedClientMessage => ({ ok: false, error });

/** Parses one client frame (text or binary data as the socket delivers it). */
export function parseClientMessage(data: unknown): ParsedClientMessage {
  if (typeof data !== "string") return fail("Binary frames are not supported: send JSON text");
  if (data.length > MAX_CLIENT_FRAME) return fail(`Message is longer than ${MAX_CLIENT_FRAME} characters`);
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return fail("Message is not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return fail('Message is not a JSON object with a "type"');
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== "string" || !Object.hasOwn(SCHEMAS, type)) {
    return fail(
      `Unknown message type ${JSON.stringify(type) ?? "undefined"} (known: ${
        Object.keys(SCHEMAS).join(", ")
      })`,
    );
  }
  const parsed = SCHEMAS[type as keyof typeof SCHEMAS].safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.length ? issue.path.join(".") : "message";
    return fail(`Invalid "${type}" message: "${path}" ${issue.message}`);
  }
  return { ok: true, message: parsed.data };
}
