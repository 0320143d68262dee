import assert from "node:assert/strict";
import { unzipSync } from "fflate";
import { startSimulator } from "../../simulator/simulator.ts";
import { NOW } from "./helpers.ts";

const QUERY = "?resultformat=6&queryname=PRC_LMP&version=12&market_run_id=DAM&node=TH_NP15_GEN-APND" +
  "&startdatetime=20260701T07:00-0000&enddatetime=20260702T07:00-0000";

async function withServer(test: (base: string, url: string) => Promise<void>): Promise<void> {
  const server = startSimulator({ port: 0, now: () => NOW });
  try {
    await test(server.url.replace("/oasisapi/SingleZip", ""), server.url);
  } finally {
    await server.shutdown();
  }
}

async function post(url: string, body: unknown): Promise<Response> {
  return await fetch(url, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json" },
  });
}

Deno.test("[http] startSimulator() serves SingleZip over HTTP with the OASIS headers", async () => {
  await withServer(async (_base, url) => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/oasisapi\/SingleZip$/);
    const response = await fetch(url + QUERY);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("Content-Type"), "application/x-zip-compressed");
    assert.match(
      response.headers.get("Content-Disposition") ?? "",
      /^inline; filename=20260701_20260702_PRC_LMP_DAM_/,
    );
    const members = unzipSync(new Uint8Array(await response.arrayBuffer()));
    assert.equal(Object.keys(members).length, 5);
  });
});

Deno.test("[http] POST /sim/faults queues faults, GET lists them and DELETE clears them", async () => {
  await withServer(async (base, url) => {
    const added = await post(`${base}/sim/faults`, [{ kind: "http429", count: 2 }, { kind: "http500" }]);
    assert.equal(added.status, 201);
    assert.equal((await added.json()).length, 2);
    const throttled = await fetch(url + QUERY);
    assert.equal(throttled.status, 429);
    assert.equal((await throttled.text()).length, 114);
    const pending = await (await fetch(`${base}/sim/faults`)).json();
    assert.deepEqual(pending.map((f: { remaining: number }) => f.remaining), [1, 1]);
    const cleared = await fetch(`${base}/sim/faults`, { method: "DELETE" });
    assert.equal(cleared.status, 204);
    await cleared.body?.cancel();
    const ok = await fetch(url + QUERY);
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    const bad = await post(`${base}/sim/faults`, { kind: "nonsense" });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error, /unknown kind "nonsense"/);
  });
});

Deno.test("[http] POST /sim/clock sets the simulated now and GET /sim/requests logs OASIS calls", async () => {
  await withServer(async (base, url) => {
    const set = await post(`${base}/sim/clock`, { now: "2026-07-02T08:00:00Z", frozen: true });
    assert.deepEqual(await set.json(), { now: "2026-07-02T08:00:00.000Z" });
    const response = await fetch(url + QUERY);
    assert.match(response.headers.get("Content-Disposition") ?? "", /_20260702_01_00_00_v12\.zip$/);
    await response.body?.cancel();
    const log = await (await fetch(`${base}/sim/requests`)).json();
    assert.deepEqual(log, [{ url: url + QUERY, at: "2026-07-02T08:00:00.000Z", status: 200 }]);
    const badClock = await post(`${base}/sim/clock`, { now: "yesterday" });
    assert.equal(badClock.status, 400);
    await badClock.body?.cancel();
  });
});

Deno.test("[http] a networkError fault breaks the connection so fetch fails", async () => {
  await withServer(async (base, url) => {
    (await post(`${base}/sim/faults`, { kind: "networkError" })).body?.cancel();
    await assert.rejects(async () => {
      const response = await fetch(url + QUERY);
      await response.arrayBuffer();
    }, TypeError);
    const ok = await fetch(url + QUERY);
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
  });
});

Deno.test("[http] unknown paths answer 404", async () => {
  await withServer(async (base) => {
    const response = await fetch(`${base}/oasisapi/Other`);
    assert.equal(response.status, 404);
    await response.body?.cancel();
  });
});
