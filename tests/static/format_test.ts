/** The dashboard's time labels (`static/format.js`): Pacific zone names, hour ending as OASIS numbers it, alert times. */
import assert from "node:assert/strict";
import { dateTime, hourEnding, zoneName, zoneSpan } from "../../static/format.js";

const HOUR = 3_600_000;

/** Hour-ending labels of the hours from `start` (UTC ISO) for `hours` hours. */
const labels = (start: string, hours: number) =>
  Array.from({ length: hours }, (_, i) => hourEnding(Date.parse(start) + i * HOUR));

Deno.test("hourEnding() labels a summer day HE1 (00:00–01:00 PDT) to HE24", () => {
  assert.deepEqual(labels("2026-07-01T07:00:00Z", 24), Array.from({ length: 24 }, (_, i) => i + 1));
  assert.equal(hourEnding("2026-07-01T20:00:00Z"), 14); // 13:00–14:00 PDT
});

Deno.test("hourEnding() labels the fall-back day 1, 2, 25, 3 … 24 as OASIS does (OPR_HR 25 is the repeated hour)", () => {
  // 2025-11-02: 07:00Z is 00:00 PDT; 09:00Z is the second 01:00 (PST); the day ends at 08:00Z on Nov 3.
  assert.deepEqual(labels("2025-11-02T07:00:00Z", 25), [
    1,
    2,
    25,
    ...Array.from({ length: 22 }, (_, i) => i + 3),
  ]);
});

Deno.test("hourEnding() skips HE3 on the spring-forward day", () => {
  assert.deepEqual(labels("2025-03-09T08:00:00Z", 23), [
    1,
    2,
    ...Array.from({ length: 21 }, (_, i) => i + 4),
  ]);
});

Deno.test("zoneName() and dateTime() say PDT in summer and PST in winter", () => {
  assert.equal(zoneName("2026-07-01T20:00:00Z"), "PDT");
  assert.equal(zoneName(Date.parse("2026-01-15T20:00:00Z")), "PST");
  assert.equal(dateTime("2026-07-01T20:05:00Z"), "Jul 1 13:05 PDT");
  assert.equal(dateTime("2026-12-31T23:30:00Z"), "Dec 31 15:30 PST");
  assert.equal(zoneSpan("2025-11-02T07:00:00Z", "2025-11-03T07:00:00Z"), "PDT→PST");
  assert.equal(zoneSpan("2026-07-01T07:00:00Z", "2026-07-02T06:00:00Z"), "PDT");
});
