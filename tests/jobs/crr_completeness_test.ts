/** What a complete CRR day is: every auction period × time of use × node has a clearing price. */
import assert from "node:assert/strict";
import { type CrrFact, crrGaps, monthlyPeriods } from "../../src/jobs/crr_completeness.ts";

const JUNE = { start: Date.parse("2025-06-01T07:00:00Z"), end: Date.parse("2025-07-01T07:00:00Z") };
const JULY = { start: Date.parse("2025-07-01T07:00:00Z"), end: Date.parse("2025-08-01T07:00:00Z") };
const SP15 = "TH_SP15_GEN-APND", NP15 = "TH_NP15_GEN-APND";

function facts(node: string, period: { start: number; end: number }, auction: string, tous = ["ON", "OFF"]) {
  return tous.map((tou): CrrFact => ({ node, qualifier: `${auction}/MONTHLY/${tou}`, ...period }));
}

const days = (from: string, to: string) => ({ from: new Date(from), to: new Date(to) });

Deno.test("monthlyPeriods: the calendar months a range of operating days overlaps, Pacific midnight to midnight", () => {
  const periods = monthlyPeriods(new Date("2025-06-30T07:00:00Z"), new Date("2025-07-03T07:00:00Z"));
  assert.deepEqual(periods, [JUNE, JULY]);
  // December to January crosses a year; March starts in PST and ends in PDT.
  const winter = monthlyPeriods(new Date("2025-12-31T08:00:00Z"), new Date("2026-03-02T08:00:00Z"));
  assert.deepEqual(winter.map((p) => new Date(p.start).toISOString()), [
    "2025-12-01T08:00:00.000Z",
    "2026-01-01T08:00:00.000Z",
    "2026-02-01T08:00:00.000Z",
    "2026-03-01T08:00:00.000Z",
  ]);
  assert.equal(new Date(winter[3]!.end).toISOString(), "2026-04-01T07:00:00.000Z");
  assert.deepEqual(monthlyPeriods(new Date(JULY.start), new Date(JULY.start)), []);
});

Deno.test("crrGaps: every node with both times of use of the month's auction is complete", () => {
  const all = [...facts(SP15, JULY, "AUC_MN_2025_M07_TR"), ...facts(NP15, JULY, "AUC_MN_2025_M07_TR")];
  const gaps = crrGaps(days("2025-07-02T07:00:00Z", "2025-07-03T07:00:00Z"), all, [NP15, SP15]);
  assert.deepEqual(gaps.map((g) => [g.node, g.expected, g.present, g.missing]), [[NP15, 2, 2, 0], [
    SP15,
    2,
    2,
    0,
  ]]);
});

Deno.test("crrGaps: a node lacking one time of use lists that auction period and time of use", () => {
  const all = [
    ...facts(SP15, JULY, "AUC_MN_2025_M07_TR", ["ON"]),
    ...facts(NP15, JULY, "AUC_MN_2025_M07_TR"),
  ];
  const gaps = crrGaps(days("2025-07-02T07:00:00Z", "2025-07-03T07:00:00Z"), all, null);
  assert.deepEqual(gaps.map((g) => [g.node, g.missing]), [[NP15, 0], [SP15, 1]]);
  assert.deepEqual(gaps[1]!.gaps, [{
    auction: "AUC_MN_2025_M07_TR",
    term: "MONTHLY",
    time_of_use: "OFF",
    start: "2025-07-01T07:00:00Z",
    end: "2025-08-01T07:00:00Z",
  }]);
});

Deno.test("crrGaps: a month whose auction never arrived is missing for every node, named null", () => {
  const all = [...facts(SP15, JULY, "AUC_MN_2025_M07_TR"), ...facts(NP15, JULY, "AUC_MN_2025_M07_TR")];
  const gaps = crrGaps(days("2025-06-30T07:00:00Z", "2025-07-02T07:00:00Z"), all, [SP15, NP15]);
  for (const g of gaps) {
    assert.equal(g.expected, 4);
    assert.deepEqual(g.gaps.map((m) => [m.auction, m.time_of_use, m.start]), [
      [null, "ON", "2025-06-01T07:00:00Z"],
      [null, "OFF", "2025-06-01T07:00:00Z"],
    ]);
  }
  // With `since` after June began (what keeps the prices dropped June), June is not expected.
  const kept = crrGaps(
    { ...days("2025-06-30T07:00:00Z", "2025-07-02T07:00:00Z"), since: new Date(JULY.start) },
    all,
    [SP15],
  );
  assert.deepEqual(kept.map((g) => [g.expected, g.missing]), [[2, 0]]);
});

Deno.test("crrGaps: another auction seen for one node (a season) is expected of every node; nothing seen is `*`", () => {
  const season = { start: JULY.start, end: Date.parse("2025-10-01T07:00:00Z") };
  const all = [
    ...facts(SP15, JULY, "AUC_MN_2025_M07_TR"),
    ...facts(NP15, JULY, "AUC_MN_2025_M07_TR"),
    ...facts(SP15, season, "AUC_SN_2025_Q3_TR"),
  ];
  const gaps = crrGaps(days("2025-07-02T07:00:00Z", "2025-07-03T07:00:00Z"), all, null);
  assert.deepEqual(gaps.map((g) => [g.node, g.expected, g.missing]), [[NP15, 4, 2], [SP15, 4, 0]]);
  assert.deepEqual(gaps[0]!.gaps.map((m) => [m.auction, m.time_of_use]), [
    ["AUC_SN_2025_Q3_TR", "ON"],
    ["AUC_SN_2025_Q3_TR", "OFF"],
  ]);
  const none = crrGaps(days("2025-07-02T07:00:00Z", "2025-07-03T07:00:00Z"), [], null);
  assert.deepEqual(none.map((g) => [g.node, g.expected, g.missing]), [["*", 2, 2]]);
});
