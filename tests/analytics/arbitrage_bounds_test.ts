/**
 * The battery's physical bounds and the optimizer's bounded loops: the inputs of issue 11 that froze the
 * process (a 1 Wh battery, a 1e-300 band, 1 GW on 10 kWh) are rejected naming the parameter, and even a
 * direct library call on such a battery finishes with a finite, non-negative value (HiGHS neither hangs nor
 * fails on them).
 */
import assert from "node:assert/strict";
import { BatteryParamError, resolveBattery } from "../../src/analytics/battery.ts";
import { batteryFromText } from "../../src/analytics/battery_params.ts";

Deno.test("resolveBattery() rejects batteries outside the physical bounds, naming the parameter", () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ power_mw: "1", energy_mwh: "0.000001" }, "energy_mwh"], // 1 Wh
    [{ power_mw: "1", energy_mwh: "1e-300" }, "energy_mwh"],
    [{ power_mw: "0.0001", energy_mwh: "4" }, "power_mw"], // 100 W
    [{ charge_mw: "1", discharge_mw: "1e-300", energy_mwh: "4" }, "discharge_mw"],
    [{ power_mw: "1", duration_h: "1e-300" }, "duration_h"],
    [{ power_mw: "0.01", duration_h: "0.05" }, "duration_h"], // 0.5 kWh implied
    [{ power_mw: "1", energy_mwh: "4", rte: "1e-300" }, "rte"],
    [{ power_mw: "1", energy_mwh: "4", rte: "0.49" }, "rte"],
    [
      { power_mw: "1", energy_mwh: "4", charge_efficiency: "0.3", discharge_efficiency: "1" },
      "charge_efficiency",
    ],
    [{ power_mw: "1", energy_mwh: "4", soc_min: "0.4999999", soc_max: "0.5" }, "soc_min"],
    [{ power_mw: "1", energy_mwh: "4", cycles: "101" }, "cycles"],
    [{ power_mw: "1", energy_mwh: "4", standing_loss: "0.6" }, "standing_loss"],
  ];
  for (const [text, param] of cases) {
    assert.throws(() => batteryFromText(text), (e: unknown) => {
      assert.ok(e instanceof BatteryParamError, `${JSON.stringify(text)}: ${e}`);
      assert.equal(e.param, param, JSON.stringify(text));
      return true;
    });
  }
});

Deno.test("resolveBattery() accepts the bounds themselves", () => {
  const smallest = resolveBattery({ powerMw: 0.001, energyMwh: 0.001, rte: 0.5, socMin: 0.5, socMax: 0.51 });
  assert.equal(smallest.energyMwh, 0.001);
  const largest = resolveBattery({ powerMw: 1e6, energyMwh: 1e6, cycles: 100, standingLoss: 0.5 });
  assert.equal(largest.cycles, 100);
  assert.equal(resolveBattery({ powerMw: 1, durationH: 0.01 }).energyMwh, 0.01);
});

/** A script optimizing a day of 5-minute prices for batteries no check would let through. */
const DEGENERATE = `
import { optimizeArbitrage } from "${new URL("../../src/analytics/arbitrage.ts", import.meta.url).href}";
const prices = Array.from({ length: 288 }, (_, i) => 30 + 20 * Math.sin(i / 20) + (i % 7));
const series = { startMs: Date.UTC(2026, 5, 30, 7), intervalMinutes: 5, prices };
const base = { chargeMw: 1, dischargeMw: 1, energyMwh: 4, socMinMwh: 0, socMaxMwh: 4, chargeEfficiency: 0.92,
  dischargeEfficiency: 0.92, rte: 0.85, standingLoss: 0, cycles: 1, degradation: 0, initialSocMwh: 0, end: "initial" };
const cases = [
  { energyMwh: 1e-6, socMaxMwh: 1e-6 },
  { energyMwh: 1e-300, socMaxMwh: 1e-300 },
  { energyMwh: 1.1125369292536007e-308, socMaxMwh: 1.1125369292536007e-308 },
  { chargeMw: 1e6, dischargeMw: 1e6, energyMwh: 0.01, socMaxMwh: 0.01 },
  { socMinMwh: 1.9999996, socMaxMwh: 2, initialSocMwh: 1.9999996 },
];
const results = [];
for (const c of cases) results.push((await optimizeArbitrage(series, { ...base, ...c })).value_usd);
console.log(JSON.stringify(results));
`;

Deno.test("optimizeArbitrage() finishes on degenerate batteries (its program is scaled to the band)", async () => {
  // In a child process with a deadline: before the fix the first case never returned.
  const child = new Deno.Command(Deno.execPath(), {
    // The project's config for its import map (`highs`); nothing else of the project is loaded.
    args: ["eval", "--config", new URL("../../deno.json", import.meta.url).pathname, DEGENERATE],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  });
  const out = await child.output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `the optimizer did not finish within 60 s: ${out.signal ?? ""} ${stderr}`);
  const values: number[] = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.equal(values.length, 5);
  assert.ok(values.every((v) => Number.isFinite(v) && v >= 0), String(values));
});
