/**
 * Test helpers for the hot store: OASIS rows for price series, a settable clock, waiting for async
 * deliveries, the test configuration and access to the real Redis named by `REDIS_URL`.
 *
 * @module
 */
import type { OasisRow } from "../../src/oasis/row.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";
import { operatingDate, toIso } from "../../src/oasis/time.ts";
import { loadStoreConfig, type StoreConfig } from "../../src/store/settings.ts";

/** The datasets the store keeps. */
export type LmpDataset = "lmp_rtm" | "lmp_fmm" | "lmp_dam";

/** The hub nodes of the three zones. */
export const NP15 = "TH_NP15_GEN-APND";
/** SP15 hub. */
export const SP15 = "TH_SP15_GEN-APND";
/** ZP26 hub. */
export const ZP26 = "TH_ZP26_GEN-APND";

/** One LMP row (and, with `components`, its MCE/MCC/MCL rows) per price, at consecutive intervals. */
export function priceRows(
  dataset: LmpDataset,
  node: string,
  start: string,
  prices: readonly (number | null)[],
  components = false,
): OasisRow[] {
  const minutes = DATASETS[dataset].intervalMinutes;
  const rows: OasisRow[] = [];
  prices.forEach((price, i) => {
    const ms = Date.parse(start) + i * minutes * 60_000;
    const parts: [string, number | null][] = [["LMP", price]];
    if (components && price !== null) parts.push(["MCE", price - 2], ["MCC", 1.5], ["MCL", 0.5]);
    for (const [component, value] of parts) {
      rows.push({
        dataset,
        report: "PRC_LMP",
        node,
        qualifier: null,
        interval_start: toIso(new Date(ms)),
        interval_end: toIso(new Date(ms + minutes * 60_000)),
        opr_date: operatingDate(new Date(ms)),
        opr_hour: null,
        opr_interval: null,
        component,
        value,
        raw: {},
        source_file: "test.csv",
        row_number: rows.length + 1,
      });
    }
  });
  return rows;
}

/** A clock the test sets. */
export class TestClock {
  #now: number;
  /** Starts at `iso`. */
  constructor(iso: string) {
    this.#now = Date.parse(iso);
  }
  /** The clock function to inject. */
  readonly now = (): Date => new Date(this.#now);
  /** Sets the time. */
  set(iso: string): void {
    this.#now = Date.parse(iso);
  }
  /** Moves the time forward. */
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** Waits (real time, bounded) until `check()` is true; throws naming `what` otherwise. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The default store configuration with overrides. */
export function testConfig(env: Record<string, string> = {}): StoreConfig {
  return loadStoreConfig(env);
}

/** `REDIS_URL`, or a loud error: the Redis tests never skip. */
export function requireRedisUrl(): string {
  const url = Deno.env.get("REDIS_URL");
  if (url === undefined || url.trim() === "") {
    throw new Error(
      "REDIS_URL is not set: the Redis store tests need a real server. Run `bash scripts/redis.sh start` " +
        "and export the REDIS_URL it prints (CI does this in .ci/run). These tests never skip.",
    );
  }
  return url.trim();
}

/** Runs `redis-cli -u url --raw args…` and returns stdout lines. */
export async function redisRaw(url: string, ...args: string[]): Promise<string[]> {
  const out = await new Deno.Command("redis-cli", { args: ["-u", url, "--raw", ...args] }).output();
  if (!out.success) {
    throw new Error(`redis-cli ${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout).split("\n").filter((l) => l !== "");
}

/** Deletes every key starting with `prefix`. */
export async function deletePrefix(url: string, prefix: string): Promise<void> {
  const script = "for _,k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end return 1";
  await redisRaw(url, "EVAL", script, "0", `${prefix}*`);
}

/** `url` pointing at database `db`. */
export function withDb(url: string, db: number): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/** A loopback TCP port that is free now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** A `redis-server` of a test's own, which it may stop and restart (the shared one never is). */
export interface PrivateRedis {
  /** Starts it (again, keeping its port); resolves to its URL. */
  start(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A `redis-server` through `scripts/redis.sh` on a free port (or `$portVariable`) and in
 * `.cache/<name>`, for tests that stop and restart Redis under the code they test.
 */
export function privateRedis(name: string, portVariable: string): PrivateRedis {
  // A port found free now: a fixed one may be held by a server an interrupted run left behind.
  const port = Deno.env.get(portVariable) ?? String(freePort());
  const script = new URL("../../scripts/redis.sh", import.meta.url).pathname;
  const cache = new URL(`../../.cache/${name}`, import.meta.url).pathname;
  const run = async (command: "start" | "stop") => {
    const out = await new Deno.Command("bash", {
      args: [script, command],
      env: { REDIS_PORT: port, REDIS_CACHE_DIR: cache },
    }).output();
    if (!out.success) {
      throw new Error(`scripts/redis.sh ${command} failed: ${new TextDecoder().decode(out.stderr)}`);
    }
    return new TextDecoder().decode(out.stdout);
  };
  return {
    async start() {
      const url = /REDIS_URL=(\S+)/.exec(await run("start"))?.[1];
      if (url === undefined) throw new Error("scripts/redis.sh start printed no REDIS_URL");
      return url;
    },
    async stop() {
      await run("stop");
    },
  };
}
