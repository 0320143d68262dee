import assert from "node:assert/strict";
import { createSimulator } from "../../simulator/simulator.ts";
import { ask, fixedSimulator, NOW, oasisUrl, queryParams } from "./helpers.ts";

const PARAMS = queryParams("PRC_RTPD_LMP", 3, "RTPD", "20260701T07:00-0000", "20260701T19:00-0000", {
  node: "TH_NP15_GEN-APND,DLAP_SCE-APND,SOME_UNKNOWN_NODE",
});

Deno.test("the same request on the same clock gives the same bytes, across simulators", async () => {
  const a = await ask(fixedSimulator(), oasisUrl(PARAMS));
  const b = await ask(fixedSimulator(), oasisUrl(PARAMS));
  assert.equal(a.response.status, 200);
  assert.deepEqual(a.body, b.body);
  assert.equal(a.response.headers.get("Content-Disposition"), b.response.headers.get("Content-Disposition"));
});

Deno.test("another seed gives other prices for the same rows", async () => {
  const a = await ask(fixedSimulator({ seed: 1 }), oasisUrl(PARAMS));
  const b = await ask(fixedSimulator({ seed: 2 }), oasisUrl(PARAMS));
  assert.deepEqual(Object.keys(a.files), Object.keys(b.files));
  assert.notDeepEqual(a.files, b.files);
});

Deno.test("prices do not depend on the clock, only which intervals are published and the stamp do", async () => {
  const early = await ask(fixedSimulator({}, new Date("2026-07-01T12:00:00Z")), oasisUrl(PARAMS));
  const late = await ask(fixedSimulator(), oasisUrl(PARAMS));
  const lines = (files: Record<string, string>) =>
    Object.values(files).flatMap((t) => t.split("\n").slice(1));
  const earlyLines = new Set(lines(early.files).filter((l) => l !== ""));
  assert.ok(earlyLines.size > 0);
  const lateLines = new Set(lines(late.files));
  assert.ok([...earlyLines].every((l) => lateLines.has(l)));
});

Deno.test("clock.set() moves the simulated now, which publishes new intervals and stamps files", async () => {
  const sim = createSimulator({ now: () => NOW });
  const url = oasisUrl(
    queryParams("PRC_INTVL_LMP", 3, "RTM", "20260701T20:00-0000", "20260701T21:00-0000", {
      node: "TH_NP15_GEN-APND",
    }),
  );
  const before = await ask(sim, url);
  sim.clock.set(new Date("2026-07-01T20:10:00Z"), { frozen: true });
  const after = await ask(sim, url);
  const rows = (files: Record<string, string>) =>
    (Object.values(files)[0] ?? "").split("\n").filter((l) => l.startsWith("2026")).length;
  assert.equal(rows(before.files), 0);
  assert.equal(rows(after.files), 2);
  assert.match(after.response.headers.get("Content-Disposition") ?? "", /_20260701_13_10_00_v3\.zip$/);
  assert.equal(sim.requests[1]?.at.toISOString(), "2026-07-01T20:10:00.000Z");
});
