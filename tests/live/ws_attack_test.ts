/**
 * Attacks on `/ws` over real sockets: each keeps the process's memory within a bound and every other client
 * receiving updates.
 *
 * @module
 */
import assert from "node:assert/strict";
import { CLOSE_RATE_LIMIT, CLOSE_TOO_BIG } from "../../src/live/fan_out.ts";
import { priceRows, SP15 } from "../routes/helpers.ts";
import { RawWsClient } from "./raw_ws.ts";
import { metricValue, startWsServer, TestSocket, type WsServer } from "./ws_helpers.ts";

const MiB = 1 << 20;
const rss = () => Deno.memoryUsage().rss;

/** Publishes an RT price for SP15 and checks that `watcher` receives it. */
async function stillServed(s: WsServer, watcher: TestSocket, price: number): Promise<void> {
  await s.store.ingest(
    priceRows("lmp_rtm", SP15, `2026-07-01T20:${String(price).padStart(2, "0")}:00Z`, [price]),
  );
  assert.equal((await watcher.next("update")).update.price, price, "the other client still gets updates");
}

Deno.test("[ws attack] a client that never reads and re-subscribes every 2 ms is dropped at the buffer limit; memory stays bounded", async () => {
  // A rate limit high enough not to interfere: the send-buffer check alone must stop it.
  const s = await startWsServer({ WS_CLIENT_FRAMES_PER_S: "1000", WS_CLIENT_FRAME_BURST: "10000" });
  try {
    const watcher = await TestSocket.open(s.wsUrl("?zones=sp15"));
    await watcher.next("snapshot");
    const before = rss();
    const flooder = await RawWsClient.connect(s.wsUrl("?zones=sp15"));
    const frame = JSON.stringify({ type: "subscribe", zones: [] });
    let frames = 0;
    try {
      // Before the fix 2,260 such frames grew the process by 130 MB; it stops at the first failed write.
      for (; frames < 3000 && s.server.fanOut.size === 2; frames++) {
        await flooder.send(frame);
        await new Promise((r) => setTimeout(r, 2));
      }
    } catch {
      // the server closed the connection
    }
    flooder.close();
    const grown = (rss() - before) / MiB;
    assert.ok(grown < 48, `the process grew by ${grown.toFixed(0)} MiB over ${frames} frames`);
    assert.equal(await metricValue(s.metrics, 'ws_clients_dropped_total{reason="slow"}'), 1);
    assert.equal(s.server.fanOut.size, 1);
    await stillServed(s, watcher, 1);
    await watcher.close();
  } finally {
    await s.close();
  }
});

Deno.test("[ws attack] a frame flood gets an error frame, then a close with 4003; the other clients are served", async () => {
  const s = await startWsServer({ WS_CLIENT_FRAMES_PER_S: "5", WS_CLIENT_FRAME_BURST: "20" });
  try {
    const watcher = await TestSocket.open(s.wsUrl("?zones=sp15"));
    await watcher.next("snapshot");
    const flooder = await RawWsClient.connect(s.wsUrl("?zones=sp15"));
    // Each frame right after the answer to the one before (a flood that stops at the error, as a browser's
    // client stops at the close frame; frames sent after the close would reset the connection).
    assert.equal((await flooder.read())?.opcode, 1, "the snapshot");
    const texts: { type: string; error?: string }[] = [];
    for (let i = 0; i < 100 && texts.at(-1)?.type !== "error"; i++) {
      await flooder.send(JSON.stringify({ type: "ping" }));
      const frame = await flooder.read();
      if (frame === null) break;
      texts.push(JSON.parse(new TextDecoder().decode(frame.payload)));
    }
    assert.equal(await flooder.readUntilClosed(), CLOSE_RATE_LIMIT);
    const pongs = texts.filter((m) => m.type === "pong").length;
    assert.ok(pongs >= 20 && pongs < 30, `the burst is answered (${pongs} pongs)`);
    assert.match(texts.at(-1)?.error ?? "", /More than 5 frames a second \(burst 20\)/);
    assert.equal(await metricValue(s.metrics, 'ws_clients_dropped_total{reason="rate_limit"}'), 1);
    flooder.close();
    await stillServed(s, watcher, 2);
    await watcher.close();
  } finally {
    await s.close();
  }
});

Deno.test("[ws attack] a frame over 4096 characters gets an error frame and closes the connection with 1009", async () => {
  const s = await startWsServer();
  try {
    const a = await TestSocket.open(s.wsUrl("?zones=sp15"));
    await a.next("snapshot");
    a.send("x".repeat(5000));
    assert.match((await a.next("error")).error, /longer than 4096/);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const open = new Promise((resolve) => timer = setTimeout(() => resolve("still open after 5 s"), 5000));
    assert.equal(await Promise.race([a.closed.then((e) => e.code), open]), CLOSE_TOO_BIG);
    clearTimeout(timer);
    assert.equal(await metricValue(s.metrics, 'ws_clients_dropped_total{reason="too_big"}'), 1);
  } finally {
    await s.close();
  }
});

Deno.test("[ws attack] one address's big frames: the first closes its connection (1009), the per-address limit refuses more; memory stays bounded", async () => {
  const s = await startWsServer({ WS_MAX_CONNECTIONS_PER_IP: "4" });
  try {
    const watcher = await TestSocket.open(s.wsUrl("?zones=sp15"));
    await watcher.next("snapshot");
    const before = rss();
    const big = new Uint8Array(8 * MiB).fill(0x78); // "xxx…": a text frame of 8 MiB
    const attackers: RawWsClient[] = [];
    let refused = 0;
    for (let i = 0; i < 20; i++) {
      try {
        attackers.push(await RawWsClient.connect(s.wsUrl("?zones=sp15")));
      } catch (e) {
        assert.match(String(e), /503/);
        refused++;
      }
    }
    assert.equal(attackers.length, 3, "the watcher and 3 attackers fill the 4 allowed");
    assert.equal(refused, 17);
    const closes = await Promise.all(attackers.map(async (a) => {
      for (let i = 0; i < 5; i++) await a.send(big).catch(() => {});
      return await a.readUntilClosed();
    }));
    assert.deepEqual(closes, [CLOSE_TOO_BIG, CLOSE_TOO_BIG, CLOSE_TOO_BIG]);
    for (const a of attackers) a.close();
    const grown = (rss() - before) / MiB;
    // Each connection made the process hold one frame (the runtime's copy and the string): 3 × 2 × 8 MiB.
    assert.ok(grown < 160, `the process grew by ${grown.toFixed(0)} MiB`);
    assert.equal(await metricValue(s.metrics, 'ws_clients_dropped_total{reason="too_big"}'), 3);
    assert.equal(await metricValue(s.metrics, 'ws_connections_rejected_total{reason="max_per_ip"}'), 17);
    await stillServed(s, watcher, 3);
    await watcher.close();
  } finally {
    await s.close();
  }
});
