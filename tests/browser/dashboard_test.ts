/**
 * The dashboard in a real browser: Debian's Chromium (never a downloaded one) driven by playwright-core,
 * against the service on the OASIS simulator. Fails loudly when Chromium is missing; never skips.
 */

import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { ARTIFACTS, money, pageProblems, startDashboard, tileShows } from "./helpers.ts";

Deno.test("[browser] the dashboard shows live prices and a new interval within a second", async () => {
  const dashboard = await startDashboard("2026-07-01T20:03:00Z", { WS_HEARTBEAT_S: "30" });
  const { sim, now, server, browser, ingest } = dashboard;
  try {
    const day = new Date("2026-06-30T20:00:00Z");
    const end = new Date("2026-07-01T20:05:00Z");
    await ingest("lmp_dam", new Date("2026-07-01T07:00:00Z"), new Date("2026-07-02T07:00:00Z"));
    await ingest("lmp_dam", day, new Date("2026-07-01T07:00:00Z"));
    await ingest("lmp_fmm", day, end);
    await ingest("lmp_rtm", day, end);
    // The market-detail panels with data too (the screenshot is the README's).
    await ingest("as_dam", new Date("2026-07-01T07:00:00Z"), new Date("2026-07-02T07:00:00Z"));
    await ingest("crr", new Date("2026-07-01T07:00:00Z"), new Date("2026-07-02T07:00:00Z"));

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = pageProblems(page);
    await page.goto(`${server.url}/?zone=sp15`);
    await tileShows(page, "2026-07-01T19:55:00Z", 15_000);
    const first = await page.textContent("#tile-rt .value");
    assert.match(first ?? "", /^−?\$\d+\.\d\d$/);
    await page.waitForFunction(() => document.querySelector("#status")?.textContent === "Live");

    // A new interval is published: the simulator's clock moves past 20:05 and a poll ingests it.
    sim.simulator.clock.set(new Date("2026-07-01T20:08:00Z"), { frozen: true });
    const updates = await ingest("lmp_rtm", new Date("2026-07-01T19:10:00Z"), now());
    const fresh = updates.find((u) => u.zone === "sp15" && u.timestamp === "2026-07-01T20:00:00Z");
    assert.ok(fresh, "the poll published the 20:00 interval");
    // The page's own receipt, within one second of the ingest returning.
    await tileShows(page, "2026-07-01T20:00:00Z", 1000);
    assert.equal(await page.textContent("#tile-rt .value"), money(fresh.price));
    assert.match(
      await page.textContent("#updates") ?? "",
      new RegExp(money(fresh.price).replace("$", "\\$")),
    );

    await page.waitForTimeout(1200); // let the flash of the new price end and the signals load
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL("dashboard.png", ARTIFACTS).pathname, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: new URL("dashboard_phone.png", ARTIFACTS).pathname, fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await dashboard.close();
  }
});

async function estimateShown(page: Page, interval: string | null, timeout: number): Promise<void> {
  await page.waitForFunction(
    (want) => {
      const el = document.querySelector<HTMLElement>("#rt-estimate");
      return want === null ? el?.hidden === true : el?.hidden === false && el.dataset.interval === want;
    },
    interval,
    { timeout },
  );
}

Deno.test("[browser] a missing RT interval shows a labelled estimate beside the last real price until the real one arrives", async () => {
  // Published up to 20:08: 19:55 and 20:00 have ended, but the service has only 19:55 so far.
  // A one-second heartbeat: each ping tells the page the server's (simulated) time.
  const dashboard = await startDashboard("2026-07-01T20:08:00Z", { WS_HEARTBEAT_S: "1" });
  const { sim, now, store, server, browser, ingest } = dashboard;
  try {
    const from = new Date("2026-07-01T18:00:00Z");
    await ingest("lmp_dam", new Date("2026-07-01T07:00:00Z"), new Date("2026-07-02T07:00:00Z"));
    await ingest("lmp_rtm", from, new Date("2026-07-01T20:00:00Z"));
    const da = (await store.history("sp15", "DA", { from: new Date("2026-07-01T20:00:00Z") })).value[0]!;
    assert.equal(da.timestamp, "2026-07-01T20:00:00Z");

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = pageProblems(page);
    await page.goto(`${server.url}/?zone=sp15`);
    await tileShows(page, "2026-07-01T19:55:00Z", 15_000);
    // From the snapshot: the estimate of 20:00, labelled, beside the last real price.
    await estimateShown(page, "2026-07-01T20:00:00Z", 5000);
    assert.match(
      await page.textContent("#rt-estimate .estimate-label") ?? "",
      /^estimate \(DA price\) · 13:00–13:05$/,
    );
    assert.equal(await page.textContent("#rt-estimate .estimate-value"), money(da.price));
    assert.equal(
      await page.$eval("#rt-estimate", (el) => getComputedStyle(el).fontStyle),
      "italic",
      "set apart from real prices",
    );
    assert.equal(
      await page.textContent("#tile-rt .age"),
      "8 min ago",
      "the real price keeps its age (from the end of 19:55–20:00)",
    );
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL("dashboard_estimate.png", ARTIFACTS).pathname });

    // The real 20:00 price arrives: the estimate goes at once.
    const updates = await ingest("lmp_rtm", from, now());
    const real = updates.find((u) => u.zone === "sp15" && u.timestamp === "2026-07-01T20:00:00Z");
    assert.ok(real, "the poll published the 20:00 interval");
    await tileShows(page, "2026-07-01T20:00:00Z", 1000);
    await estimateShown(page, null, 1000);

    // Five minutes on, 20:05 has ended without a real price: the page asks for the new estimate.
    sim.simulator.clock.set(new Date("2026-07-01T20:13:00Z"), { frozen: true });
    await estimateShown(page, "2026-07-01T20:05:00Z", 5000);
    assert.equal(await page.textContent("#tile-rt .value"), money(real.price), "the real price stays");
    await ingest("lmp_rtm", from, now());
    await tileShows(page, "2026-07-01T20:05:00Z", 1000);
    await estimateShown(page, null, 1000);
    assert.deepEqual(problems, []);
  } finally {
    await dashboard.close();
  }
});

Deno.test("[browser] the Live pill names a market without data, and says Live once its prices arrive", async () => {
  const dashboard = await startDashboard("2026-07-01T20:03:00Z", { WS_HEARTBEAT_S: "30" });
  const { browser, ingest, server } = dashboard;
  try {
    const day = new Date("2026-06-30T20:00:00Z");
    const end = new Date("2026-07-01T20:05:00Z");
    await ingest("lmp_fmm", day, end);
    await ingest("lmp_rtm", day, end);
    const page = await browser.newPage();
    const problems = pageProblems(page);
    await page.goto(`${server.url}/?zone=sp15`);
    await tileShows(page, "2026-07-01T19:55:00Z", 15_000);
    const pill = () =>
      page.evaluate(() => {
        const el = document.querySelector("#status")!;
        return {
          text: el.textContent,
          degraded: el.classList.contains("degraded"),
          title: el.getAttribute("title"),
        };
      });
    await page.waitForFunction(() => document.querySelector("#status")?.textContent?.startsWith("Live"));
    assert.deepEqual(await pill(), { text: "Live · DA missing", degraded: true, title: "DA: no data" });
    // Today's DA arrives: its updates make the page ask the server again.
    await ingest("lmp_dam", new Date("2026-07-01T07:00:00Z"), new Date("2026-07-02T07:00:00Z"));
    await page.waitForFunction(() => document.querySelector("#status")?.textContent === "Live", null, {
      timeout: 5000,
    });
    assert.equal((await pill()).degraded, false);
    assert.deepEqual(problems, []);
  } finally {
    await dashboard.close();
  }
});
