import assert from "node:assert/strict";
import {
  estimateInterval,
  estimateReads,
  type EstimateSettings,
  estimateTarget,
  previousDayStarts,
} from "../../src/live/estimate.ts";
import type { SeriesPoint } from "../../src/store/store.ts";

const MIN = 60_000;

/** Points at the given UTC instants. */
const points = (entries: Record<string, number>): SeriesPoint[] =>
  Object.entries(entries).map(([timestamp, price]) => ({ timestamp, ms: Date.parse(timestamp), price }));

const settings = (method: EstimateSettings["method"], maxGapMin = 15) => ({
  method,
  maxGapMs: maxGapMin * MIN,
});
const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString().replace(".000Z", "Z");

Deno.test("estimateTarget() is the newest interval that ended at least ESTIMATE_AFTER_S ago", () => {
  const target = (now: string, afterS: number) => iso(estimateTarget(at(now), afterS * 1000));
  assert.equal(target("2026-07-01T20:02:00Z", 120), "2026-07-01T19:55:00Z", "20:00 ended only 2 min ago");
  assert.equal(target("2026-07-01T20:06:59Z", 120), "2026-07-01T19:55:00Z");
  assert.equal(target("2026-07-01T20:07:00Z", 120), "2026-07-01T20:00:00Z");
  assert.equal(target("2026-07-01T20:05:00Z", 0), "2026-07-01T20:00:00Z", "published as it ends");
  assert.equal(target("2026-07-01T20:04:59Z", 0), "2026-07-01T19:55:00Z", "never the interval still running");
});

Deno.test("estimateInterval() gives no estimate for an interval that has a real price", () => {
  const rt = points({ "2026-07-01T19:55:00Z": 40, "2026-07-01T20:00:00Z": 42 });
  const da = points({ "2026-07-01T20:00:00Z": 35 });
  for (const method of ["da", "interpolate", "previous_day"] as const) {
    assert.equal(estimateInterval(at("2026-07-01T20:00:00Z"), { rt, da }, settings(method)), null, method);
  }
});

Deno.test("estimateInterval() da: the day-ahead price of the hour that contains the interval", () => {
  const rt = points({ "2026-07-01T20:25:00Z": 40 });
  const da = points({ "2026-07-01T19:00:00Z": 31, "2026-07-01T20:00:00Z": 35, "2026-07-01T21:00:00Z": 39 });
  assert.deepEqual(estimateInterval(at("2026-07-01T20:55:00Z"), { rt, da }, settings("da")), {
    value: 35,
    method: "da",
    interval_start: "2026-07-01T20:55:00Z",
    fallback: false,
    basis: [{ market: "DA", timestamp: "2026-07-01T20:00:00Z", price: 35 }],
  });
});

Deno.test("estimateInterval() interpolate: linear across a short gap, between the real prices around it", () => {
  // 20:00 and 20:05 are missing: 10 minutes between two real prices.
  const rt = points({ "2026-07-01T19:50:00Z": 10, "2026-07-01T19:55:00Z": 40, "2026-07-01T20:10:00Z": 55 });
  const none = { rt, da: [] };
  const first = estimateInterval(at("2026-07-01T20:00:00Z"), none, settings("interpolate"));
  assert.equal(first?.value, 45);
  assert.equal(first?.method, "interpolate");
  assert.equal(first?.fallback, false);
  assert.deepEqual(first?.basis, [
    { market: "RT", timestamp: "2026-07-01T19:55:00Z", price: 40 },
    { market: "RT", timestamp: "2026-07-01T20:10:00Z", price: 55 },
  ]);
  assert.equal(estimateInterval(at("2026-07-01T20:05:00Z"), none, settings("interpolate"))?.value, 50);
  assert.equal(estimateInterval(at("2026-07-01T20:05:00Z"), none, settings("interpolate", 10))?.value, 50);
  assert.equal(
    estimateInterval(at("2026-07-01T20:05:00Z"), none, settings("interpolate", 5)),
    null,
    "a gap longer than ESTIMATE_MAX_GAP_MIN is not bridged (and nothing else is available)",
  );
});

Deno.test("estimateInterval() interpolate falls back to the DA price without a real price after the interval", () => {
  // The live case: the newest intervals are missing, so nothing comes after them yet.
  const rt = points({ "2026-07-01T19:50:00Z": 38, "2026-07-01T19:55:00Z": 40 });
  const da = points({ "2026-07-01T20:00:00Z": 35 });
  const e = estimateInterval(at("2026-07-01T20:00:00Z"), { rt, da }, settings("interpolate"));
  assert.equal(e?.method, "da");
  assert.equal(e?.value, 35);
  assert.equal(e?.fallback, true, "labelled with the method actually used");
});

Deno.test("estimateInterval() previous_day: the same interval of the previous operating day", () => {
  const rt = points({ "2026-06-30T20:00:00Z": 28.5, "2026-07-01T19:55:00Z": 40 });
  const e = estimateInterval(at("2026-07-01T20:00:00Z"), { rt, da: [] }, settings("previous_day"));
  assert.deepEqual(e, {
    value: 28.5,
    method: "previous_day",
    interval_start: "2026-07-01T20:00:00Z",
    fallback: false,
    basis: [{ market: "RT", timestamp: "2026-06-30T20:00:00Z", price: 28.5 }],
  });
});

Deno.test("estimateInterval() falls back in the fixed order interpolate, da, previous_day; null when nothing is known", () => {
  const target = at("2026-07-01T20:05:00Z");
  const before = { "2026-07-01T20:00:00Z": 40 };
  const after = { "2026-07-01T20:10:00Z": 50 };
  const yesterday = { "2026-06-30T20:05:00Z": 30 };
  const da = points({ "2026-07-01T20:00:00Z": 35 });
  const used = (rt: Record<string, number>, dayAhead: SeriesPoint[], method: EstimateSettings["method"]) => {
    const e = estimateInterval(target, { rt: points(rt), da: dayAhead }, settings(method));
    return e === null ? null : `${e.method}=${e.value}${e.fallback ? " (fallback)" : ""}`;
  };
  assert.equal(used({ ...before, ...after, ...yesterday }, da, "da"), "da=35");
  assert.equal(used({ ...before, ...after, ...yesterday }, [], "da"), "interpolate=45 (fallback)");
  assert.equal(used({ ...before, ...yesterday }, [], "da"), "previous_day=30 (fallback)");
  assert.equal(used({ ...before, ...after, ...yesterday }, da, "previous_day"), "previous_day=30");
  assert.equal(used({ ...before, ...after }, da, "previous_day"), "interpolate=45 (fallback)");
  assert.equal(used(before, da, "previous_day"), "da=35 (fallback)");
  assert.equal(used({ ...before, ...yesterday }, da, "interpolate"), "da=35 (fallback)");
  assert.equal(used(yesterday, [], "interpolate"), "previous_day=30 (fallback)");
  assert.equal(used(before, [], "da"), null);
});

Deno.test("estimateReads() reads RT around the interval and on the previous day, and the DA hour", () => {
  const reads = estimateReads(at("2026-07-01T20:05:00Z"), 15 * MIN);
  assert.deepEqual(reads.rt.map((r) => [iso(r.from!), iso(r.to!)]), [
    ["2026-07-01T19:45:00Z", "2026-07-01T20:25:00Z"],
    ["2026-06-30T20:05:00Z", "2026-06-30T20:05:00Z"],
  ]);
  assert.deepEqual([iso(reads.da.from!), iso(reads.da.to!)], [
    "2026-07-01T20:00:00Z",
    "2026-07-01T20:00:00Z",
  ]);
});

// 9 March 2025, Pacific: clocks jump from 02:00 PST (10:00Z) to 03:00 PDT; the day has 23 hours.
Deno.test("DST spring-forward night: 02:xx does not exist, so previous_day falls back the day after", () => {
  // 02:15 PDT on 10 March is 09:15Z; there was no 02:15 on 9 March.
  const target = at("2025-03-10T09:15:00Z");
  assert.deepEqual(previousDayStarts(target), []);
  const rt = points({ "2025-03-09T09:15:00Z": 99, "2025-03-10T09:10:00Z": 41 }); // 09:15Z was 01:15 PST
  const da = points({ "2025-03-10T09:00:00Z": 33 });
  const e = estimateInterval(target, { rt, da }, settings("previous_day"));
  assert.equal(
    e?.method,
    "da",
    "not 01:15 PST of 9 March, which is 24 h earlier but another wall-clock time",
  );
  assert.equal(e?.value, 33);
  assert.equal(e?.fallback, true);
});

Deno.test("DST spring-forward night: previous_day of 03:15 PDT is 03:15 PST, 23 hours earlier", () => {
  const target = at("2025-03-09T10:15:00Z"); // 03:15 PDT, the first quarter hour after the jump
  assert.deepEqual(previousDayStarts(target).map(iso), ["2025-03-08T11:15:00Z"]);
  const rt = points({ "2025-03-08T10:15:00Z": 20, "2025-03-08T11:15:00Z": 25 });
  const e = estimateInterval(target, { rt, da: [] }, settings("previous_day"));
  assert.equal(e?.value, 25);
  assert.equal(e?.basis[0]?.timestamp, "2025-03-08T11:15:00Z");
});

Deno.test("DST spring-forward night: da and interpolate work in elapsed time across the jump", () => {
  // 01:55 PST (09:55Z) and 03:05 PDT (10:05Z) are ten minutes apart; 03:00 PDT (10:00Z) is missing.
  const rt = points({ "2025-03-09T09:55:00Z": 30, "2025-03-09T10:05:00Z": 40 });
  const da = points({ "2025-03-09T09:00:00Z": 21, "2025-03-09T10:00:00Z": 23 }); // 01:00 PST, 03:00 PDT
  const target = at("2025-03-09T10:00:00Z");
  const interpolated = estimateInterval(target, { rt, da }, settings("interpolate", 5));
  assert.equal(interpolated?.value, 35, "one interval missing, not 65 wall-clock minutes");
  assert.equal(interpolated?.method, "interpolate");
  assert.equal(estimateInterval(target, { rt, da }, settings("da"))?.value, 23, "hour ending 04, 03:00 PDT");
  assert.equal(estimateInterval(at("2025-03-09T09:55:00Z"), { rt: [], da }, settings("da"))?.value, 21);
});

// 2 November 2025, Pacific: 01:00–01:59 happens twice, first in PDT (08:xxZ), then in PST (09:xxZ); 25 hours.
Deno.test("DST fall-back night: each of the two 01:xx hours gets its own DA price", () => {
  const da = points({ "2025-11-02T08:00:00Z": 27, "2025-11-02T09:00:00Z": 24 });
  const first = estimateInterval(at("2025-11-02T08:30:00Z"), { rt: [], da }, settings("da"));
  const second = estimateInterval(at("2025-11-02T09:30:00Z"), { rt: [], da }, settings("da"));
  assert.equal(first?.value, 27);
  assert.equal(second?.value, 24);
});

Deno.test("DST fall-back night: interpolate bridges the repeated hour in elapsed time", () => {
  // 01:55 PDT (08:55Z) and 01:05 PST (09:05Z): ten minutes apart although the wall clock went back.
  const rt = points({ "2025-11-02T08:55:00Z": 20, "2025-11-02T09:05:00Z": 30 });
  const e = estimateInterval(at("2025-11-02T09:00:00Z"), { rt, da: [] }, settings("interpolate", 5));
  assert.equal(e?.value, 25);
});

Deno.test("DST fall-back night: previous_day uses the first of the two 01:xx the day after, the second if it has no price", () => {
  const target = at("2025-11-03T09:15:00Z"); // 01:15 PST on 3 November
  assert.deepEqual(previousDayStarts(target).map(iso), ["2025-11-02T08:15:00Z", "2025-11-02T09:15:00Z"]);
  const both = points({ "2025-11-02T08:15:00Z": 18, "2025-11-02T09:15:00Z": 16 });
  assert.equal(estimateInterval(target, { rt: both, da: [] }, settings("previous_day"))?.value, 18);
  const secondOnly = points({ "2025-11-02T09:15:00Z": 16 });
  assert.equal(estimateInterval(target, { rt: secondOnly, da: [] }, settings("previous_day"))?.value, 16);
});

Deno.test("DST fall-back night: both 01:15s of the long day look back to the one 01:15 PDT of the day before", () => {
  assert.deepEqual(previousDayStarts(at("2025-11-02T08:15:00Z")).map(iso), ["2025-11-01T08:15:00Z"]);
  assert.deepEqual(previousDayStarts(at("2025-11-02T09:15:00Z")).map(iso), ["2025-11-01T08:15:00Z"]);
  // 03:00 PST on 3 November is 11:00Z; 03:00 on the 25-hour day is also PST: 24 h earlier.
  assert.deepEqual(previousDayStarts(at("2025-11-03T11:00:00Z")).map(iso), ["2025-11-02T11:00:00Z"]);
  // 23:55 PST on 2 November looks back to 23:55 PDT on 1 November: 25 h earlier.
  assert.deepEqual(previousDayStarts(at("2025-11-03T07:55:00Z")).map(iso), ["2025-11-02T06:55:00Z"]);
});
