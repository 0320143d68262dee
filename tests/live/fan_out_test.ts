import assert from "node:assert/strict";
import { CLOSE_GOING_AWAY, CLOSE_IDLE } from "../../src/live/fan_out.ts";
import type { PriceStore, PriceUpdate } from "../../src/store/store.ts";
import { NP15, priceRows, SP15 } from "../routes/helpers.ts";
import { RawWsClient } from "./raw_ws.ts";
import { metricValue, startWsServer, TestSocket } from "./ws_helpers.ts";

Deno.test("[ws] a client gets a snapshot on connect: current prices, 24 h of RT, FMM and DA, alerts, thresholds", async () => {
  const s = await startWsServer();
  try {
    const a = await TestSocket.open(s.wsUrl("?zones=sp15"));
    const snap = await a.next("snapshot");
    assert.deepEqual(snap.subscribed, ["sp15"]);
    assert.deepEqual(snap.zones, ["np15", "sp15", "zp26"]);
    assert.equal(snap.current.length, 1);
    assert.equal(snap.current[0]!.zone, "sp15");
    assert.equal(snap.current[0]!.rt_timestamp, "2026-07-01T19:55:00Z");
    assert.equal(snap.current[0]!.stale, false);
    const h = snap.history["sp15"]!;
    // Intervals that start within the last 24 h (the seed starts exactly 24 h 2 min ago).
    assert.equal(h.RT.length, 287);
    assert.equal(h.FMM.length, 95);
    assert.equal(h.DA.length, 47, "DA from 21:00 yesterday through the hours published ahead");
    assert.ok(h.RT.every((p) => p.ms >= Date.parse("2026-06-30T20:02:00Z")));
    assert.equal(snap.thresholds.high, 100);
    assert.deepEqual(snap.alerts, []);
    await a.close();
  } finally {
    await s.close();
  }
});

Deno.test("[ws] a published interval reaches its zone's clients as one update message, not other zones'", async () => {
  const s = await startWsServer();
  try {
    const a = await TestSocket.open(s.wsUrl("?zones=sp15"));
    const b = await TestSocket.open(s.wsUrl("?zones=np15"));
    const all = await TestSocket.open(s.wsUrl());
    for (const c of [a, b, all]) await c.next("snapshot");
    await s.store.ingest(priceRows("lmp_rtm", SP15, "2026-07-01T20:00:00Z", [123.45]));
    const u = await a.next("update");
    assert.equal(u.update.zone, "sp15");
    assert.equal(u.update.price, 123.45);
    assert.equal(u.update.timestamp, "2026-07-01T20:00:00Z");
    assert.equal((await all.next("update")).update.price, 123.45);
    // 123.45 is above the 100 $/MWh threshold: every client gets the alert.
    assert.equal((await a.next("alert")).alert.kind, "high");
    assert.equal((await b.next("alert")).alert.kind, "high");
    // b's first update is the NP15 one that follows: it never got the SP15 update.
    await s.store.ingest(priceRows("lmp_rtm", NP15, "2026-07-01T20:00:00Z", [44]));
    assert.equal((await b.next("update")).update.zone, "np15");
    assert.equal(await metricValue(s.metrics, 'ws_messages_sent_total{type="update"}'), 4);
    for (const c of [a, b, all]) await c.close();
  } finally {
    await s.close();
  }
});

Deno.test("[ws] a subscribe message switches zones and answers a snapshot of the new zones", async () => {
  const s = await startWsServer();
  try {
    const a = await TestSocket.open(s.wsUrl("?zones=sp15"));
    await a.next("snapshot");
    a.send({ type: "subscribe", zones: ["np15"] });
    const snap = await a.next("snapshot");
    assert.deepEqual(snap.subscribed, ["np15"]);
    assert.equal(snap.current[0]!.zone, "np15");
    await s.store.ingest(priceRows("lmp_rtm", SP15, "2026-07-01T20:00:00Z", [40]));
    await s.store.ingest(priceRows("lmp_rtm", NP15, "2026-07-01T20:00:00Z", [41]));
    assert.equal((await a.next("update")).update.zone, "np15");
    a.send({ type: "subscribe", zones: ["*"] });
    assert.equal((await a.next("snapshot")).subscribed, "*");
    await a.close();
  } finally {
    await s.close();
  }
});

Deno.test("[ws] malformed and unknown frames get an error frame and the connection stays open", async () => {
  const s = await startWsServer();
  try {
    const a = await TestSocket.open(s.wsUrl("?zones=sp15"));
    await a.next("snapshot");
    const frames: [unknown, RegExp][] = [
      ["not json {", /not JSON/],
      ["[1,2]", /JSON object/],
      [{ type: "dance" }, /Unknown message type "dance"/],
      [{ zones: ["sp15"] }, /Unknown message type undefined/],
      [{ type: "subscribe", zones: "sp15" }, /"zones"/],
      [{ type: "subscribe", zones: ["SP 15!"] }, /not a zone name/],
      [{ type: "subscribe", zones: ["atlantis"] }, /Unknown zone "atlantis"/],
    ];
    for (const [frame, expected] of frames) {
      a.send(frame);
      assert.match((await a.next("error")).error, expected);
    }
    a.socket.send(new Uint8Array([1, 2, 3]));
    assert.match((await a.next("error")).error, /Binary frames/);
    a.send({ type: "ping" });
    await a.next("pong");
    assert.equal(a.socket.readyState, WebSocket.OPEN);
    assert.equal(await metricValue(s.metrics, "ws_bad_frames_total"), frames.length + 1);
    await a.close();
  } finally {
    await s.close();
  }
});

Deno.test("[ws] protocol Ping/Pong frames keep a client connected; one that answers nothing is closed with 1001 after two heartbeats", async () => {
  const s = await startWsServer({ WS_HEARTBEAT_S: "1" });
  try {
    // Sends only protocol Pings and answers the server's: never a text frame.
    const pinger = await RawWsClient.connect(s.wsUrl("?zones=sp15"));
    const browser = await TestSocket.open(s.wsUrl("?zones=sp15")); // the runtime answers pings for it
    const silent = await RawWsClient.connect(s.wsUrl("?zones=sp15"));
    silent.answerPings = false;
    let reading = true;
    const readLoop = (async () => {
      while (reading && (await pinger.read()) !== null);
    })();
    const silentClosed = silent.readUntilClosed(6000); // undefined if still open after 6 s
    for (let i = 0; i < 16; i++) {
      await pinger.ping();
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(await silentClosed, CLOSE_IDLE, "closed after two silent heartbeat periods");
    assert.equal(pinger.closeCode, undefined, "4 s = four heartbeats later the pinging client is still open");
    assert.equal(browser.socket.readyState, WebSocket.OPEN);
    assert.equal(s.server.fanOut.size, 2);
    assert.equal(await metricValue(s.metrics, 'ws_clients_dropped_total{reason="heartbeat"}'), 1);
    reading = false;
    pinger.close();
    silent.close();
    await readLoop;
    await browser.close();
  } finally {
    await s.close();
  }
});

Deno.test("[ws] a client whose send buffer passes the limit is dropped and counted; the others get every message", async () => {
  const s = await startWsServer({ WS_MAX_BUFFERED_BYTES: "1048576" });
  try {
    const fast = await TestSocket.open(s.wsUrl("?zones=sp15"));
    await fast.next("snapshot");
    const stalled = await RawWsClient.connect(s.wsUrl("?zones=sp15")); // never reads
    while (s.server.fanOut.size < 2) await new Promise((r) => setTimeout(r, 5));
    const big: PriceUpdate = {
      zone: "sp15",
      node: "N".repeat(256 * 1024),
      market: "RT",
      timestamp: "2026-07-01T20:00:00Z",
      ms: Date.parse("2026-07-01T20:00:00Z"),
      price: 1,
      components: {},
      revised: false,
      previous_price: null,
    };
    let sent = 0;
    // Loopback buffers hold a few MB; 400 × 256 KiB is far beyond them, and the loop ends at the drop.
    while (s.server.fanOut.size === 2 && sent < 400) {
      s.server.fanOut.publishUpdate({ ...big, price: ++sent });
      assert.equal((await fast.next("update")).update.price, sent, "the fast client is never held back");
    }
    assert.equal(s.server.fanOut.size, 1, "the stalled client was dropped");
    assert.equal(await metricValue(s.metrics, 'ws_clients_dropped_total{reason="slow"}'), 1);
    assert.equal(await metricValue(s.metrics, 'ws_messages_dropped_total{reason="slow"}'), 1);
    s.server.fanOut.publishUpdate({ ...big, price: -1 });
    assert.equal((await fast.next("update")).update.price, -1);
    stalled.close();
    await fast.close();
  } finally {
    await s.close();
  }
});

Deno.test("[ws] connections beyond WS_MAX_CONNECTIONS are refused with 503", async () => {
  const s = await startWsServer({ WS_MAX_CONNECTIONS: "2" });
  try {
    const a = await TestSocket.open(s.wsUrl());
    const b = await TestSocket.open(s.wsUrl());
    await assert.rejects(TestSocket.open(s.wsUrl()), /Cannot connect/);
    const res = await fetch(s.server.url + "/ws", { headers: { Upgrade: "websocket" } });
    assert.equal(res.status, 503);
    assert.match((await res.json()).error, /limit reached \(2\)/);
    assert.equal(await metricValue(s.metrics, 'ws_connections_rejected_total{reason="max_connections"}'), 2);
    await a.close();
    await b.close();
  } finally {
    await s.close();
  }
});

Deno.test("[ws] the fan-out subscribes to the store once however many clients connect", async () => {
  let subscriptions = 0;
  const counting = (store: PriceStore): PriceStore =>
    new Proxy(store, {
      get(target, key) {
        const value = Reflect.get(target, key);
        if (key === "onUpdate" || key === "onAlert") {
          return (...args: unknown[]) => {
            subscriptions++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  const s = await startWsServer({}, counting);
  try {
    const clients = await Promise.all(
      Array.from({ length: 5 }, () => TestSocket.open(s.wsUrl("?zones=sp15"))),
    );
    for (const c of clients) await c.next("snapshot");
    assert.equal(subscriptions, 2, "one onUpdate(null) and one onAlert per process");
    for (const c of clients) await c.close();
  } finally {
    await s.close();
  }
});

Deno.test("[ws] a broadcast is serialized once, not once per client", async () => {
  const s = await startWsServer();
  try {
    const clients = await Promise.all(
      Array.from({ length: 5 }, () => TestSocket.open(s.wsUrl("?zones=sp15"))),
    );
    for (const c of clients) await c.next("snapshot");
    const stringify = JSON.stringify;
    let calls = 0;
    JSON.stringify = ((...args: Parameters<typeof stringify>) => {
      calls++;
      return stringify(...args);
    }) as typeof JSON.stringify;
    try {
      s.server.fanOut.publishUpdate({
        zone: "sp15",
        node: SP15,
        market: "RT",
        timestamp: "2026-07-01T20:00:00Z",
        ms: Date.parse("2026-07-01T20:00:00Z"),
        price: 12,
        components: {},
        revised: false,
        previous_price: null,
      });
    } finally {
      JSON.stringify = stringify;
    }
    assert.equal(calls, 1);
    for (const c of clients) assert.equal((await c.next("update")).update.price, 12);
    for (const c of clients) await c.close();
  } finally {
    await s.close();
  }
});

Deno.test("[ws] shutdown closes every client with 1001", async () => {
  const s = await startWsServer();
  const a = await TestSocket.open(s.wsUrl());
  await a.next("snapshot");
  await s.close();
  assert.equal((await a.closed).code, CLOSE_GOING_AWAY);
});

Deno.test("[ws] the snapshot carries the estimate of a missing newest RT interval and estimate_after_s", async () => {
  const s = await startWsServer();
  try {
    s.clock.advance(5 * 60_000); // 20:07: the 20:00 interval is due and missing
    const a = await TestSocket.open(s.wsUrl("?zones=sp15"));
    const snap = await a.next("snapshot");
    assert.equal(snap.estimate_after_s, 120);
    const sp15 = snap.current[0]!;
    assert.equal(sp15.rt_timestamp, "2026-07-01T19:55:00Z");
    assert.equal(sp15.estimate?.method, "da");
    assert.equal(sp15.estimate?.interval_start, "2026-07-01T20:00:00Z");
    assert.equal(sp15.estimate?.value, 35);
    assert.ok(
      !snap.history["sp15"]!.RT.some((p) => p.timestamp === "2026-07-01T20:00:00Z"),
      "not in history",
    );
    await a.close();
  } finally {
    await s.close();
  }
});
