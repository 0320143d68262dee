/**
 * Redis write throughput: one day of 5-minute prices (288 intervals, LMP plus four components) for the
 * three hub zones, written by `RedisStore.ingest()` as one MULTI pipeline, next to `redis-benchmark` on the
 * same server as the reference. Needs `REDIS_URL` (`bash scripts/redis.sh start` prints it) and
 * `redis-benchmark` (Debian's redis-tools) on PATH.
 *
 * @module
 */
import type { OasisRow } from "../src/oasis/row.ts";
import { DEFAULT_NODES } from "../src/oasis/datasets.ts";
import { operatingDate, toIso } from "../src/oasis/time.ts";
import { createRedisStore } from "../src/store/redis_store.ts";
import { loadStoreConfig } from "../src/store/settings.ts";
import { type BenchRow, median } from "./bench_util.ts";

const DAY_START = Date.parse("2025-06-10T07:00:00Z");
const RUNS = 5;

function dayOfPrices(): OasisRow[] {
  const rows: OasisRow[] = [];
  for (const node of DEFAULT_NODES) {
    for (let i = 0; i < 288; i++) {
      const ms = DAY_START + i * 300_000;
      const lmp = 35 + 25 * Math.sin(i / 30) + (node.length % 3);
      const parts: [string, number][] = [["LMP", lmp], ["MCE", lmp - 3], ["MCC", 2], ["MCL", 0.8], [
        "MGHG",
        0.2,
      ]];
      for (const [component, value] of parts) {
        rows.push({
          dataset: "lmp_rtm",
          report: "PRC_INTVL_LMP",
          node,
          qualifier: null,
          interval_start: toIso(new Date(ms)),
          interval_end: toIso(new Date(ms + 300_000)),
          opr_date: operatingDate(new Date(ms)),
          opr_hour: null,
          opr_interval: null,
          component,
          value: Math.round(value * 100) / 100,
          raw: {},
          source_file: "bench",
          row_number: rows.length + 1,
        });
      }
    }
  }
  return rows;
}

async function redisCli(url: string, args: string[]): Promise<string> {
  const out = await new Deno.Command("redis-cli", { args: ["-u", url, ...args] }).output();
  return new TextDecoder().decode(out.stdout);
}

async function reference(url: string, label: string, args: string[], commands: number): Promise<BenchRow> {
  const out = await new Deno.Command("redis-benchmark", { args: ["-u", url, "-q", "--csv", ...args] })
    .output();
  if (!out.success) throw new Error(`redis-benchmark failed: ${new TextDecoder().decode(out.stderr)}`);
  const line = new TextDecoder().decode(out.stdout).split("\n").find((l) =>
    /^"[A-Z]/.test(l) && !l.startsWith('"test"')
  );
  const rps = Number(line?.split(",")[1]?.replaceAll('"', ""));
  return {
    name: `redis-benchmark ${label}`,
    ms: (commands / rps) * 1000,
    rowsPerS: rps,
    note: `reference: commands/s; ms = time for ${commands.toLocaleString("en-US")} such commands`,
  };
}

/** Measures pipelined writes of one day of 5-minute prices for 3 zones, with `redis-benchmark` beside it. */
export async function runRedisBench(): Promise<BenchRow[]> {
  const url = Deno.env.get("REDIS_URL");
  if (!url) {
    throw new Error("REDIS_URL is not set: run `bash scripts/redis.sh start` and export the URL it prints");
  }
  const config = loadStoreConfig({ REDIS_URL: url });
  const rows = dayOfPrices();
  const clock = () => new Date(DAY_START + 86_400_000);
  const first: number[] = [];
  const again: number[] = [];
  let intervals = 0;
  let commands = 0;
  // Run 0 warms up (JIT, connection) and is not counted.
  for (let run = 0; run <= RUNS; run++) {
    const prefix = `bench:${crypto.randomUUID()}:`;
    const store = createRedisStore({ config, prefix, clock });
    try {
      await store.waitUntilReady(10_000);
      const t0 = performance.now();
      const result = await store.ingest(rows);
      const write = performance.now() - t0;
      if (!result.stored) throw new Error("Redis rejected the benchmark writes");
      const t2 = performance.now();
      await store.ingest(rows);
      const reingest = performance.now() - t2;
      intervals = result.updates.length;
      // Per interval: ZREMRANGEBYSCORE, ZADD, XADD, PUBLISH; per zone: DEL + HSET and three trims.
      commands = intervals * 4 + DEFAULT_NODES.length * 5;
      if (run > 0) {
        first.push(write);
        again.push(reingest);
      }
    } finally {
      await store.close();
      await redisCli(url, [
        "EVAL",
        "for _,k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end",
        "0",
        `${prefix}*`,
      ]);
    }
  }
  const ingest = median(first);
  const noop = median(again);
  const xaddKey = `bench:xadd:${crypto.randomUUID()}`;
  const out: BenchRow[] = [
    {
      name: "RedisStore.ingest: 1 day × 3 zones, 5-min RT (one MULTI)",
      ms: ingest,
      rowsPerS: (intervals / ingest) * 1000,
      note: `${intervals} intervals, ${rows.length} rows, ~${commands} commands ≈ ${
        Math.round((commands / ingest) * 1000).toLocaleString("en-US")
      } commands/s`,
    },
    {
      name: "RedisStore.ingest: same day again (no change, nothing written but trims)",
      ms: noop,
      rowsPerS: (intervals / noop) * 1000,
      note: "idempotent re-fetch",
    },
    await reference(
      url,
      "ZADD (1 client, -P 64)",
      ["-c", "1", "-P", "64", "-n", "200000", "-t", "zadd"],
      commands,
    ),
    await reference(
      url,
      "XADD MAXLEN ~ 10000 (1 client, -P 64)",
      ["-c", "1", "-P", "64", "-n", "200000", "XADD", xaddKey, "MAXLEN", "~", "10000", "*", "price", "42.5"],
      commands,
    ),
    await reference(url, "ZADD (50 clients, no pipeline)", ["-n", "100000", "-t", "zadd"], commands),
  ];
  await redisCli(url, ["DEL", xaddKey, "myzset"]);
  return out;
}
