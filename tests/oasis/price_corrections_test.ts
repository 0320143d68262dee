/** The PRC_CORR_GRP parser maps columns by header. */
import assert from "node:assert/strict";
import { zipSync } from "fflate";
import { parseCorrectionCsv, parseCorrections } from "../../src/oasis/price_corrections.ts";
import { OasisParseError } from "../../src/oasis/errors.ts";

const CSV = [
  "TRADE_DATE,HOUR_ENDING,INTERVAL,MARKET,AFFECTED_AREA,CORRECTION_METHOD,CORRECTION_COUNT,ENERGY_TYPECODE,CORRECTION_REASON,REPORT_GENERATED",
  "2026-06-25,14,0,DAM,ALL,REPRICE,1,LMP,Data error,2026-07-03 10:00:00",
  "2026-06-25,,,RTD,,,,,No records found for report.,",
  '2026-06-25,3,7,RTD,ALL,REPRICE,1,LMP,"Bad, input",2026-07-03 10:00:00',
].join("\n");

Deno.test("parseCorrectionCsv() reads corrections by header and drops the placeholder rows", () => {
  assert.deepEqual(parseCorrectionCsv(CSV), [
    {
      tradeDate: "2026-06-25",
      hourEnding: 14,
      interval: 0,
      market: "DAM",
      reason: "Data error",
      generated: "2026-07-03 10:00:00",
    },
    {
      tradeDate: "2026-06-25",
      hourEnding: 3,
      interval: 7,
      market: "RTD",
      reason: "Bad, input",
      generated: "2026-07-03 10:00:00",
    },
  ]);
});

Deno.test("parseCorrectionCsv() reads reordered and extra columns and a date with a time", () => {
  const text = "NEW_COL,MARKET,TRADE_DATE,HOUR_ENDING\nx,rtpd,2026-06-25 00:00:00,5\n";
  assert.deepEqual(parseCorrectionCsv(text), [
    { tradeDate: "2026-06-25", hourEnding: 5, interval: null, market: "RTPD", reason: "", generated: "" },
  ]);
});

Deno.test('parseCorrectionCsv() rejects a file without a "MARKET" column', () => {
  assert.throws(
    () => parseCorrectionCsv("TRADE_DATE,HOUR_ENDING\n2026-06-25,1\n"),
    (e: unknown) => e instanceof OasisParseError && /missing column "MARKET"/.test(e.message),
  );
});

Deno.test("parseCorrections() answers no-data for OASIS's error document 1000", () => {
  const xml =
    "<m:OASISReport><m:ERROR><m:ERR_CODE>1000</m:ERR_CODE><m:ERR_DESC>No data</m:ERR_DESC></m:ERROR></m:OASISReport>";
  const zip = zipSync({ "x.xml": new TextEncoder().encode(xml) });
  assert.deepEqual(parseCorrections(zip), { kind: "no-data" });
});
