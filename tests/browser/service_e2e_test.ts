/**
 * End to end, as a trader sees it: the real service process (`src/main.ts`, embedded defaults) polls the
 * OASIS simulator on its own cron, and Debian's Chromium shows what arrived: the newest real-time price on
 * the dashboard, then the next interval once OASIS publishes it and the service's next poll fetches it.
 * Fails loudly when Chromium is missing; never skips.
 */
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import { launchChromium, money, pageProblems, tileShows } from "./helpers.ts";
import { startSimulator } from "../../simulator/simulator.ts";
import { startServiceProcess, until } from "../service_process.ts";

Deno.test("[browser] the service's own polls reach the dashboard: the newest price, then the next interval", async () => {
  // OASIS is 30 minutes behind the wall clock and frozen there, so what is published is under test control.
  const five = 5 * 60_000;
  const oasisNow = new Date(Math.floor((Date.now() - 30 * 60_000) / five) * five + 2 * 60_000);
  const sim = startSimulator({ port: 0 });
  sim.simulator.clock.set(oasisNow, { frozen: true });
  const service = await startServiceProcess({
    CAISO_OASIS_BASE_URL: sim.url,
    CAISO_OASIS_MIN_INTERVAL_MS: "0",
    OASIS_DATASETS: "lmp_rtm,lmp_dam",
    JOB_SCHEDULES: "lmp_rtm=* * * * *",
    JOB_LOOKBACK_HOURS: "3",
  });
  const { base, output } = service;
  const currentRt = async () => {
    const res = await fetch(`${base}/api/current?zone=sp15`);
    const body = await res.json();
    const z = body.zones?.[0];
    return z?.rt_timestamp ? { timestamp: z.rt_timestamp as string, price: z.rt_price as number } : undefined;
  };
  let browser: Browser | undefined;
  try {
    // The immediate run at start fetches what OASIS has published: up to the interval ending at oasisNow.
    const first = await until("the first poll's RT price", 60_000, currentRt).catch((e) => {
      // stderr is read in full only once the child has exited (in finally): show stdout here.
      throw new Error(`${e.message}\n${output()}`);
    });
    assert.ok(
      Date.parse(first.timestamp) < oasisNow.getTime(),
      `${first.timestamp} is published at ${oasisNow.toISOString()}`,
    );

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = pageProblems(page);
    await page.goto(`${base}/?zone=sp15`);
    await tileShows(page, first.timestamp, 15_000);
    assert.equal(await page.textContent("#tile-rt .value"), money(first.price));

    // OASIS publishes the next interval; the service's next cron poll (every minute) fetches it and the
    // page shows it without a reload.
    sim.simulator.clock.set(new Date(oasisNow.getTime() + five), { frozen: true });
    const next = await until("the next poll's new RT interval", 90_000, async () => {
      const rt = await currentRt();
      return rt && rt.timestamp !== first.timestamp ? rt : undefined;
    }).catch((e) => {
      throw new Error(`${e.message}\n${output()}`);
    });
    assert.equal(Date.parse(next.timestamp), Date.parse(first.timestamp) + five);
    await tileShows(page, next.timestamp, 5_000);
    assert.equal(await page.textContent("#tile-rt .value"), money(next.price));
    assert.deepEqual(problems, []);
  } finally {
    await browser?.close();
    const stopped = await service.stop();
    await sim.shutdown();
    assert.equal(stopped.code, 0, `the service stops cleanly on SIGTERM\n${stopped.stderr}`);
  }
});
