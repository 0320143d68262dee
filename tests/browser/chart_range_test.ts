/**
 * The chart's ranges, forward day-ahead curve, tooltip, zoom and CSV download in Debian's Chromium, at a
 * desktop (1440×900) and a phone (390×844) width. Screenshots go to `test-artifacts/`.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { ARTIFACTS, pageProblems, startDashboard, tileShows } from "./helpers.ts";

const HOUR = 3_600_000;
const WIDTHS = [
  { name: "desktop", viewport: { width: 1440, height: 900 } },
  { name: "phone", viewport: { width: 390, height: 844 } },
] as const;

/** What the chart shows: its x range, each series' first and last x, tick labels, the "now" marker. */
function chartView(page: Page) {
  return page.evaluate(() => {
    // deno-lint-ignore no-explicit-any
    const chart = (globalThis as any).Chart.getChart(document.getElementById("chart"));
    const xs = (i: number) => chart.data.datasets[i].data.map((p: { x: number }) => p.x);
    return {
      min: chart.scales.x.min as number,
      max: chart.scales.x.max as number,
      rt: xs(0) as number[],
      da: xs(2) as number[],
      now: chart.options.plugins.nowMarker.at as number,
      labels: chart.scales.x.ticks.map((t: { label: string | string[] }) =>
        [t.label].flat().join(" ")
      ) as string[],
      pressed: document.querySelector("#range [aria-pressed=true]")?.getAttribute("data-range"),
      title: document.getElementById("chart-title")?.textContent,
    };
  });
}

async function waitForSpan(page: Page, hours: number, firstRtBefore = Infinity): Promise<void> {
  await page.waitForFunction(
    ([h, first]) => {
      // deno-lint-ignore no-explicit-any
      const chart = (globalThis as any).Chart.getChart(document.getElementById("chart"));
      const rt = chart.data.datasets[0].data;
      return Math.abs(chart.scales.x.max - chart.scales.x.min - h * 3_600_000) < 1000 && rt.length > 0 &&
        rt[0].x <= first;
    },
    [hours, firstRtBefore] as const,
    { timeout: 10_000 },
  );
}

async function download(page: Page): Promise<{ name: string; lines: string[] }> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
  const text = await Deno.readTextFile((await file.path())!);
  assert.ok(text.endsWith("\n"));
  return { name: file.suggestedFilename(), lines: text.trimEnd().split("\n") };
}

Deno.test("[browser] the chart offers 6 h, 24 h, 48 h and 7 d ranges with the day-ahead curve ahead of now, and downloads what it shows as CSV", async () => {
  const dashboard = await startDashboard("2026-07-01T20:03:00Z", { WS_HEARTBEAT_S: "30" });
  const { now, server, browser, ingest } = dashboard;
  try {
    const end = new Date("2026-07-01T20:05:00Z");
    await ingest("lmp_dam", new Date("2026-06-29T07:00:00Z"), new Date("2026-07-03T07:00:00Z"));
    await ingest("lmp_fmm", new Date("2026-06-29T20:00:00Z"), end);
    await ingest("lmp_rtm", new Date("2026-06-29T20:00:00Z"), end);
    const nowMs = now().getTime();
    const apiCsv = async (path: string) => {
      const res = await fetch(`${server.url}${path}&format=csv`);
      assert.equal(res.status, 200, path);
      return (await res.text()).trimEnd().split("\n").slice(1);
    };
    const daAhead = (await apiCsv("/api/history/1?zone=sp15&type=da")).map((l) =>
      Date.parse(l.split(",")[2]!)
    )
      .filter((ms) => ms > nowMs);
    assert.ok(daAhead.length >= 11, `the store holds the day-ahead hours ahead of now: ${daAhead.length}`);
    await Deno.mkdir(ARTIFACTS, { recursive: true });

    for (const { name, viewport } of WIDTHS) {
      const page = await browser.newPage({ viewport });
      const problems = pageProblems(page);
      await page.goto(`${server.url}/?zone=sp15`);
      await tileShows(page, "2026-07-01T19:55:00Z", 15_000);

      // 24 h (default): 24 hours back, 6 ahead, the DA curve past now, dates on the axis.
      await waitForSpan(page, 30);
      let view = await chartView(page);
      assert.equal(view.pressed, "24h");
      assert.ok(Math.abs(view.now - nowMs) < 60_000, "the now marker is at the server's now");
      assert.ok(Math.abs(view.min - (nowMs - 24 * HOUR)) < 60_000);
      assert.ok(view.rt.at(-1)! <= view.now + 1000, "real-time prices stop at now");
      assert.ok(
        view.da.at(-1)! >= nowMs + 5 * HOUR,
        `the day-ahead curve runs ahead: ${new Date(view.da.at(-1)!)}`,
      );
      assert.ok(
        view.labels.some((l) => / Jun 30$/.test(l)) && view.labels.some((l) => / Jul 1$/.test(l)),
        `${view.labels}`,
      );
      await page.screenshot({ path: new URL(`chart_24h_${name}.png`, ARTIFACTS).pathname, fullPage: true });

      // The tooltip lists every series at the hovered time.
      const box = (await page.locator("#chart").boundingBox())!;
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
      const tip = await page.evaluate(() => {
        // deno-lint-ignore no-explicit-any
        const t = (globalThis as any).Chart.getChart(document.getElementById("chart")).tooltip;
        return { title: t.title, lines: t.body.flatMap((b: { lines: string[] }) => b.lines) };
      });
      assert.match(tip.title.join(" "), /^(Jun 30|Jul 1) \d\d:\d\d PDT$/);
      await page.locator(".chart-card").screenshot({
        path: new URL(`chart_tooltip_${name}.png`, ARTIFACTS).pathname,
      });
      assert.equal(tip.lines.length, 3, `${tip.lines}`);
      ["Real-time", "FMM", "Day-ahead"].forEach((s, i) =>
        assert.match(tip.lines[i], new RegExp(`^${s}: −?\\$\\d`))
      );

      // 7 d: prices beyond the snapshot's 24 hours are read from the API; the download matches the API.
      await page.click('#range button[data-range="7d"]');
      await waitForSpan(page, 192, nowMs - 47 * HOUR);
      view = await chartView(page);
      assert.equal(view.title, "Last 7 days");
      assert.ok(
        view.labels.every((l) => /^[A-Z][a-z]{2} \d+$/.test(l)),
        `a week is labelled by date: ${view.labels}`,
      );
      assert.match(page.url(), /range=7d/);
      await page.screenshot({ path: new URL(`chart_7d_${name}.png`, ARTIFACTS).pathname, fullPage: true });
      const week = await download(page);
      assert.equal(week.name, "oasis-sp15-7d.csv");
      assert.equal(week.lines[0], "zone,market,timestamp,price");
      const rows = (market: string, lines: string[]) => lines.filter((l) => l.split(",")[1] === market);
      assert.deepEqual(rows("RT", week.lines), await apiCsv("/api/history/168?zone=sp15&type=rt"));
      assert.deepEqual(rows("FMM", week.lines), await apiCsv("/api/history/168?zone=sp15&type=fmm"));
      const da = (await apiCsv("/api/history/168?zone=sp15&type=da"))
        .filter((l) => Date.parse(l.split(",")[2]!) <= nowMs + 24 * HOUR);
      assert.deepEqual(rows("DA", week.lines), da, "day-ahead through 24 hours ahead");
      assert.ok(rows("RT", week.lines).length >= 48 * 12 - 1, "48 hours of RT");

      // 6 h: 6 back and 2 ahead.
      await page.click('#range button[data-range="6h"]');
      await waitForSpan(page, 8);
      await page.screenshot({ path: new URL(`chart_6h_${name}.png`, ARTIFACTS).pathname, fullPage: true });
      const six = await download(page);
      assert.equal(six.name, "oasis-sp15-6h.csv");
      assert.deepEqual(rows("RT", six.lines), await apiCsv("/api/history/6?zone=sp15&type=rt"));
      const stamps = six.lines.slice(1).map((l) => Date.parse(l.split(",")[2]!));
      assert.ok(stamps.every((ms) => ms >= nowMs - 6 * HOUR - 60_000 && ms <= nowMs + 2 * HOUR));
      assert.equal(rows("DA", six.lines).filter((l) => Date.parse(l.split(",")[2]!) > nowMs).length, 2);

      // 48 h: tomorrow's day-ahead in view.
      await page.click('#range button[data-range="48h"]');
      await waitForSpan(page, 48, nowMs - 23 * HOUR); // the 24 hours back, after the 6 h range
      view = await chartView(page);
      assert.ok(view.da.at(-1)! >= nowMs + 23 * HOUR, "tomorrow's day-ahead hours are drawn");
      await page.screenshot({ path: new URL(`chart_48h_${name}.png`, ARTIFACTS).pathname, fullPage: true });

      // Zoom in with the wheel, then back with "Reset zoom"; the download follows the zoomed range.
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
      for (let i = 0; i < 3; i++) await page.mouse.wheel(0, -600); // 10 % per notch
      await page.waitForFunction(() => !document.getElementById("reset-zoom")!.hidden, null, {
        timeout: 5000,
      });
      view = await chartView(page);
      assert.ok(view.max - view.min < 40 * HOUR, `zoomed in: ${(view.max - view.min) / HOUR} h`);
      const zoomed = await download(page);
      const zoomedStamps = zoomed.lines.slice(1).map((l) => Date.parse(l.split(",")[2]!));
      assert.ok(zoomedStamps.every((ms) => ms >= view.min && ms <= view.max), "only what the chart shows");
      await page.click("#reset-zoom");
      await waitForSpan(page, 48);
      assert.equal(await page.isHidden("#reset-zoom"), true);
      assert.deepEqual(problems, []);
      await page.close();
    }
  } finally {
    await dashboard.close();
  }
});
