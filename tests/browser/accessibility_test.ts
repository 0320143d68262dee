/**
 * The dashboard's accessibility in Debian's Chromium at a desktop (1440×900) and a phone (390×844) width:
 * every control reached by Tab with a visible focus and used by the keyboard, the light theme (the system's
 * and the toggle's, kept across a reload), the live feeds announced, and axe-core finding no serious or
 * critical violation in either theme. Screenshots go to `test-artifacts/`.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { ARTIFACTS, axeProblems, pageProblems, startDashboardWithDay, tileShows, WIDTHS } from "./helpers.ts";

/** What has the focus: a name for it and whether its focus can be seen (an outline or a box shadow). */
function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1;
    const shadow = style.boxShadow !== "none";
    const name = el.id
      ? `#${el.id}`
      : el.dataset.range
      ? `range ${el.dataset.range}`
      : el.dataset.zone
      ? `remove ${el.dataset.zone}`
      : `${el.tagName.toLowerCase()} ${el.textContent?.trim().slice(0, 30)}`;
    return { name, visible: (outline || shadow) && el.matches(":focus-visible") };
  });
}

/** Tabs through the page once; returns the names of what got the focus, in order. */
async function tabThrough(page: Page): Promise<string[]> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const seen: string[] = [];
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    const now = await focused(page);
    if (now === null || seen[0] === now.name) break;
    assert.ok(now.visible, `${now.name} shows its focus`);
    seen.push(now.name);
  }
  return seen;
}

/** The theme's colour `name` resolved to `rgb(…)`. */
const css = (page: Page, name: string) =>
  page.evaluate((n) => {
    const probe = document.body.appendChild(document.createElement("b"));
    probe.style.color = `var(${n})`;
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour;
  }, name);
const LIGHT_BG = "rgb(246, 248, 250)";
const DARK_BG = "rgb(13, 17, 23)";

Deno.test("[browser] every dashboard control is reached by Tab with a visible focus, the light theme follows the system and the toggle, and axe finds nothing serious", async () => {
  const dashboard = await startDashboardWithDay();
  const { server, browser } = dashboard;
  try {
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    const shot = (page: Page, name: string) =>
      page.screenshot({ path: new URL(`a11y_${name}.png`, ARTIFACTS).pathname, fullPage: true });

    for (const { name, viewport } of WIDTHS) {
      // The system asks for light: the page is light without a choice of its own.
      const context = await browser.newContext({ viewport, colorScheme: "light", bypassCSP: true });
      const page = await context.newPage();
      const problems = pageProblems(page);
      await page.goto(`${server.url}/?zone=sp15`);
      await tileShows(page, "2026-07-01T19:55:00Z", 15_000);
      await page.waitForTimeout(500); // the signals and the arbitrage panel load
      assert.equal(await css(page, "--bg"), LIGHT_BG, "light colours from prefers-color-scheme");
      assert.equal(await page.getAttribute("html", "data-theme"), null);
      assert.equal(await page.getAttribute("#theme-toggle", "aria-pressed"), "true");
      assert.deepEqual(await axeProblems(page), [], `axe, light (system), ${name}`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= viewport.width, `nothing is wider than the ${name} screen: ${wide} px`);
      await shot(page, `light_${name}`);

      // The keyboard reaches every control, each with a visible focus.
      const order = await tabThrough(page);
      for (
        const control of [
          "#zone",
          "#zone-search",
          "#theme-toggle",
          "range 6h",
          "range 24h",
          "range 48h",
          "range 7d",
          "#download",
          "#chart",
          "#compare-zone",
          "#compare-add-button",
          "#compare-market",
        ]
      ) assert.ok(order.includes(control), `${control} is reached by Tab: ${order}`);
      assert.equal(order[0], "a Skip to prices", `${order}`);

      // ... and works it: a range by Enter, zoom by + and reset by 0 on the focused chart.
      await page.focus('#range button[data-range="6h"]');
      await page.keyboard.press("Enter");
      assert.equal(await page.getAttribute('#range button[data-range="6h"]', "aria-pressed"), "true");
      await page.focus("#chart");
      await page.keyboard.press("+");
      await page.waitForSelector("#reset-zoom:not([hidden])", { timeout: 5000 });
      await page.keyboard.press("0");
      await page.waitForSelector("#reset-zoom", { state: "hidden", timeout: 5000 });
      await page.keyboard.press("Shift+Tab");
      assert.equal((await focused(page))?.name, "#download", "Shift+Tab goes back");
      await page.locator(".chart-head").screenshot({
        path: new URL(`a11y_focus_${name}.png`, ARTIFACTS).pathname,
      });

      // The toggle picks dark over the system's light, and the choice outlives a reload.
      await page.focus("#theme-toggle");
      await page.keyboard.press("Enter");
      assert.equal(await page.getAttribute("html", "data-theme"), "dark");
      assert.equal(await css(page, "--bg"), DARK_BG);
      await page.reload();
      await tileShows(page, "2026-07-01T19:55:00Z", 15_000);
      await page.waitForTimeout(500);
      assert.equal(await page.getAttribute("html", "data-theme"), "dark", "the choice is kept");
      assert.equal(await page.getAttribute("#theme-toggle", "aria-pressed"), "false");
      assert.deepEqual(await axeProblems(page), [], `axe, dark (toggle), ${name}`);
      await shot(page, `dark_${name}`);

      // A zone compared by keyboard: its remove button and the spread choice are reached too.
      await page.focus("#compare-zone");
      await page.keyboard.type("np15");
      await page.keyboard.press("Enter");
      await page.waitForSelector('#compare-zones button[data-zone="np15"]');
      const withCompare = await tabThrough(page);
      for (const control of ["remove np15", "#spread"]) {
        assert.ok(withCompare.includes(control), `${control} is reached by Tab: ${withCompare}`);
      }
      await page.focus('#compare-zones button[data-zone="np15"]');
      await page.keyboard.press("Enter");
      await page.waitForSelector("#compare-zones li", { state: "detached" });
      assert.equal((await focused(page))?.name, "#compare-zone", "the focus goes back to the input");
      await page.keyboard.type("np15");
      await page.keyboard.press("Enter");

      // Back to light with the toggle: axe again (with the comparison), and the chart in the light colours.
      await page.click("#theme-toggle");
      assert.equal(await page.getAttribute("html", "data-theme"), "light");
      const grid = await page.evaluate(() =>
        // deno-lint-ignore no-explicit-any
        (globalThis as any).Chart.getChart(document.getElementById("chart")).options.scales.x.grid.color
      );
      assert.equal(grid, await css(page, "--grid"));
      assert.deepEqual(await axeProblems(page), [], `axe, light (toggle), ${name}`);

      // The live feeds are announced politely.
      for (const id of ["updates", "alerts"]) {
        const live = await page.evaluate((i) => {
          const log = document.getElementById(i)!.closest("[role=log]");
          return log?.getAttribute("aria-live");
        }, id);
        assert.equal(live, "polite", `#${id} is in a polite live log`);
      }
      assert.deepEqual(problems, []);
      await context.close();
    }

    // A dark system with no choice made: dark, and axe finds nothing serious at both widths.
    for (const { name, viewport } of WIDTHS) {
      const context = await browser.newContext({ viewport, colorScheme: "dark", bypassCSP: true });
      const page = await context.newPage();
      await page.goto(`${server.url}/?zone=sp15`);
      await tileShows(page, "2026-07-01T19:55:00Z", 15_000);
      await page.waitForTimeout(500);
      assert.equal(await css(page, "--bg"), DARK_BG);
      assert.deepEqual(await axeProblems(page), [], `axe, dark (system), ${name}`);
      await context.close();
    }
  } finally {
    await dashboard.close();
  }
});
