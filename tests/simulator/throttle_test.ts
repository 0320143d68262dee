import assert from "node:assert/strict";
import FakeTimers from "@sinonjs/fake-timers";
import { ask, fixedSimulator, oasisUrl, queryParams } from "./helpers.ts";

const URL_ = oasisUrl(
  queryParams("PRC_LMP", 12, "DAM", "20260701T07:00-0000", "20260702T07:00-0000", {
    node: "TH_SP15_GEN-APND",
  }),
);

Deno.test("requests starting less than throttleMs apart get the BigIP 429, like real OASIS", async () => {
  const clock = FakeTimers.install({ toFake: ["Date"], now: 1_000_000 });
  try {
    const sim = fixedSimulator({ throttleMs: 5_000 });
    assert.equal((await ask(sim, URL_)).response.status, 200);
    const second = await ask(sim, URL_);
    assert.equal(second.response.status, 429);
    assert.equal(second.response.headers.get("Server"), "BigIP");
    clock.tick(4_999);
    assert.equal((await ask(sim, URL_)).response.status, 429, "a throttled request also restarts the wait");
    clock.tick(5_000);
    assert.equal((await ask(sim, URL_)).response.status, 200);
    assert.deepEqual(sim.requests.map((r) => r.status), [200, 429, 429, 200]);
  } finally {
    clock.uninstall();
  }
});

Deno.test("throttleMs 0 (the default) never throttles", async () => {
  const clock = FakeTimers.install({ toFake: ["Date"], now: 1_000_000 });
  try {
    const sim = fixedSimulator();
    for (let i = 0; i < 3; i++) assert.equal((await ask(sim, URL_)).response.status, 200);
  } finally {
    clock.uninstall();
  }
});

Deno.test("control routes under /sim/ are never throttled", async () => {
  const clock = FakeTimers.install({ toFake: ["Date"], now: 1_000_000 });
  try {
    const sim = fixedSimulator({ throttleMs: 5_000 });
    await ask(sim, URL_);
    const log = await sim.handler(new Request("http://127.0.0.1:8090/sim/requests"));
    assert.equal(log.status, 200);
    assert.equal((await log.json()).length, 1);
  } finally {
    clock.uninstall();
  }
});
