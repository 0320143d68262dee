/**
 * The battery panel in Chromium, against the service on the OASIS simulator: its inputs (restored from the
 * URL, kept in it, debounced, checked against the API's bounds), the optimal schedule they change, an API
 * 400 beside its input, no clipped column at 1440, 1280 and 390 px, and the Pacific time labels (PDT/PST,
 * hour ending HE1–HE24, HE25 on the fall-back day).
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { ARTIFACTS, pageProblems, startDashboard } from "./helpers.ts";

/** The battery chart's labels and bars (Chart.js's own data), once it has `count` slots. */
async function scheduleOf(page: Page, count = 24) {
  await page.waitForFunction(
    (n) => {
      const canvas = document.querySelector(".battery-chart-box canvas");
      // deno-lint-ignore no-explicit-any
      return ((globalThis as any).Chart?.getChart(canvas)?.data.labels.length ?? 0) === n;
    },
    count,
    { timeout: 20_000 },
  );
  return await page.evaluate(() => {
    // deno-lint-ignore no-explicit-any
    const chart = (globalThis as any).Chart.getChart(document.querySelector(".battery-chart-box canvas"));
    const values = (i: number) => chart.data.datasets[i].data.map((v: number | null) => v ?? 0);
    return { labels: chart.data.labels as string[], charge: values(0), discharge: values(1) };
  });
}

/** Whether the panel and its tables fit their width (no horizontal scroll, no clipped column). */
function overflow(page: Page) {
  return page.evaluate(() =>
    [".arbitrage-panel", ".arbitrage-panel table"].flatMap((sel) =>
      [...document.querySelectorAll<HTMLElement>(sel)]
        .filter((e) => e.scrollWidth > e.clientWidth || e.getBoundingClientRect().right > innerWidth)
        .map((e) => `${sel}: ${e.scrollWidth} > ${e.clientWidth}`)
    )
  );
}

/** The largest bar, rounded to kW (the optimizer works on a grid). */
/** At `width` × `height`: nothing in the panel clipped, and a screenshot `name`. */
async function fitsAt(page: Page, width: number, height: number, name: string) {
  await page.setViewportSize({ width, height });
  await page.waitForTimeout(300);
  assert.deepEqual(await overflow(page), [], `at ${width} px`);
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: new URL(name, ARTIFACTS).pathname, fullPage: true });
}

/** A dashboard at `at` with day-ahead prices from `from` to `to`, and a page of `width` showing SP15. */
async function withDayAhead(
  at: string,
  from: string,
  to: string,
  width: number,
  test: (page: Page) => Promise<void>,
) {
  const dashboard = await startDashboard(at, { WS_HEARTBEAT_S: "30" });
  try {
    await dashboard.ingest("lmp_dam", new Date(from), new Date(to));
    const page = await dashboard.browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(`${dashboard.server.url}/?zone=sp15`);
    await test(page);
  } finally {
    await dashboard.close();
  }
}

const maxOf = (values: number[]) => Math.round(Math.max(...values.map(Math.abs)) * 1000) / 1000;

Deno.test("[browser] battery inputs come from the URL, change the schedule (debounced) and stay in the URL", async () => {
  const dashboard = await startDashboard("2026-07-01T20:03:00Z", { WS_HEARTBEAT_S: "30" });
  const { server, browser, ingest } = dashboard;
  try {
    await ingest("lmp_dam", new Date("2026-06-30T07:00:00Z"), new Date("2026-07-02T07:00:00Z"));
    await ingest("lmp_rtm", new Date("2026-06-30T07:00:00Z"), new Date("2026-07-01T20:00:00Z"));
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const problems = pageProblems(page);
    const requests: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/api/arbitrage?")) requests.push(r.url());
    });
    await page.goto(`${server.url}/?zone=sp15&power_mw=2&energy_mwh=8`);
    assert.equal(await page.inputValue("input[name=power_mw]"), "2");
    assert.equal(await page.inputValue("input[name=rte]"), "85");
    const two = await scheduleOf(page);
    assert.deepEqual(two.labels.slice(0, 3), ["HE1", "HE2", "HE3"]);
    assert.equal(two.labels.at(-1), "HE24");
    assert.equal(maxOf(two.discharge), 2);
    assert.equal(maxOf(two.charge), 2);
    assert.match(await page.textContent(".arbitrage-panel .about") ?? "", /2 MW \/ 8 MWh.*PDT/);

    // Typing "1.5" is three valid edits ("1", "1.", "1.5") and one request, once typing pauses.
    requests.length = 0;
    await page.fill("input[name=power_mw]", "");
    await page.type("input[name=power_mw]", "1.5", { delay: 80 });
    await page.waitForFunction(() => new URLSearchParams(location.search).get("power_mw") === "1.5");
    await page.waitForFunction(
      () => {
        // deno-lint-ignore no-explicit-any
        const chart = (globalThis as any).Chart.getChart(document.querySelector(".battery-chart-box canvas"));
        const bars = chart.data.datasets[1].data.map((v: number | null) => Math.abs(v ?? 0));
        return Math.abs(Math.max(...bars) - 1.5) < 0.01; // the new schedule is drawn
      },
      undefined,
      { timeout: 20_000 },
    );
    const half = await scheduleOf(page);
    await page.waitForFunction(() =>
      /1\.5 MW \/ 8 MWh/.test(document.querySelector(".about")?.textContent ?? "")
    );
    assert.equal(maxOf(half.discharge), 1.5);
    assert.equal(requests.length, 1, requests.join("\n"));
    assert.match(requests[0]!, /power_mw=1\.5&energy_mwh=8&rte=0\.85&cycles=1/);

    // Out of the API's bounds: a message beside the input, no request.
    requests.length = 0;
    await page.fill("input[name=rte]", "40");
    assert.equal(await page.textContent("#battery-error-rte"), "Round trip must be from 50 to 100 %");
    await page.waitForTimeout(900);
    assert.equal(requests.length, 0);
    await page.fill("input[name=rte]", "85");
    await page.waitForFunction(() => document.querySelector("#battery-error-rte")?.textContent === "");

    // The schedule follows the dashboard's zone.
    await page.selectOption("#zone", "np15");
    await page.waitForFunction(() =>
      /DA schedule · NP15/.test(document.querySelector(".schedule-title")?.textContent ?? "")
    );

    // The page reloads with the same battery.
    await page.reload();
    assert.equal(await page.inputValue("input[name=power_mw]"), "1.5");
    assert.equal(maxOf((await scheduleOf(page)).discharge), 1.5);

    // HE labels, PDT, alert times with date and zone, ages from the interval's end (19:55–20:00 at 20:03).
    assert.equal(await page.textContent("#tile-rt .when"), "12:55–13:00 PDT");
    assert.equal(await page.textContent("#tile-rt .age"), "3 min ago");
    assert.equal(await page.textContent("#plan li:first-child"), "HE1");
    assert.match(await page.textContent("#plan-date") ?? "", /hour ending \(HE\), PDT/);
    assert.match(await page.textContent("#legend .legend-note") ?? "", /Pacific \(PDT\)/);
    for (const t of await page.locator("#alerts .time").allTextContents()) {
      assert.match(t, /^[A-Z][a-z]{2} \d{1,2} \d\d:\d\d PDT$/);
    }
    await fitsAt(page, 1440, 900, "battery_1440.png");
    await fitsAt(page, 1280, 900, "battery_1280.png");
    await fitsAt(page, 390, 844, "battery_phone.png");
    assert.deepEqual(problems, []);
  } finally {
    await dashboard.close();
  }
});

Deno.test("[browser] a day without prices is said in words, and a 400 from the API is shown beside the input it names", async () => {
  await withDayAhead(
    "2026-07-01T20:03:00Z",
    "2026-06-30T07:00:00Z",
    "2026-07-02T07:00:00Z",
    390,
    async (page) => {
      await scheduleOf(page);
      // Tomorrow has no day-ahead prices yet (an API 404): said in words; yesterday's schedule is drawn.
      await page.click(".battery-days button[data-day=tomorrow]");
      await page.waitForFunction(() =>
        document.querySelector(".schedule-note")?.textContent === "No day-ahead prices for SP15 on Jul 2 yet"
      );
      assert.equal((await scheduleOf(page, 0)).labels.length, 0);
      await page.click(".battery-days button[data-day=yesterday]");
      assert.equal((await scheduleOf(page, 24)).labels[0], "HE1");
      assert.match(await page.textContent(".schedule-title") ?? "", /SP15 · Jun 30/);
      // A value the page accepts but the API refuses (here: the request rewritten to energy_mwh=0 on its way):
      // the API's own 400 message beside the input.
      await page.route(
        "**/api/arbitrage/summary?*",
        (route) => route.continue({ url: route.request().url().replace("energy_mwh=9", "energy_mwh=0") }),
      );
      await page.fill("input[name=energy_mwh]", "9");
      await page.waitForFunction(() =>
        /^Invalid parameter "energy_mwh": 0 is not an energy in MWh/.test(
          document.querySelector("#battery-error-energy_mwh")?.textContent ?? "",
        )
      );
      // The panel keeps its tables and chart.
      assert.equal(await page.locator(".arbitrage-panel table").count(), 2);
      assert.equal(await page.getAttribute("input[name=energy_mwh]", "aria-invalid"), "true");
      await Deno.mkdir(ARTIFACTS, { recursive: true });
      await page.locator(".battery-inputs").screenshot({
        path: new URL("battery_error_phone.png", ARTIFACTS).pathname,
      });
    },
  );
});

Deno.test("[browser] on the fall-back day the plan and the schedule run HE1, HE2, HE25, HE3 … HE24 in PDT then PST", async () => {
  await withDayAhead(
    "2026-11-01T20:03:00Z",
    "2026-10-31T07:00:00Z",
    "2026-11-02T08:00:00Z",
    1440,
    async (page) => {
      const { labels } = await scheduleOf(page, 25);
      const want = ["HE1", "HE2", "HE25", ...Array.from({ length: 22 }, (_, i) => `HE${i + 3}`)];
      assert.deepEqual(labels, want);
      await page.waitForFunction(() => document.querySelectorAll("#plan li").length === 25);
      assert.deepEqual(await page.locator("#plan li").allTextContents(), want);
      assert.match(await page.textContent("#plan-date") ?? "", /PDT→PST/);
      assert.match(await page.textContent(".schedule-note") ?? "", /25 hours, HE1–HE25 PDT→PST/);
      // The schedule takes the theme's colours, and changes them with the theme.
      for (const [scheme, rgb] of [["light", "rgb(26, 127, 55)"], ["dark", "rgb(63, 185, 80)"]] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.waitForFunction((want) =>
          // deno-lint-ignore no-explicit-any
          (globalThis as any).Chart.getChart(document.querySelector(".battery-chart-box canvas"))
            .data.datasets[0].backgroundColor === want, rgb);
      }
    },
  );
});
