/**
 * What the browser tests share: Debian's Chromium (never a downloaded one; a missing one fails loudly), a
 * dashboard served on the OASIS simulator at a frozen time, and checks of what the page shows.
 */
import { type Browser, chromium, type Page } from "playwright-core";
import { loadLiveConfig } from "../../src/live/settings.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { OasisClient } from "../../src/oasis/client.ts";
import { type DatasetName, DATASETS } from "../../src/oasis/datasets.ts";
import { RequestGate } from "../../src/oasis/gate.ts";
import { planWindows } from "../../src/oasis/windows.ts";
import { startHttpServer } from "../../src/server.ts";
import { startSimulator } from "../../simulator/simulator.ts";
import { npmFilePath } from "../../routes/static.ts";
import { type KvStore, openKvStore } from "../../src/store/kv_store.ts";
import { loadStoreConfig } from "../../src/store/settings.ts";
import type { PriceUpdate } from "../../src/store/store.ts";

const CHROMIUM = "/usr/bin/chromium";
const NODES = { nodes: ["TH_NP15_GEN-APND", "TH_SP15_GEN-APND", "TH_ZP26_GEN-APND"] };

/** Where screenshots go (ignored by git). */
export const ARTIFACTS = new URL("../../test-artifacts/", import.meta.url);

/** Starts Debian's Chromium headless; fails with the package to install when it is missing. */
export async function launchChromium(): Promise<Browser> {
  try {
    await Deno.stat(CHROMIUM);
  } catch {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)`);
  }
  return await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A price as the dashboard writes it. */
export const money = (v: number): string => (v < 0 ? `−$${Math.abs(v).toFixed(2)}` : `$${v.toFixed(2)}`);

/** Waits until the RT tile shows the interval starting at `timestamp`. */
export async function tileShows(page: Page, timestamp: string, timeout: number): Promise<void> {
  await page.waitForFunction(
    (ts) => document.querySelector<HTMLElement>("#tile-rt")?.dataset.timestamp === ts,
    timestamp,
    { timeout },
  );
}

/** Collects the page's script errors and console errors; the tests expect none. */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  return problems;
}

/** The dashboard on a KV store fed from the simulator, at a simulated time, with a browser. */
export interface DashboardFixture {
  readonly sim: ReturnType<typeof startSimulator>;
  readonly now: () => Date;
  readonly store: KvStore;
  readonly server: Awaited<ReturnType<typeof startHttpServer>>;
  readonly browser: Browser;
  /**
   * Fetches `dataset` for `[start, end)` from the simulator and stores it as a poll does (LMP ingested, AS
   * and CRR clearing prices kept); returns the LMP updates.
   */
  ingest(dataset: DatasetName, start: Date, end: Date): Promise<PriceUpdate[]>;
  close(): Promise<void>;
}

/** Serves the dashboard with the simulator's clock frozen at `at`, settings from `env`. */
export async function startDashboard(at: string, env: Record<string, string>): Promise<DashboardFixture> {
  const sim = startSimulator({ port: 0, now: () => new Date(at) });
  sim.simulator.clock.set(new Date(at), { frozen: true });
  const now = () => sim.simulator.clock.now();
  const store = await openKvStore({ config: loadStoreConfig(env), path: ":memory:", clock: now });
  const client = new OasisClient({
    baseUrl: sim.url,
    gate: new RequestGate({ minIntervalMs: 0, ratePerMinute: 10_000 }),
    maxAttempts: 1,
  });
  const server = await startHttpServer({
    config: { port: 0, hostname: "127.0.0.1", live: loadLiveConfig(env), store: loadStoreConfig(env) },
    store,
    metrics: createMetrics(),
    health: () => ({}),
    now,
    // The arbitrage (and gaps) routes as the service mounts them; the figures computed on this thread.
    service: { nodes: { grpType: "ALL_APNODES" }, datasets: ["lmp_dam", "lmp_fmm", "lmp_rtm"] },
  });
  const browser = await launchChromium();
  return {
    sim,
    now,
    store,
    server,
    browser,
    async ingest(dataset, start, end) {
      const updates: PriceUpdate[] = [];
      for (const window of planWindows(DATASETS[dataset], { start, end }, NODES)) {
        const fetched = await client.fetchWindow(window);
        if (fetched.result.kind !== "rows") continue;
        if (window.query.family !== "lmp") await store.keepValues(fetched.result.rows);
        else updates.push(...(await store.ingest(fetched.result.rows)).updates);
      }
      return updates;
    },
    async close() {
      await browser.close();
      await server.shutdown();
      await store.close();
      await sim.shutdown();
    },
  };
}

/** The browser widths every dashboard check runs at. */
export const WIDTHS = [
  { name: "desktop", viewport: { width: 1440, height: 900 } },
  { name: "phone", viewport: { width: 390, height: 844 } },
] as const;

/** axe-core's browser build, read from the npm cache the import map pins (never a CDN). */
let axeSource: Promise<string> | undefined;

/** A serious or critical axe-core violation: rule, impact and the elements it names. */
export interface AxeProblem {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  readonly targets: string[];
}

/** Runs axe-core on the page (its context needs `bypassCSP`); returns the serious and critical violations. */
export async function axeProblems(page: Page): Promise<AxeProblem[]> {
  if (!(await page.evaluate(() => "axe" in globalThis))) {
    axeSource ??= npmFilePath("axe-core", "axe.min.js").then((path) => Deno.readTextFile(path));
    await page.addScriptTag({ content: await axeSource });
  }
  return await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const result = await (globalThis as any).axe.run(document, { resultTypes: ["violations"] });
    // deno-lint-ignore no-explicit-any
    return result.violations.filter((v: any) => v.impact === "serious" || v.impact === "critical")
      // deno-lint-ignore no-explicit-any
      .map((v: any) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        // deno-lint-ignore no-explicit-any
        targets: v.nodes.map((n: any) => `${n.target.join(" ")} ${n.failureSummary ?? ""}`.slice(0, 300)),
      }));
  });
}

/** The dashboard at 2026-07-01 20:03 UTC holding the 24 hours of RT and FMM before it, and day-ahead prices. */
export async function startDashboardWithDay(): Promise<DashboardFixture> {
  const dashboard = await startDashboard("2026-07-01T20:03:00Z", { WS_HEARTBEAT_S: "30" });
  const day = new Date("2026-06-30T20:00:00Z");
  const end = new Date("2026-07-01T20:05:00Z");
  await dashboard.ingest("lmp_dam", day, new Date("2026-07-02T07:00:00Z"));
  await dashboard.ingest("lmp_rtm", day, end);
  await dashboard.ingest("lmp_fmm", day, end);
  return dashboard;
}
