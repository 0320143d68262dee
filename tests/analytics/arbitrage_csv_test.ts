/** The CLI's price file: columns, inferred interval length, gaps and clear errors. */
import assert from "node:assert/strict";
import { parsePriceCsv, PriceCsvError } from "../../src/analytics/price_csv.ts";

const csv = (rows: string[]) => ["interval_start,price", ...rows].join("\n");

Deno.test("parsePriceCsv() infers 5-minute intervals, sorts rows and leaves gaps unknown", () => {
  const s = parsePriceCsv(csv([
    "2024-07-01T07:10:00Z,30",
    "2024-07-01T07:00:00Z,10",
    "2024-07-01T07:05:00Z,-5.5",
    "2024-07-01T07:20:00Z,40",
  ]));
  assert.equal(s.intervalMinutes, 5);
  assert.equal(s.startMs, Date.UTC(2024, 6, 1, 7));
  assert.deepEqual(s.prices, [10, -5.5, 30, null, 40]);
});

Deno.test("parsePriceCsv() reads hourly files, extra columns, offsets and timestamps without a zone as UTC", () => {
  const s = parsePriceCsv(
    "node,price,interval_start\nA,1,2024-07-01T00:00:00\nA,2,2024-07-01T03:00:00+02:00\n",
  );
  assert.equal(s.intervalMinutes, 60);
  assert.deepEqual(s.prices, [1, 2]); // 00:00Z, then 03:00+02:00 = 01:00Z
  assert.equal(s.startMs, Date.UTC(2024, 6, 1, 0));
});

Deno.test("parsePriceCsv() rejects unusable files with the line and the value", () => {
  const cases: [string, RegExp][] = [
    ["time,lmp\n2024-07-01T00:00:00Z,1", /expected the columns "interval_start,price"/],
    [csv([]), /no prices/],
    [csv(["2024-07-01T00:00:00Z,abc"]), /Line 2: "abc" is not a price/],
    [csv(["2024-07-01T00:00:00Z,"]), /Line 2: "" is not a price/],
    [csv(["yesterday,1"]), /Line 2: "yesterday" is not an ISO-8601 timestamp/],
    [
      csv(["2024-07-01T00:00:00Z,1", "2024-07-01T00:00:00Z,2"]),
      /Line 3: interval 2024-07-01T00:00:00Z appears twice/,
    ],
    [csv(["2024-07-01T00:00:00Z,1", "2024-07-01T00:07:00Z,2"]), /7 minutes does not divide an hour/],
    [
      csv(["2024-07-01T00:00:00Z,1", "2024-07-01T00:10:00Z,2", "2024-07-01T00:25:00Z,3"]),
      /not on the 10-minute grid/,
    ],
    [
      csv(["2024-07-01T00:00:00Z,1", "2024-07-01T01:00:00Z,1", "2024-09-01T00:00:00Z,2"]),
      /more than 31 days/,
    ],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parsePriceCsv(text),
      (e: unknown) => e instanceof PriceCsvError && message.test(e.message),
    );
  }
});
