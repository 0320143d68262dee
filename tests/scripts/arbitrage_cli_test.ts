/** `deno task arbitrage` run as users run it: a subprocess, with exit codes, stdout and stderr. */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

async function run(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "scripts/arbitrage.ts", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
}

async function priceFile(rows: string[]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "arbitrage_cli_" });
  const file = `${dir}/prices.csv`;
  await Deno.writeTextFile(file, ["interval_start,price", ...rows].join("\n") + "\n");
  return file;
}

/** One day of 5-minute prices: 20 $/MWh from 02:00 to 03:00 UTC, 100 from 18:00 to 19:00, 50 otherwise. */
function fiveMinuteDay(): string[] {
  return Array.from({ length: 288 }, (_, i) => {
    const at = new Date(Date.UTC(2024, 6, 1) + i * 300_000).toISOString().slice(0, 19) + "Z";
    const hour = Math.floor(i / 12);
    return `${at},${hour === 2 ? 20 : hour === 18 ? 100 : 50}`;
  });
}

Deno.test("[arbitrage CLI] prints value_usd, the schedule and TB-N spreads of a 5-minute price file", async () => {
  const file = await priceFile(fiveMinuteDay());
  const r = await run(["--prices", file, "--power-mw", "1", "--energy-mwh", "1", "--rte", "0.81"]);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  // Buy 1 MWh at 20 (0.9 stored) and 0.1/0.9 MWh at 50 to fill up, sell the 1 MWh stored (0.9) at 100.
  const expected = 0.9 * 100 - 20 - (0.1 / 0.9) * 50;
  assert.ok(Math.abs(result.value_usd - expected) < 1e-3 * expected, `${result.value_usd} vs ${expected}`);
  assert.equal(result.interval_minutes, 5);
  assert.equal(result.schedule.length, 288);
  assert.deepEqual(result.intervals, { known: 288, expected: 288 });
  assert.equal(result.spreads.length, 4);
  assert.equal(result.spreads[0].spread, 80);
  assert.ok(result.cycles <= 1 + 1e-9);
  assert.equal(r.stderr, "");
});

Deno.test("[arbitrage CLI] takes cycles, degradation and an initial charge", async () => {
  const rows = [
    "2024-07-01T00:00:00Z,10",
    "2024-07-01T01:00:00Z,100",
    "2024-07-01T02:00:00Z,10",
    "2024-07-01T03:00:00Z,100",
  ];
  const file = await priceFile(rows);
  const value = async (...extra: string[]) => {
    const r = await run(["--prices", file, "--power-mw", "1", "--energy-mwh", "1", "--rte", "1", ...extra]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).value_usd as number;
  };
  assert.ok(Math.abs((await value()) - 90) < 1e-6);
  assert.ok(Math.abs((await value("--cycles", "2")) - 180) < 1e-6);
  assert.ok(Math.abs((await value("--cycles", "2", "--degradation", "5")) - 170) < 1e-6);
  assert.ok(Math.abs((await value("--initial-soc", "1", "--end", "free", "--cycles", "2")) - 190) < 1e-6);
});

Deno.test("[arbitrage CLI] bad input exits non-zero with a message and no stack trace", async () => {
  const good = await priceFile(["2024-07-01T00:00:00Z,10", "2024-07-01T01:00:00Z,20"]);
  const bad = await priceFile(["2024-07-01T00:00:00Z,ten"]);
  const cases: [string[], number, RegExp][] = [
    [["--prices", good, "--power-mw", "1", "--energy-mwh", "1"], 2, /Missing --rte/],
    [["--power-mw", "1", "--energy-mwh", "1", "--rte", "0.9"], 2, /Missing --prices/],
    [
      ["--prices", good, "--power-mw", "1", "--energy-mwh", "1", "--rte", "0.9", "--bogus", "1"],
      2,
      /Unknown option '--bogus'/,
    ],
    [["--prices", good, "--energy-mwh", "1", "--rte", "0.9"], 1, /Invalid --power-mw: is required/],
    [
      ["--prices", good, "--power-mw=-2", "--energy-mwh", "1", "--rte", "0.9"],
      1,
      /Invalid --power-mw: -2 is not a power/,
    ],
    [
      ["--prices", good, "--power-mw", "-2", "--energy-mwh", "1", "--rte", "0.9"],
      2,
      /'--power-mw' argument is ambiguous/,
    ],
    [["--prices", good, "--power-mw", "1", "--energy-mwh", "1", "--rte", "1.3"], 1, /Invalid --rte/],
    [
      ["--prices", good, "--power-mw", "1", "--energy-mwh", "1", "--rte", "0.9", "--initial-soc", "3"],
      1,
      /Invalid --initial-soc/,
    ],
    [
      ["--prices", "no/such.csv", "--power-mw", "1", "--energy-mwh", "1", "--rte", "0.9"],
      1,
      /Cannot read "no\/such.csv"/,
    ],
    [
      ["--prices", bad, "--power-mw", "1", "--energy-mwh", "1", "--rte", "0.9"],
      1,
      /Line 2: "ten" is not a price/,
    ],
  ];
  for (const [args, code, message] of cases) {
    const r = await run(args);
    assert.equal(r.code, code, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\bat .*\.ts:\d+/);
    assert.equal(r.stdout, "");
  }
});

Deno.test("[arbitrage CLI] --example runs on the shipped day of CAISO prices with a default battery", async () => {
  const r = await run(["--example"]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.match(out.file, /scripts\/examples\/fmm_prices_2023-09-18\.csv$/);
  assert.equal(out.interval_minutes, 15);
  assert.deepEqual(out.intervals, { known: 96, expected: 96 });
  assert.ok(out.value_usd > 0, String(out.value_usd));
  // 1 MW, 4 MWh, one cycle: at most 4 MWh discharged, and the value per MW equals the value.
  assert.ok(out.discharged_mwh > 0 && out.discharged_mwh <= 4, String(out.discharged_mwh));
  assert.equal(out.value_usd_per_mw_day, out.value_usd);
  assert.match(r.stderr, /Example: .*CAISO FMM prices/);
  const both = await run(["--example", "--prices", "x.csv"]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /Give --prices or --example, not both/);
});
