import assert from "node:assert/strict";
import { DATASETS, DEFAULT_NODES } from "../../src/oasis/datasets.ts";
import { buildUrl } from "../../src/oasis/url.ts";
import { planWindows, splitRange } from "../../src/oasis/windows.ts";
import {
  formatOasisDateTime,
  gmtToIso,
  hoursInDay,
  operatingDate,
  operatingDay,
  pacificMidnight,
  parseDate,
  parseOasisDateTime,
} from "../../src/oasis/time.ts";

const d = (iso: string) => new Date(iso);
const NODES_25 = Array.from({ length: 25 }, (_, i) => `NODE_${i}`);

Deno.test("pacificMidnight() is 08:00Z in PST and 07:00Z in PDT", () => {
  assert.equal(pacificMidnight("2024-01-15").toISOString(), "2024-01-15T08:00:00.000Z");
  assert.equal(pacificMidnight("2024-07-15").toISOString(), "2024-07-15T07:00:00.000Z");
  // DST days start at the previous regime's midnight.
  assert.equal(pacificMidnight("2025-03-09").toISOString(), "2025-03-09T08:00:00.000Z");
  assert.equal(pacificMidnight("2025-11-02").toISOString(), "2025-11-02T07:00:00.000Z");
});

Deno.test("operating days are 23, 24 and 25 hours long", () => {
  assert.equal(hoursInDay("2025-03-09"), 23);
  assert.equal(hoursInDay("2025-03-10"), 24);
  assert.equal(hoursInDay("2025-11-02"), 25);
  assert.deepEqual(operatingDay("2025-11-02"), {
    start: d("2025-11-02T07:00:00Z"),
    end: d("2025-11-03T08:00:00Z"),
  });
});

Deno.test("operatingDate() maps instants to the Pacific date", () => {
  assert.equal(operatingDate(d("2020-01-02T07:59:00Z")), "2020-01-01");
  assert.equal(operatingDate(d("2020-01-02T08:00:00Z")), "2020-01-02");
  assert.equal(operatingDate(d("2025-11-02T09:30:00Z")), "2025-11-02"); // the repeated 01:00 PST hour
});

Deno.test("parseDate() rejects malformed and impossible dates with the value quoted", () => {
  assert.throws(() => parseDate("2024-02-30"), /Invalid date "2024-02-30": no such day/);
  assert.throws(() => parseDate("20240101"), /expected YYYY-MM-DD/);
});

Deno.test("OASIS datetime format round-trips: YYYYMMDDTHH:MM-0000", () => {
  assert.equal(formatOasisDateTime(d("2024-01-01T08:00:00Z")), "20240101T08:00-0000");
  assert.equal(parseOasisDateTime("20240101T08:00-0000")?.toISOString(), "2024-01-01T08:00:00.000Z");
  assert.equal(parseOasisDateTime("20240101T00:00-0700")?.toISOString(), "2024-01-01T07:00:00.000Z");
  assert.equal(parseOasisDateTime("2024-01-01"), undefined);
  assert.equal(parseOasisDateTime("20241301T00:00-0000"), undefined);
});

Deno.test("gmtToIso() converts OASIS GMT columns to UTC ending in Z", () => {
  assert.equal(gmtToIso("2020-01-02T16:00:00-00:00"), "2020-01-02T16:00:00Z");
  assert.equal(gmtToIso("2014-05-08T19:15:00-07:00"), "2014-05-09T02:15:00Z");
  assert.equal(gmtToIso("not a time"), undefined);
});

Deno.test("a 25-hour day is one DAM request with a node list, aligned to Pacific midnights", () => {
  const day = operatingDay("2025-11-02");
  const plan = planWindows(DATASETS.lmp_dam, day, { nodes: DEFAULT_NODES });
  assert.equal(plan.length, 1);
  assert.equal(
    buildUrl("https://oasis.caiso.com/oasisapi/SingleZip", plan[0]!),
    "https://oasis.caiso.com/oasisapi/SingleZip?resultformat=6&queryname=PRC_LMP&version=12&market_run_id=DAM" +
      "&node=TH_NP15_GEN-APND,TH_SP15_GEN-APND,TH_ZP26_GEN-APND" +
      "&startdatetime=20251102T07:00-0000&enddatetime=20251103T08:00-0000",
  );
});

Deno.test("node lists split by 10 and ranges by 31 operating days: the minimum number of requests", () => {
  const range = { start: pacificMidnight("2024-01-01"), end: pacificMidnight("2024-04-01") }; // 91 days
  const plan = planWindows(DATASETS.lmp_rtm, range, { nodes: NODES_25 });
  assert.equal(plan.length, Math.ceil(91 / 31) * Math.ceil(25 / 10)); // 3 × 3
  assert.deepEqual(plan.slice(0, 3).map((w) => w.nodes!.length), [10, 10, 5]);
  // Every window starts and ends on a Pacific midnight, across the March DST change.
  for (const w of plan) {
    assert.equal(pacificMidnight(operatingDate(w.start)).getTime(), w.start.getTime());
    assert.equal(pacificMidnight(operatingDate(w.end)).getTime(), w.end.getTime());
  }
  assert.deepEqual([...new Set(plan.map((w) => w.start.toISOString()))], [
    "2024-01-01T08:00:00.000Z",
    "2024-02-01T08:00:00.000Z",
    "2024-03-03T08:00:00.000Z",
  ]);
});

Deno.test("all-node RTM and FMM requests are one hour each; all-node DAM one operating day each", () => {
  const day = operatingDay("2025-11-02");
  assert.equal(planWindows(DATASETS.lmp_rtm, day, { grpType: "ALL" }).length, 25);
  assert.equal(planWindows(DATASETS.lmp_fmm, day, { grpType: "ALL_APNODES" }).length, 25);
  const week = { start: pacificMidnight("2025-03-08"), end: pacificMidnight("2025-03-15") };
  const dam = planWindows(DATASETS.lmp_dam, week, { grpType: "ALL_APNODES" });
  assert.equal(dam.length, 7);
  assert.equal(dam[1]!.end.getTime() - dam[1]!.start.getTime(), 23 * 3_600_000);
  assert.equal(buildUrl("x", dam[0]!).includes("grp_type=ALL_APNODES"), true);
});

Deno.test("PRC_AS is one operating day per request; CRR plans both of its reports", () => {
  const week = { start: pacificMidnight("2025-03-08"), end: pacificMidnight("2025-03-15") };
  const as = planWindows(DATASETS.as_dam, week, { nodes: DEFAULT_NODES });
  assert.equal(as.length, 7);
  assert.ok(as.every((w) => w.nodes === undefined));
  assert.match(
    buildUrl("x", as[0]!),
    /queryname=PRC_AS&version=12&market_run_id=DAM&anc_type=ALL&anc_region=ALL/,
  );
  const crr = planWindows(DATASETS.crr, operatingDay("2025-03-08"), { nodes: DEFAULT_NODES });
  assert.deepEqual(crr.map((w) => w.query.queryName), ["CRR_CLEARING", "CRR_INVENTORY"]);
  assert.match(buildUrl("x", crr[0]!), /market_name=ALL&market_term=ALL&time_of_use=ALL/);
});

Deno.test("an unaligned range starts and ends where asked, splitting at boundaries in between", () => {
  const parts = splitRange(d("2025-06-01T10:20:00Z"), d("2025-06-01T12:05:00Z"), { hours: 1 });
  assert.deepEqual(parts.map((p) => [p.start.toISOString(), p.end.toISOString()]), [
    ["2025-06-01T10:20:00.000Z", "2025-06-01T11:00:00.000Z"],
    ["2025-06-01T11:00:00.000Z", "2025-06-01T12:00:00.000Z"],
    ["2025-06-01T12:00:00.000Z", "2025-06-01T12:05:00.000Z"],
  ]);
  assert.deepEqual(splitRange(d("2025-06-01T10:00:00Z"), d("2025-06-01T10:00:00Z"), { days: 1 }), []);
});

Deno.test("planWindows() rejects an empty node list and invalid dates", () => {
  const day = operatingDay("2025-06-01");
  assert.throws(() => planWindows(DATASETS.lmp_dam, day, { nodes: [] }), /node list is empty/);
  assert.throws(
    () => planWindows(DATASETS.lmp_dam, { start: new Date("x"), end: day.end }, { nodes: DEFAULT_NODES }),
    /start is not a date/,
  );
});

Deno.test("XML requests omit resultformat", () => {
  const w = planWindows(DATASETS.lmp_dam, operatingDay("2025-06-01"), { nodes: DEFAULT_NODES })[0]!;
  assert.ok(!buildUrl("x", w, "xml").includes("resultformat"));
});
