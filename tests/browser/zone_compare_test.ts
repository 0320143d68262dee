/**
 * Comparing zones on the dashboard's chart in Debian's Chromium, at a desktop (1440×900) and a phone
 * (390×844) width: two zones overlaid on one chart, a hub-to-hub spread as its own series, and the node
 * search picking the zone shown. Screenshots go to `test-artifacts/`.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { ARTIFACTS, pageProblems, startDashboardWithDay, tileShows, WIDTHS } from "./helpers.ts";

interface Drawn {
  label: string;
  hidden: boolean;
  colour: string;
  points: { x: number; y: number }[];
}

/** The chart's datasets: label, whether hidden, colour and points. */
function drawn(page: Page): Promise<Drawn[]> {
  return page.evaluate(() =>
    // deno-lint-ignore no-explicit-any
    (globalThis as any).Chart.getChart(document.getElementById("chart")).data.datasets.map((d: any) => ({
      label: d.label,
      hidden: d.hidden === true,
      colour: d.borderColor,
      points: d.data,
    }))
  );
}

async function waitForLabels(page: Page, labels: string[]): Promise<Drawn[]> {
  await page.waitForFunction(
    (want) => {
      // deno-lint-ignore no-explicit-any
      const sets = (globalThis as any).Chart.getChart(document.getElementById("chart")).data.datasets;
      // deno-lint-ignore no-explicit-any
      return want.every((l) => sets.some((d: any) => d.label === l && d.data.length > 0));
    },
    labels,
    { timeout: 10_000 },
  );
  return await drawn(page);
}

Deno.test("[browser] the chart overlays compared zones, draws a hub-to-hub spread, and the node search picks the zone", async () => {
  const dashboard = await startDashboardWithDay();
  const { server, browser } = dashboard;
  try {
    const rtOf = async (zone: string) => {
      const body = await (await fetch(`${server.url}/api/history/24?zone=${zone}&type=rt`)).json();
      return new Map<number, number>(body.points.map((p: { ms: number; price: number }) => [p.ms, p.price]));
    };
    const [np15, sp15] = [await rtOf("np15"), await rtOf("sp15")];
    await Deno.mkdir(ARTIFACTS, { recursive: true });

    for (const { name, viewport } of WIDTHS) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      const problems = pageProblems(page);
      await page.goto(`${server.url}/?zone=sp15`);
      await tileShows(page, "2026-07-01T19:55:00Z", 15_000);

      // Typing offers the matching configured zones.
      await page.fill("#compare-zone", "p1");
      const offered = await page.$$eval(
        "#zone-list option",
        (os) => os.map((o) => (o as HTMLOptionElement).value),
      );
      assert.deepEqual(offered.sort(), ["np15", "sp15"]);
      await page.fill("#compare-zone", "nope");
      await page.press("#compare-zone", "Enter");
      assert.equal(
        await page.getAttribute("#compare-zone", "aria-invalid"),
        "true",
        "an unknown zone is refused",
      );

      // NP15 over SP15: both RT series on one chart in distinct colours, the other markets hidden.
      await page.fill("#compare-zone", "NP15");
      await page.press("#compare-zone", "Enter");
      let sets = await waitForLabels(page, ["SP15 Real-time", "NP15 Real-time"]);
      const main = sets.find((d) => d.label === "SP15 Real-time")!;
      const other = sets.find((d) => d.label === "NP15 Real-time")!;
      assert.equal(main.hidden, false);
      assert.deepEqual(sets.filter((d) => d.label.startsWith("SP15 ") && d.hidden).map((d) => d.label), [
        "SP15 FMM",
        "SP15 Day-ahead",
      ]);
      assert.notEqual(main.colour, other.colour);
      for (const p of other.points.slice(1, -1)) assert.equal(p.y, np15.get(p.x), `NP15 at ${p.x}`);
      assert.deepEqual(await page.$$eval("#compare-zones li", (ls) => ls.map((l) => l.textContent)), [
        "NP15×",
      ]);

      // The spread NP15 − SP15 as its own dashed series.
      await page.selectOption("#spread", "np15|sp15");
      sets = await waitForLabels(page, ["NP15 − SP15"]);
      const spread = sets.find((d) => d.label === "NP15 − SP15")!;
      assert.ok(spread.points.length > 200, `${spread.points.length} spread points`);
      for (const p of spread.points.slice(1, -1)) {
        assert.ok(Math.abs(p.y - (np15.get(p.x)! - sp15.get(p.x)!)) < 1e-6, `spread at ${p.x}`);
      }
      const stats = await page.$$eval("#stats tbody td:first-child", (tds) => tds.map((t) => t.textContent));
      assert.deepEqual(stats, ["SP15 Real-time", "NP15 Real-time", "NP15 − SP15"]);
      await page.locator(".chart-card").screenshot({
        path: new URL(`compare_spread_${name}.png`, ARTIFACTS).pathname,
      });

      // The node search picks the zone shown; the comparison stays, and outlives a reload.
      await page.fill("#zone-search", "ZP26");
      await page.press("#zone-search", "Enter");
      await page.waitForFunction(() => document.getElementById("chart-zone")?.textContent === "· ZP26");
      assert.equal(await page.inputValue("#zone"), "zp26");
      assert.match(page.url(), /zone=zp26/);
      await page.reload();
      await waitForLabels(page, ["ZP26 Real-time", "NP15 Real-time"]);
      await page.evaluate(() => scrollTo(0, 0));
      await page.screenshot({ path: new URL(`compare_${name}.png`, ARTIFACTS).pathname, fullPage: true });

      // Removing the last compared zone brings back the usual three markets.
      await page.click('#compare-zones button[data-zone="np15"]');
      sets = await waitForLabels(page, ["Real-time", "FMM", "Day-ahead"]);
      assert.equal(sets.length, 5, "the three markets and two alert lines");
      assert.equal(sets.filter((d) => d.hidden).length, 0);
      assert.equal(await page.isDisabled("#spread"), true);
      assert.deepEqual(problems, []);
      await context.close();
    }
  } finally {
    await dashboard.close();
  }
});
