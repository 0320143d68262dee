import assert from "node:assert/strict";
import { ClientSet } from "../../src/live/client_set.ts";
import { createLiveClient, type LiveClient, trySend } from "../../src/live/live_client.ts";

const WS = { clientFramesPerS: 10, clientFrameBurst: 5 };

/** A socket that records what it was sent; `bufferedAmount` and failure are set by the test. */
function fakeSocket(bufferedAmount = 0, fails = false) {
  const sent: string[] = [];
  const socket = {
    bufferedAmount,
    send(text: string) {
      if (fails) throw new Error("closed");
      sent.push(text);
    },
  };
  return { socket: socket as unknown as WebSocket, sent };
}

const client = (address: string | null = null, socket = fakeSocket().socket): LiveClient =>
  createLiveClient(socket, address, WS);

Deno.test("[ws] ClientSet indexes clients by zone and address and forgets them on delete", () => {
  const set = new ClientSet();
  const a = client("10.0.0.1");
  const b = client("10.0.0.1");
  const c = client(null);
  set.add(a, ["sp15"]);
  set.add(b, "*");
  set.add(c, ["np15", "sp15"]);
  assert.equal(set.size, 3);
  assert.equal(set.countFrom("10.0.0.1"), 2);
  assert.deepEqual([...set.wildcard], [b]);
  assert.deepEqual([...set.of("sp15") ?? []], [a, c]);
  set.subscribe(a, ["zp26"]);
  assert.deepEqual([...set.of("sp15") ?? []], [c]);
  assert.equal(set.delete(a), true);
  assert.equal(set.delete(a), false);
  assert.equal(set.has(a), false);
  assert.equal(set.countFrom("10.0.0.1"), 1);
  assert.equal(set.of("zp26"), undefined);
  assert.equal(set.size, 2);
});

Deno.test("[ws] trySend() sends within the limit and re-reads bufferedAmount only once past it", () => {
  const { socket, sent } = fakeSocket(100);
  const c = client(null, socket);
  assert.equal(c.unsentBound, Infinity); // a new client: the first send reads bufferedAmount
  assert.equal(trySend(c, "one", 3, 1000), "sent");
  assert.equal(c.unsentBound, 103);
  assert.equal(trySend(c, "two", 3, 1000), "sent");
  assert.equal(c.unsentBound, 106);
  assert.deepEqual(sent, ["one", "two"]);
});

Deno.test("[ws] trySend() refuses a client whose unsent bytes are over the limit, and reports a failed socket", () => {
  const slow = client(null, fakeSocket(5000).socket);
  assert.equal(trySend(slow, "x", 1, 1000), "slow");
  assert.equal(slow.unsentBound, 5000);
  const broken = client(null, fakeSocket(0, true).socket);
  assert.equal(trySend(broken, "x", 1, 1000), "closed");
});
