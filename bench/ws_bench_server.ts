/**
 * The server side of the WebSocket fan-out benchmark, run as its own process by `ws_bench.ts`:
 * `fanout` serves the real live edge (`startHttpServer` over a Deno KV `:memory:` store holding a day of
 * SP15 prices) and broadcasts by ingesting one new RT interval, so an update travels the whole path from
 * the store's publish to every socket; `bare` is a plain `Deno.upgradeWebSocket` loop sending the same
 * update text to every socket, the practical limit. A control listener answers `POST /broadcast` with the
 * publish instant and `GET /memory` with the resident memory after a full GC. Prints
 * `READY <ws url> <control url>` once listening.
 *
 * @module
 */
import { loadLiveConfig } from "../src/live/settings.ts";
import { createMetrics } from "../src/metrics/metrics.ts";
import type { OasisRow } from "../src/oasis/row.ts";
import { operatingDate, toIso } from "../src/oasis/time.ts";
import { startHttpServer } from "../src/server.ts";
import { openKvStore } from "../src/store/kv_store.ts";
import { loadStoreConfig } from "../src/store/settings.ts";
import type { PriceUpdate } from "../src/store/store.ts";

const NODE = "TH_SP15_GEN-APND";
const T0 = Date.parse("2026-07-01T20:00:00Z");
const STEP = 300_000;
const stamp = () => performance.timeOrigin + performance.now();

/** LMP and components of one SP15 interval, as a poll delivers them. */
function rows(
  dataset: "lmp_rtm" | "lmp_fmm" | "lmp_dam",
  ms: number,
  minutes: number,
  lmp: number,
): OasisRow[] {
  const parts: [string, number][] = [["LMP", lmp], ["MCE", lmp - 3.1], ["MCC", 2.25], ["MCL", 0.65], [
    "MGHG",
    0.2,
  ]];
  return parts.map(([component, value], i) => ({
    dataset,
    report: "PRC_LMP",
    node: NODE,
    qualifier: null,
    interval_start: toIso(new Date(ms)),
    interval_end: toIso(new Date(ms + minutes * 60_000)),
    opr_date: operatingDate(new Date(ms)),
    opr_hour: null,
    opr_interval: null,
    component,
    value: Math.round(value * 100) / 100,
    raw: {},
    source_file: "bench",
    row_number: i + 1,
  }));
}

const priceOf = (i: number) => 30 + 15 * Math.sin(i / 7) + (i % 5) / 10;

function typicalUpdate(round: number): PriceUpdate {
  const ms = T0 + round * STEP;
  const price = Math.round(priceOf(round) * 100) / 100;
  return {
    zone: "sp15",
    node: NODE,
    market: "RT",
    ms,
    timestamp: toIso(new Date(ms)),
    price,
    components: { MCE: price - 3.1, MCC: 2.25, MCL: 0.65, MGHG: 0.2 },
    revised: false,
    previous_price: null,
  };
}

const mode = Deno.args[0];
let round = 0;
let broadcast: () => Promise<number>;
let wsUrl: string;

if (mode === "fanout") {
  const env = { WS_HEARTBEAT_S: "0", WS_MAX_CONNECTIONS: "100000", WS_MAX_CONNECTIONS_PER_IP: "0" };
  const now = () => new Date(T0 + round * STEP + 60_000);
  const store = await openKvStore({ config: loadStoreConfig(env), path: ":memory:", clock: now });
  const seed: OasisRow[] = [];
  for (let i = -288; i < 0; i++) seed.push(...rows("lmp_rtm", T0 + i * STEP, 5, priceOf(i)));
  for (let i = -96; i < 0; i++) seed.push(...rows("lmp_fmm", T0 + i * 900_000, 15, priceOf(i)));
  for (let i = -24; i < 4; i++) seed.push(...rows("lmp_dam", T0 + i * 3_600_000, 60, 35));
  await store.ingest(seed);
  // Registered before the fan-out subscribes, so it runs first on each publish: the start of the clock.
  let published = 0;
  await store.onUpdate(null, () => (published ||= stamp()));
  const server = await startHttpServer({
    config: { port: 0, hostname: "127.0.0.1", live: loadLiveConfig(env), store: loadStoreConfig(env) },
    store,
    metrics: createMetrics(),
    health: () => ({}),
  });
  wsUrl = `${server.url.replace("http", "ws")}/ws?zones=sp15`;
  broadcast = async () => {
    published = 0;
    round++;
    await store.ingest(rows("lmp_rtm", T0 + round * STEP, 5, priceOf(round)));
    return published;
  };
} else if (mode === "bare") {
  const sockets = new Set<WebSocket>();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onopen = () => sockets.add(socket);
    socket.onclose = () => sockets.delete(socket);
    return response;
  });
  wsUrl = `ws://127.0.0.1:${server.addr.port}/ws`;
  broadcast = () => {
    round++;
    const t0 = stamp();
    const text = JSON.stringify({ type: "update", update: typicalUpdate(round) });
    for (const s of sockets) s.send(text);
    return Promise.resolve(t0);
  };
} else {
  throw new Error(`Usage: ws_bench_server.ts fanout|bare (got ${JSON.stringify(mode)})`);
}

const gc = (globalThis as { gc?: () => void }).gc;
const control = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
  const path = new URL(req.url).pathname;
  if (path === "/broadcast") return Response.json({ t0: await broadcast() });
  if (path === "/memory") {
    for (let i = 0; i < 3; i++) gc?.();
    return Response.json({ rss: Deno.memoryUsage().rss, gc: gc !== undefined });
  }
  if (path === "/exit") setTimeout(() => Deno.exit(0), 10);
  return Response.json({ ok: true });
});
console.log(`READY ${wsUrl} http://127.0.0.1:${control.addr.port}`);
