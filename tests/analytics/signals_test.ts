import assert from "node:assert/strict";
import {
  batterySignals,
  DEFAULT_SIGNAL_SETTINGS,
  type PriceAt,
  rankDayAheadHours,
} from "../../src/analytics/signals.ts";
import { hoursInDay, operatingDay } from "../../src/oasis/time.ts";

const hours = (date: string, price: (h: number) => number): PriceAt[] => {
  const start = operatingDay(date).start.getTime();
  return Array.from({ length: hoursInDay(date) }, (_, h) => ({
    timestamp: new Date(start + h * 3_600_000).toISOString().slice(0, 19) + "Z",
    ms: start + h * 3_600_000,
    price: price(h),
  }));
};

Deno.test("rankDayAheadHours() ranks 23 hours on the spring-forward day and 25 on the fall-back day", () => {
  for (const [date, n] of [["2025-03-09", 23], ["2025-11-02", 25], ["2025-06-10", 24]] as const) {
    const ranks = rankDayAheadHours(hours(date, (h) => h), DEFAULT_SIGNAL_SETTINGS);
    assert.equal(ranks.size, n);
    const roles = [...ranks.values()].map((r) => r.role);
    assert.equal(roles.filter((r) => r === "cheapest").length, 4);
    assert.equal(roles.filter((r) => r === "dearest").length, 4);
    for (const r of ranks.values()) assert.equal(r.of, n);
  }
});

Deno.test("rankDayAheadHours() keeps cheapest and dearest apart on a day with few priced hours", () => {
  const few = hours("2025-06-10", (h) => h).slice(0, 6);
  const roles = [...rankDayAheadHours(few, DEFAULT_SIGNAL_SETTINGS).values()].map((r) => r.role);
  assert.deepEqual(roles, ["cheapest", "cheapest", "cheapest", "cheapest", "dearest", "dearest"]);
});

Deno.test("rankDayAheadHours() ranks each operating day on its own", () => {
  const two = [...hours("2025-06-10", () => 10), ...hours("2025-06-11", () => 90)];
  const ranks = rankDayAheadHours(two, DEFAULT_SIGNAL_SETTINGS);
  assert.equal([...ranks.values()].filter((r) => r.role === "cheapest").length, 8);
});

Deno.test("batterySignals() puts a negative price before any hour rank, then a high price, then the rank", () => {
  const da = hours("2025-06-10", (h) => (h === 11 ? 5 : h === 12 ? 95 : 50));
  const noon = da[12]!.ms;
  const rt: PriceAt[] = [
    { timestamp: "a", ms: noon, price: -2 },
    { timestamp: "b", ms: da[11]!.ms, price: 150 },
    { timestamp: "c", ms: da[11]!.ms + 300_000, price: 40 },
    { timestamp: "d", ms: noon + 300_000, price: 40 },
  ];
  const s = batterySignals(rt, 5, da, { ...DEFAULT_SIGNAL_SETTINGS, cheapestHours: 1, dearestHours: 1 });
  assert.deepEqual(s.map((x) => x.action), ["charge", "discharge", "charge", "discharge"]);
  assert.match(s[0]!.reason, /below 0/);
  assert.match(s[1]!.reason, /above 100/);
  assert.match(s[2]!.reason, /cheapest day-ahead hours \(rank 1 of 24/);
  assert.match(s[3]!.reason, /dearest day-ahead hours \(rank 24 of 24/);
});

Deno.test("batterySignals() holds with a reason when the hour has no day-ahead price, and sets the interval end", () => {
  const [s] = batterySignals(
    [{ timestamp: "2025-06-10T18:00:00Z", ms: Date.parse("2025-06-10T18:00:00Z"), price: 40 }],
    15,
    [],
  );
  assert.equal(s?.action, "hold");
  assert.match(s?.reason ?? "", /no day-ahead price/);
  assert.equal(s?.interval_end, "2025-06-10T18:15:00Z");
});
