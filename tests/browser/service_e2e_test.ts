/**
 * End to end, as a trader sees it: the real service process (`src/main.ts`, embedded defaults) polls the
 * OASIS simulator on its own cron, and Debian's Chromium shows what arrived: the newest real-time price on
 * the dashboard, then the next interval once OASIS publishes it and the service's next poll fetches it.
 * Fails loudly when Chromium is missing; never skips.
 */
import assert from "node:assert/strict";
import { freePort } from "../store/helpers.ts";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { launchChromium, money, pageProblems, tileShows } from "./helpers.ts";
import { startSimulator } from "../../src/simulator/simulator.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const decoder = new TextDecoder();

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

Deno.test("[browser] the service's own polls reach the dashboard: the newest price, then the next interval", async () => {
  // OASIS is 30 minutes behind the wall clock and frozen there, so what is published is under test control.
  const five = 5 * 60_000;
  const oasisNow = new Date(Math.floor((Date.now() - 30 * 60_000) / five) * five + 2 * 60_000);
  const sim = startSimulator({ port: 0 });
  sim.simulator.clock.set(oasisNow, { frozen: true });
  const dir = await Deno.makeTempDir({ prefix: "service-e2e-" });
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "src/main.ts"],
    cwd: ROOT,
    clearEnv: true,
    env: {
      HOME: Deno.env.get("HOME") ?? "/tmp",
      PATH: Deno.env.get("PATH") ?? "",
      DENO_DIR: Deno.env.get("DENO_DIR") ?? "",
      NO_COLOR: "1",
      PORT: String(port),
      CAISO_OASIS_BASE_URL: sim.url,
      CAISO_OASIS_MIN_INTERVAL_MS: "0",
      OASIS_DATASETS: "lmp_rtm,lmp_dam",
      JOB_SCHEDULES: "lmp_rtm=* * * * *",
      JOB_LOOKBACK_HOURS: "3",
      STORE_KV_PATH: join(dir, "hot.kv"),
      JOBS_KV_PATH: join(dir, "jobs.kv"),
      BRONZE_OUTBOX_PATH: join(dir, "outbox.kv"),
      BRONZE_DIR: join(dir, "bronze"),
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const reading = (async () => {
    for await (const chunk of child.stdout) output += decoder.decode(chunk, { stream: true });
  })();
  const stderr = new Response(child.stderr).text();
  const base = `http://127.0.0.1:${port}`;
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
      throw new Error(`${e.message}\n${output}`);
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
      throw new Error(`${e.message}\n${output}`);
    });
    assert.equal(Date.parse(next.timestamp), Date.parse(first.timestamp) + five);
    await tileShows(page, next.timestamp, 5_000);
    assert.equal(await page.textContent("#tile-rt .value"), money(next.price));
    assert.deepEqual(problems, []);
  } finally {
    await browser?.close();
    try {
      child.kill("SIGTERM");
    } catch { /* already exited */ }
    // A service that ignores SIGTERM is killed after 30 s, and the test fails below.
    const killer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* exited */ }
    }, 30_000);
    const status = await child.status;
    clearTimeout(killer);
    await reading.catch(() => {});
    await sim.shutdown();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    assert.equal(status.code, 0, `the service stops cleanly on SIGTERM\n${await stderr}`);
  }
});
