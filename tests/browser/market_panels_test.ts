/**
 * The market-detail panels in Debian's Chromium at both widths, on data the simulator served: the selected
 * interval's LMP components (stepping back and to the newest), the ancillary-service prices of a region
 * (day-ahead and real-time), the CRR clearing prices with the zone's row marked; the empty-state texts
 * without AS or CRR data; axe-core clean in both themes. Screenshots go to `test-artifacts/`.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { PriceUpdate } from "../../src/store/store.ts";
import { ARTIFACTS, axeProblems, money, pageProblems, startDashboard, tileShows, WIDTHS } from "./helpers.ts";

const AT = "2026-07-01T20:03:00Z";
const text = async (page: Page, selector: string) => (await page.textContent(selector))?.trim() ?? "";

/** The rows of table `selector` as cell texts. */
const rows = (page: Page, selector: string) =>
  page.$$eval(
    `${selector} tbody tr`,
    (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent!.trim())),
  );

/** The components panel: the newest RT interval as stored, a step back by keyboard, FMM without data. */
async function checkComponents(page: Page, newest: PriceUpdate): Promise<void> {
  // LMP components of the newest RT interval, as stored.
  await page.waitForFunction(() => document.querySelectorAll("#components tbody tr").length === 5);
  assert.match(
    await text(page, "#components-when"),
    /Real-time 5-min · Jul 1 12:55–13:00 PDT \(newest\)/,
  );
  const table = await rows(page, "#components");
  assert.deepEqual(table.map((r) => r[0]), [
    "Energy (MCE)",
    "Congestion (MCC)",
    "Loss (MCL)",
    "Greenhouse gas (MGHG)",
    "Total LMP",
  ]);
  assert.equal(table[0]![1], money(newest.components.MCE!));
  assert.equal(table[4]![1], money(newest.price));
  assert.equal(
    table[3]![1],
    newest.components.MGHG === undefined ? "not published" : money(newest.components.MGHG),
  );
  // One interval back by keyboard, then the newest again.
  await page.focus("#components-earlier");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() =>
    /12:50–12:55/.test(document.getElementById("components-when")!.textContent!)
  );
  await page.click("#components-newest");
  await page.waitForFunction(() =>
    /\(newest\)/.test(document.getElementById("components-when")!.textContent!)
  );
  // FMM was not ingested: the panel says so.
  await page.selectOption("#components-market", "fmm");
  await page.waitForFunction(() =>
    /No FMM 15-min price for SP15 yet/.test(document.getElementById("components-when")!.textContent!)
  );
  assert.equal(await page.isHidden("#components"), true);
}

/** The AS panel: every AS type of the region today, day-ahead then real-time, then another region. */
async function checkAncillary(page: Page): Promise<void> {
  // Ancillary services: every AS type of the region today, day-ahead then real-time.
  await page.waitForFunction(() => document.querySelectorAll("#ancillary tbody tr").length === 6);
  assert.match(
    await text(page, "#ancillary-when"),
    /^AS_CAISO_EXP · day-ahead clearing prices, \$\/MW · now: 13:00–14:00/,
  );
  const regions = await page.$$eval("#ancillary-region option", (os) => os.map((o) => o.textContent));
  assert.ok(regions.length > 1 && regions.includes("AS_CAISO_EXP"), `${regions}`);
  const dam = await rows(page, "#ancillary");
  assert.deepEqual(dam.map((r) => r[0]!.split(" ")[0]).sort(), ["NR", "RD", "RMD", "RMU", "RU", "SR"]);
  assert.ok(dam.every((r) => /^−?\$\d+\.\d\d$/.test(r[1]!)), `a price now for each type: ${dam}`);
  const datasets = await page.evaluate(() =>
    // deno-lint-ignore no-explicit-any
    (globalThis as any).Chart.getChart(document.getElementById("ancillary-chart")).data.datasets.length
  );
  assert.equal(datasets, 6);
  await page.click('[data-as-market="rtm"]');
  await page.waitForFunction(() =>
    /real-time 15-minute/.test(document.getElementById("ancillary-when")!.textContent!)
  );
  assert.match(await text(page, "#ancillary-when"), /now: 12:45–13:00/);
  await page.selectOption("#ancillary-region", regions.find((r) => r !== "AS_CAISO_EXP")!);
  assert.equal((await rows(page, "#ancillary")).length, 6);
}

/** The CRR panel: the month's auction at the hubs, on-peak first, the selected zone marked. */
async function checkCrr(page: Page): Promise<void> {
  // CRR: the month's auction at the hubs, the selected zone marked.
  await page.waitForSelector("#crr table");
  assert.match(await text(page, "#crr-when"), /^Auction period Jul 1 – Jul 31/);
  assert.match(await text(page, "#crr caption"), /AUC_MN_2026_M07_TR · monthly/);
  const head = await page.$$eval("#crr thead th", (ths) => ths.map((th) => th.textContent));
  assert.deepEqual(head, ["Zone", "On-peak", "Off-peak"]);
  const crr = await rows(page, "#crr");
  assert.deepEqual(crr.map((r) => r[0]), ["NP15", "SP15 (selected)", "ZP26"]);
  assert.ok(crr.every((r) => r.length === 3 && r.slice(1).every((c) => /\$\d/.test(c))), `${crr}`);
}

Deno.test("[browser] the market panels show the simulator's LMP components, AS prices and CRR clearing prices", async () => {
  const dashboard = await startDashboard(AT, { WS_HEARTBEAT_S: "30" });
  const { server, browser, ingest, store } = dashboard;
  try {
    const day = new Date("2026-07-01T07:00:00Z");
    const end = new Date("2026-07-01T20:05:00Z");
    await ingest("lmp_dam", day, new Date("2026-07-02T07:00:00Z"));
    await ingest("lmp_rtm", new Date("2026-07-01T18:00:00Z"), end);
    await ingest("as_dam", day, new Date("2026-07-02T07:00:00Z"));
    await ingest("as_fmm", day, end);
    await ingest("crr", day, new Date("2026-07-02T07:00:00Z"));
    const newest = (await store.interval("sp15", { market: "RT" })).value!;
    assert.equal(newest.timestamp, "2026-07-01T19:55:00Z");
    assert.ok(newest.components.MCE !== undefined, "the simulator publishes components");
    await Deno.mkdir(ARTIFACTS, { recursive: true });

    for (const { name, viewport } of WIDTHS) {
      const context = await browser.newContext({ viewport, colorScheme: "dark", bypassCSP: true });
      const page = await context.newPage();
      const problems = pageProblems(page);
      await page.goto(`${server.url}/?zone=sp15`);
      await tileShows(page, newest.timestamp, 15_000);

      await checkComponents(page, newest);
      await checkAncillary(page);
      await checkCrr(page);

      await page.waitForTimeout(300);
      await page.locator(".markets").screenshot({ path: new URL(`markets_${name}.png`, ARTIFACTS).pathname });
      assert.deepEqual(await axeProblems(page), [], `axe, dark, ${name}`);
      await page.click("#theme-toggle");
      assert.deepEqual(await axeProblems(page), [], `axe, light, ${name}`);
      await page.locator(".markets").screenshot({
        path: new URL(`markets_light_${name}.png`, ARTIFACTS).pathname,
      });
      assert.deepEqual(problems, []);
      await context.close();
    }
  } finally {
    await dashboard.close();
  }
});

Deno.test("[browser] without AS or CRR data the market panels say what is missing instead of staying blank", async () => {
  const dashboard = await startDashboard(AT, { WS_HEARTBEAT_S: "30" });
  const { server, browser, ingest } = dashboard;
  try {
    await ingest("lmp_rtm", new Date("2026-07-01T19:00:00Z"), new Date("2026-07-01T20:05:00Z"));
    const page = await browser.newPage({ viewport: WIDTHS[0].viewport });
    const problems = pageProblems(page);
    await page.goto(`${server.url}/?zone=sp15`);
    await tileShows(page, "2026-07-01T19:55:00Z", 15_000);
    await page.waitForFunction(() => !/Loading/.test(document.querySelector(".markets")!.textContent!));
    assert.equal(await text(page, "#ancillary-when"), "No day-ahead AS prices kept for 2026-07-01 yet.");
    assert.equal(await page.isHidden(".market-chart-box"), true);
    assert.equal(
      await text(page, "#crr-when"),
      "No CRR auction results kept yet (the crr dataset is polled once a day).",
    );
    await page.selectOption("#components-market", "da");
    await page.waitForFunction(() =>
      /No Day-ahead price for SP15 yet/.test(document.getElementById("components-when")!.textContent!)
    );
    assert.deepEqual(problems, []);
  } finally {
    await dashboard.close();
  }
});
