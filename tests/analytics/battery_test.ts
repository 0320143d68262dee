/** The battery model: defaults, the efficiency split and errors that name the parameter. */
import assert from "node:assert/strict";
import { BatteryParamError, resolveBattery } from "../../src/analytics/battery.ts";
import { batteryFromText } from "../../src/analytics/battery_params.ts";

function rejects(params: Parameters<typeof resolveBattery>[0], param: string, message: RegExp) {
  assert.throws(() => resolveBattery(params), (e: unknown) => {
    assert.ok(e instanceof BatteryParamError, String(e));
    assert.equal(e.param, param);
    assert.match(e.message, message);
    return true;
  });
}

Deno.test("resolveBattery() fills the defaults: empty start, back to it, 1 cycle, √RTE each way", () => {
  const b = resolveBattery({ powerMw: 2, energyMwh: 8, rte: 0.81 });
  assert.equal(b.chargeMw, 2);
  assert.equal(b.dischargeMw, 2);
  assert.equal(b.chargeEfficiency, 0.9);
  assert.equal(b.dischargeEfficiency, 0.9);
  assert.equal(b.initialSocMwh, 0);
  assert.equal(b.end, "initial");
  assert.equal(b.cycles, 1);
  assert.equal(b.degradation, 0);
  assert.equal(b.standingLoss, 0);
  assert.ok(Math.abs(resolveBattery({ powerMw: 1, energyMwh: 1 }).rte - 0.85) < 1e-12);
});

Deno.test("resolveBattery() takes separate powers, a duration, a band and both efficiencies", () => {
  const b = resolveBattery({
    chargeMw: 1,
    dischargeMw: 2,
    durationH: 3,
    socMin: 0.1,
    socMax: 0.9,
    chargeEfficiency: 0.95,
    dischargeEfficiency: 0.9,
  });
  assert.equal(b.energyMwh, 6);
  assert.ok(Math.abs(b.socMinMwh - 0.6) < 1e-12 && Math.abs(b.socMaxMwh - 5.4) < 1e-12);
  assert.ok(Math.abs(b.rte - 0.855) < 1e-12);
  assert.equal(b.initialSocMwh, b.socMinMwh);
  const one = resolveBattery({ powerMw: 1, energyMwh: 1, rte: 0.9, chargeEfficiency: 0.95 });
  assert.ok(Math.abs(one.dischargeEfficiency - 0.9 / 0.95) < 1e-12);
});

Deno.test("resolveBattery() rejects impossible parameters with a message naming each", () => {
  rejects({ energyMwh: 4 }, "power_mw", /required/);
  rejects({ powerMw: 1 }, "energy_mwh", /required/);
  rejects({ powerMw: -1, energyMwh: 4 }, "power_mw", /-1 is not a power in MW above 0/);
  rejects({ powerMw: 1, energyMwh: 0 }, "energy_mwh", /above 0/);
  rejects({ powerMw: 1, energyMwh: 4, rte: 1.2 }, "rte", /at most 1/);
  rejects({ powerMw: 1, energyMwh: 4, rte: NaN }, "rte", /null is not an efficiency/);
  rejects({ powerMw: 1, energyMwh: 4, socMin: 0.8, socMax: 0.2 }, "soc_min", /below soc_max/);
  rejects({ powerMw: 1, energyMwh: 4, initialSocMwh: 5 }, "initial_soc", /outside the usable band/);
  rejects({ powerMw: 1, energyMwh: 4, cycles: 0 }, "cycles", /above 0/);
  rejects({ powerMw: 1, energyMwh: 4, degradation: -2 }, "degradation", /at least 0/);
  rejects({ powerMw: 1, energyMwh: 4, standingLoss: 1 }, "standing_loss", /below 1/);
  rejects({ powerMw: 1, energyMwh: 4, durationH: 3 }, "duration_h", /give one/);
  rejects(
    { powerMw: 1, energyMwh: 4, rte: 0.5, chargeEfficiency: 0.9, dischargeEfficiency: 0.9 },
    "rte",
    /conflicts/,
  );
  rejects({ powerMw: 1, energyMwh: 4, rte: 0.9, chargeEfficiency: 0.8 }, "charge_efficiency", /exceed 1/);
  rejects({ powerMw: 1, energyMwh: 4, end: "full" as never }, "end", /"full" is not an end rule/);
});

Deno.test("batteryFromText() parses query-string values and names a value that is not a number", () => {
  const b = batteryFromText({ power_mw: "2", energy_mwh: " 8 ", rte: "0.81", end: "free" });
  assert.equal(b.energyMwh, 8);
  assert.equal(b.end, "free");
  for (const bad of ["", "abc", "1e999", "0x"]) {
    assert.throws(() => batteryFromText({ power_mw: bad, energy_mwh: "1" }), (e: unknown) => {
      assert.ok(e instanceof BatteryParamError);
      assert.equal(e.param, "power_mw");
      return true;
    });
  }
});
