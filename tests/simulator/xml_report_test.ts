import assert from "node:assert/strict";
// deno-lint-ignore no-import-prefix -- an independent validator, pinned for this test only
import { XMLValidator } from "npm:fast-xml-parser@5.12.1";
import { ask, fixedSimulator, oasisUrl, sampleText } from "./helpers.ts";

/** Element names line by line, values dropped, so two documents compare by layout only. */
function skeleton(xml: string): string[] {
  return xml.split("\n").map((line) => line.replace(/^<(\w+)>.*<\/\1>$/, "<$1/>"));
}

function xmlParams(query: string, version: string, market: string, start: string, end: string, node: string) {
  return {
    queryname: query,
    version,
    market_run_id: market,
    node,
    startdatetime: start,
    enddatetime: end,
  };
}

Deno.test("XML data documents have the layout of the recorded pyiso document", async () => {
  const recorded = await sampleText("pyiso_sld_forecast_RTM_RTPD.xml");
  const url = oasisUrl(
    xmlParams("PRC_INTVL_LMP", "3", "RTM", "20260701T18:00-0000", "20260701T18:15-0000", "TH_NP15_GEN-APND"),
  );
  const answer = await ask(fixedSimulator(), url);
  const lmp = answer.files["20260701_20260701_PRC_INTVL_LMP_RTM_LMP_v3.xml"] as string;
  const expected = skeleton(recorded).filter((line) => line !== "<EXECUTION_TYPE/>");
  assert.deepEqual(skeleton(lmp), expected);
  assert.ok(!lmp.endsWith("\n"));
  const disclaimer = (xml: string) => xml.split("\n").find((l) => l.startsWith("<DISCLAIMER>"));
  assert.equal(disclaimer(lmp), disclaimer(recorded));
  assert.equal(XMLValidator.validate(lmp), true);
});

Deno.test("XML REPORT_DATA carries data item, node, operating date, sequential interval and GMT times", async () => {
  const url = oasisUrl(
    xmlParams("PRC_INTVL_LMP", "3", "RTM", "20260701T18:00-0000", "20260701T18:15-0000", "TH_NP15_GEN-APND"),
  );
  const answer = await ask(fixedSimulator(), url);
  const lmp = answer.files["20260701_20260701_PRC_INTVL_LMP_RTM_LMP_v3.xml"] as string;
  assert.match(
    lmp,
    /<REPORT_DATA>\n<DATA_ITEM>LMP_PRC<\/DATA_ITEM>\n<RESOURCE_NAME>TH_NP15_GEN-APND<\/RESOURCE_NAME>\n<OPR_DATE>2026-07-01<\/OPR_DATE>\n<INTERVAL_NUM>133<\/INTERVAL_NUM>\n<INTERVAL_START_GMT>2026-07-01T18:00:00-00:00<\/INTERVAL_START_GMT>\n<INTERVAL_END_GMT>2026-07-01T18:05:00-00:00<\/INTERVAL_END_GMT>\n<VALUE>-?\d+(\.\d+)?<\/VALUE>\n<\/REPORT_DATA>/,
  );
  assert.match(lmp, /<TimeDate>2026-07-01T20:03:17-00:00<\/TimeDate>/);
  assert.match(
    lmp,
    /<MKT_TYPE>RTM<\/MKT_TYPE>\n<UOM>US\$\/MWh<\/UOM>\n<INTERVAL>ENDING<\/INTERVAL>\n<SEC_PER_INTERVAL>300</,
  );
});

Deno.test("XML with resultformat=5 and with no resultformat are the same document", async () => {
  const params = xmlParams(
    "PRC_LMP",
    "1",
    "DAM",
    "20260701T07:00-0000",
    "20260702T07:00-0000",
    "TH_SP15_GEN-APND",
  );
  const sim = fixedSimulator();
  const plain = await ask(sim, oasisUrl(params));
  const explicit = await ask(sim, oasisUrl({ ...params, resultformat: "5" }));
  assert.deepEqual(explicit.files, plain.files);
  const [name, xml] = Object.entries(plain.files)[0] as [string, string];
  assert.equal(name, "20260701_20260702_PRC_LMP_DAM_20260701_13_03_17_v1.xml");
  // One REPORT_ITEM per (data item, node): five components.
  assert.equal(xml.split("<REPORT_ITEM>").length - 1, 5);
  assert.equal(xml.split("<REPORT_DATA>").length - 1, 5 * 24);
});

Deno.test("XML for AS and CRR names regions and CRR markets", async () => {
  const sim = fixedSimulator();
  const as = await ask(
    sim,
    oasisUrl({ groupid: "DAM_PRC_AS_GRP", startdatetime: "20260701T07:00-0000", version: "12" }, "GroupZip"),
  );
  const asXml = as.files["20260701_20260701_PRC_AS_DAM_v12.xml"] as string;
  assert.match(asXml, /<DATA_ITEM>NS_CLR_PRC<\/DATA_ITEM>\n<RESOURCE_NAME>AS_CAISO<\/RESOURCE_NAME>/);
  assert.equal(XMLValidator.validate(asXml), true);
  const crr = await ask(
    sim,
    oasisUrl({
      queryname: "CRR_CLEARING",
      version: "1",
      market_name: "ALL",
      market_term: "ALL",
      time_of_use: "ALL",
      startdatetime: "20260701T07:00-0000",
      enddatetime: "20260702T07:00-0000",
    }),
  );
  const crrXml = Object.values(crr.files)[0] as string;
  assert.match(
    crrXml,
    /<DATA_ITEM>ON_PRC<\/DATA_ITEM>\n<RESOURCE_NAME>[^<]+-APND<\/RESOURCE_NAME>\n<CRR_MARKET_NAME>AUC_MN_2026_M07_TR<\/CRR_MARKET_NAME>\n<MARKET_TERM>MONTHLY<\/MARKET_TERM>\n<TIME_OF_USE>ON<\/TIME_OF_USE>/,
  );
  assert.equal(XMLValidator.validate(crrXml), true);
});
