import assert from "node:assert/strict";
import { startWsServer, TestSocket } from "../live/ws_helpers.ts";

Deno.test("startHttpServer() serves the API and /ws on a free port and shuts down cleanly", async () => {
  const s = await startWsServer();
  try {
    assert.match(s.server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${s.server.url}/api/current?zone=sp15`);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).zones[0].zone, "sp15");
    const a = await TestSocket.open(s.wsUrl("?zones=sp15"));
    await a.next("snapshot");
    assert.equal(s.server.fanOut.size, 1);
    await a.close();
  } finally {
    await s.close();
  }
  await assert.rejects(fetch(`${s.server.url}/health`));
});
