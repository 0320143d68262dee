/** The battery panel's inputs (`static/battery_params.js`): the API's bounds, defaults and the URL query. */
import assert from "node:assert/strict";
import { BATTERY_BOUNDS, DEFAULT_RTE } from "../../src/analytics/battery.ts";
import {
  apiValue,
  BATTERY_INPUTS,
  defaultParams,
  paramsFromQuery,
  problemOf,
  queryWithParams,
  shownValue,
} from "../../static/battery_params.js";

Deno.test("the panel's inputs have the API's bounds (BATTERY_BOUNDS) and defaults", () => {
  for (const input of BATTERY_INPUTS) {
    const bound = BATTERY_BOUNDS[input.name]!;
    assert.deepEqual([input.min, input.max], [bound.min, bound.max], input.name);
  }
  assert.deepEqual(defaultParams(), { power_mw: 1, energy_mwh: 4, rte: DEFAULT_RTE, cycles: 1 });
});

Deno.test("paramsFromQuery() restores the battery from the URL and ignores a value out of bounds", () => {
  const search = new URLSearchParams("zone=sp15&power_mw=2.5&energy_mwh=10&rte=0.3&cycles=x");
  assert.deepEqual(paramsFromQuery(search), { power_mw: 2.5, energy_mwh: 10, rte: 0.85, cycles: 1 });
});

Deno.test("queryWithParams() keeps other parameters and leaves defaults out of the URL", () => {
  const search = new URLSearchParams("zone=np15&rte=0.9");
  const out = queryWithParams(search, { power_mw: 2, energy_mwh: 4, rte: 0.85, cycles: 1.5 });
  assert.equal(out.toString(), "zone=np15&power_mw=2&cycles=1.5");
  assert.deepEqual(paramsFromQuery(out), { power_mw: 2, energy_mwh: 4, rte: 0.85, cycles: 1.5 });
});

Deno.test("the efficiency is a percentage on the page and a fraction in the API; bad values are named", () => {
  const rte = BATTERY_INPUTS.find((i) => i.name === "rte")!;
  assert.equal(shownValue(rte, 0.85), "85");
  assert.equal(apiValue(rte, "92.5"), 0.925);
  assert.ok(Number.isNaN(apiValue(rte, "")));
  assert.equal(problemOf(rte, 0.4), "Round trip must be from 50 to 100 %");
  assert.equal(problemOf(rte, NaN), "Round trip: enter a number");
  assert.equal(problemOf(rte, 1), null);
  const power = BATTERY_INPUTS.find((i) => i.name === "power_mw")!;
  assert.equal(problemOf(power, 0), "Power must be from 0.001 to 1000000 MW");
});
