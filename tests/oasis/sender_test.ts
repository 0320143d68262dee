/**
 * Gate tickets and the senders: a ticket comes up to `TICKET_LEAD_MS` before its start, a sender starts
 * the request at the ticket and never after its `until`, and the client asks the gate again for a missed
 * ticket. `WorkerSender` runs against a real loopback server.
 */
import assert from "node:assert/strict";
import { OasisClient } from "../../src/oasis/client.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";
import { type GateTicket, RequestGate, TICKET_LEAD_MS } from "../../src/oasis/gate.ts";
import { reserveSlot, type SharedSlots, type SlotRequest } from "../../src/oasis/gate_slots.ts";
import { networkCause } from "../../src/oasis/network_cause.ts";
import { fetchSender, type Sender } from "../../src/oasis/sender.ts";
import { WorkerSender } from "../../src/oasis/worker_sender.ts";
import { withClock } from "./fake_clock.ts";

function memorySlots(starts: number[]): SharedSlots {
  return {
    kind: "memory",
    reserve(request: SlotRequest) {
      const next = reserveSlot(starts, request);
      starts.splice(0, starts.length, ...next.starts);
      return Promise.resolve(next.at);
    },
  };
}

/**
 * A loopback server answering `[1, 2, 3]` on `/data`, redirecting `/moved` there and answering `/slow`
 * after 1 s, on a thread of its own (this thread's tests keep busy); records arrivals (epoch ms).
 */
async function loopback() {
  const code = `
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
      self.postMessage({ arrival: Date.now() });
      const url = new URL(req.url);
      if (url.pathname === "/moved") return Response.redirect(new URL("/data", url), 302);
      if (url.pathname === "/slow") return new Promise((r) => setTimeout(() => r(new Response("late")), 1000));
      return new Response(new Uint8Array([1, 2, 3]), { headers: { "content-disposition": "attachment; filename=a.zip" } });
    });
    self.postMessage({ port: server.addr.port });
    self.onmessage = async () => { await server.shutdown(); self.postMessage({ closed: true }); };`;
  const worker = new Worker(URL.createObjectURL(new Blob([code], { type: "text/javascript" })), {
    type: "module",
  });
  const arrivals: number[] = [];
  let closed = () => {};
  const port = await new Promise<number>((resolve) => {
    worker.onmessage = (e: MessageEvent) => {
      if (e.data.port) resolve(e.data.port);
      if (e.data.arrival) arrivals.push(e.data.arrival);
      if (e.data.closed) closed();
    };
  });
  const close = async () => {
    await new Promise<void>((resolve) => (closed = resolve, worker.postMessage("close")));
    worker.terminate();
  };
  return { arrivals, base: `http://127.0.0.1:${port}`, close };
}

Deno.test("reserve() hands out the ticket of a shared slot TICKET_LEAD_MS before it; acquire() at the slot", async () => {
  await withClock(async (clock) => {
    const gate = new RequestGate({ minIntervalMs: 5000, guardMs: 100, shared: memorySlots([0]) });
    const got: Array<[string, number, GateTicket | void]> = [];
    void gate.reserve().then((t) => got.push(["reserve", Date.now(), t]));
    void gate.acquire().then((t) => got.push(["acquire", Date.now(), t]));
    await clock.tickAsync(20_000);
    assert.deepEqual(got, [
      ["reserve", 5100 - TICKET_LEAD_MS, { at: 5100, until: 5200 }],
      ["acquire", 10_200, undefined],
    ]);
  });
});

Deno.test("fetchSender() starts at the ticket and gives up a ticket whose until has passed", async () => {
  await withClock(async (clock) => {
    const calls: number[] = [];
    const sender = fetchSender(() => (calls.push(Date.now()), Promise.resolve(new Response("x"))));
    const signal = new AbortController().signal;
    const sent = sender.send("http://x.test/", { at: 1000, until: 1100 }, signal);
    await clock.tickAsync(2000);
    assert.equal((await sent)?.bytes.length, 1);
    assert.equal(await sender.send("http://x.test/", { at: 500, until: 600 }, signal), null);
    assert.deepEqual(calls, [1000]);
  });
});

Deno.test("the client asks the gate again for a ticket its sender missed, without counting an attempt", async () => {
  const tickets: GateTicket[] = [];
  const gate = new RequestGate({ minIntervalMs: 0 });
  const reserve = gate.reserve.bind(gate);
  gate.reserve = (signal) => reserve(signal).then((t) => (tickets.push(t), t));
  const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04]);
  const sender: Sender = {
    send: () => Promise.resolve(tickets.length < 3 ? null : { response: new Response(null), bytes: zip }),
    close() {},
  };
  const client = new OasisClient({
    baseUrl: "http://x.test/oasisapi/SingleZip",
    gate,
    sender,
    parse: () => ({ kind: "rows", rows: [], problems: [], files: [] }),
  });
  const window = {
    dataset: "lmp_dam" as const,
    query: DATASETS.lmp_dam.queries[0]!,
    start: new Date("2026-01-01T08:00:00Z"),
    end: new Date("2026-01-02T08:00:00Z"),
    nodes: ["TH_NP15_GEN-APND"],
  };
  const result = await client.fetchWindow(window);
  assert.equal(result.attempts, 1);
  assert.equal(tickets.length, 3);
});

Deno.test("WorkerSender starts a request at its ticket from its own thread, while this thread is busy", async () => {
  const server = await loopback();
  const sender = new WorkerSender();
  try {
    const signal = new AbortController().signal;
    await sender.send(`${server.base}/data`, { at: Date.now(), until: Date.now() + 5000 }, signal); // warm up
    const at = Date.now() + 300;
    const sent = sender.send(`${server.base}/moved`, { at, until: at + 1000 }, signal);
    const busyUntil = performance.now() + 1500; // past the ticket's until
    while (performance.now() < busyUntil) { /* a long parse on the main thread */ }
    const answer = await sent;
    assert.ok(answer !== null);
    assert.deepEqual([...answer.bytes], [1, 2, 3]);
    assert.equal(answer.response.url, `${server.base}/data`);
    assert.equal(answer.response.headers.get("content-disposition"), "attachment; filename=a.zip");
    const arrived = server.arrivals[1]!;
    assert.ok(arrived >= at && arrived < at + 1000, `arrived ${arrived - at} ms after its start`);
  } finally {
    sender.close();
    await server.close();
  }
});

Deno.test("WorkerSender refuses a ticket that has passed and rejects with the reason on abort", async () => {
  const server = await loopback();
  const sender = new WorkerSender();
  try {
    const now = Date.now();
    const stop = new AbortController();
    assert.equal(
      await sender.send(`${server.base}/data`, { at: now - 500, until: now - 400 }, stop.signal),
      null,
    );
    const hanging = sender.send(`${server.base}/slow`, { at: now, until: now + 5000 }, stop.signal);
    setTimeout(() => stop.abort(new Error("timed out")), 200);
    await assert.rejects(hanging, /timed out/);
    await assert.rejects(sender.send(`${server.base}/data`, { at: now, until: now + 5000 }, stop.signal));
    assert.equal(server.arrivals.length, 1, "only the aborted request reached the server");
    await assert.rejects(
      sender.send(
        "http://127.0.0.1:1/data",
        { at: Date.now(), until: Date.now() + 5000 },
        AbortSignal.timeout(5000),
      ),
      TypeError,
    );
  } finally {
    sender.close();
    await server.close();
  }
});

Deno.test("WorkerSender's network error keeps its cause chain, so a refused connection is named", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close(); // nothing listens there now
  const sender = new WorkerSender();
  try {
    const error = await sender.send(
      `http://127.0.0.1:${port}/data`,
      { at: Date.now(), until: Date.now() + 5000 },
      AbortSignal.timeout(5000),
    ).then(() => null, (e: unknown) => e);
    assert.ok(error instanceof TypeError);
    assert.equal(networkCause(error).cause, "refused", String(error));
  } finally {
    sender.close();
  }
});

Deno.test("WorkerSender stops its idle worker; ready() starts it again and the next send starts on its ticket", async () => {
  const server = await loopback();
  const sender = new WorkerSender({ idleMs: 20 });
  try {
    const signal = new AbortController().signal;
    await sender.ready();
    assert.ok(await sender.send(`${server.base}/data`, { at: Date.now(), until: Date.now() + 5000 }, signal));
    const deadline = Date.now() + 10_000; // generous: only the stop matters, not how soon
    while (sender.workerRunning && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(sender.workerRunning, false);
    await sender.ready();
    assert.equal(sender.workerRunning, true);
    const at = Date.now() + 200;
    const answer = await sender.send(`${server.base}/data`, { at, until: at + 1000 }, signal);
    assert.deepEqual([...answer!.bytes], [1, 2, 3]);
    assert.ok(server.arrivals[1]! >= at, "started before its ticket");
  } finally {
    sender.close();
    await server.close();
  }
});
