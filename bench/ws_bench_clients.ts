/**
 * The client side of the WebSocket fan-out benchmark, run as its own process by `ws_bench.ts`: opens N
 * WebSockets to the server, waits for each one's snapshot (when the server sends one), reads the server's
 * memory, then asks for broadcasts one at a time and records when the LAST client received each (wall
 * clock shared with the server process through `performance.timeOrigin`). Prints one JSON line.
 *
 * Usage: ws_bench_clients.ts <ws url> <control url> <clients> <rounds> <warmup> <expect snapshot: 0|1>
 *
 * @module
 */
const [wsUrl, controlUrl, nText, roundsText, warmupText, snapText] = Deno.args;
const n = Number(nText);
const rounds = Number(roundsText);
const warmup = Number(warmupText);
const expectSnapshot = snapText === "1";
if (!wsUrl || !controlUrl || !(n > 0) || !(rounds > 0)) {
  throw new Error("Usage: ws_bench_clients.ts <ws url> <control url> <clients> <rounds> <warmup> <0|1>");
}
const stamp = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const sockets: WebSocket[] = [];
let snapshots = 0;
let expecting = false;
let received = 0;
let last = 0;
let allReceived: () => void = () => {};

function open(): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl!);
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`Cannot connect client ${sockets.length}`));
    ws.onmessage = (e) => {
      const data = e.data as string;
      if (data.startsWith('{"type":"update"')) {
        if (!expecting) return;
        last = stamp();
        if (++received === n) allReceived();
      } else if (data.startsWith('{"type":"snapshot"')) snapshots++;
    };
    sockets.push(ws);
  });
}

async function memory(): Promise<number> {
  return (await (await fetch(`${controlUrl}/memory`)).json()).rss;
}

const baseline = await memory();
const t0 = performance.now();
for (let i = 0; i < n; i += 200) {
  await Promise.all(Array.from({ length: Math.min(200, n - i) }, open));
}
const connectMs = performance.now() - t0;
const deadline = Date.now() + 120_000;
while (expectSnapshot && snapshots < n && Date.now() < deadline) await sleep(50);
await sleep(500);
const rss = await memory();

const latencies: number[] = [];
let missed = 0;
for (let r = 0; r < warmup + rounds; r++) {
  received = 0;
  last = 0;
  expecting = true;
  const done = new Promise<void>((resolve) => (allReceived = resolve));
  const { t0 } = await (await fetch(`${controlUrl}/broadcast`, { method: "POST" })).json();
  const timeout = sleep(30_000).then(() => "timeout");
  if ((await Promise.race([done, timeout])) === "timeout") missed++;
  expecting = false;
  if (r >= warmup) latencies.push(last - t0);
  await sleep(100); // let the server's follow-up messages pass before the next round
}
for (const ws of sockets) ws.close();
console.log(JSON.stringify({ n, connectMs, baseline, rss, snapshots, missed, latencies }));
Deno.exit(0);
