import assert from "node:assert/strict";
import { ask, fixedSimulator, oasisUrl, onlyCsv, queryParams } from "./helpers.ts";

const TYPES = ["NR", "RD", "RMD", "RMU", "RU", "SR"];
const REGIONS = ["AS_CAISO", "AS_CAISO_EXP", "AS_NP26", "AS_NP26_EXP", "AS_SP26", "AS_SP26_EXP"];
const ITEMS: Record<string, string> = {
  NR: "NS_CLR_PRC",
  RD: "RD_CLR_PRC",
  RMD: "RMD_CLR_PRC",
  RMU: "RMU_CLR_PRC",
  RU: "RU_CLR_PRC",
  SR: "SP_CLR_PRC",
};

Deno.test("PRC_AS (via GroupZip) has the OASIS.md header, Hourly rows for every type and region, some empty MW", async () => {
  const url = oasisUrl({
    groupid: "DAM_PRC_AS_GRP",
    startdatetime: "20260701T07:00-0000",
    resultformat: "6",
    version: "12",
  }, "GroupZip");
  const answer = await ask(fixedSimulator(), url);
  assert.deepEqual(Object.keys(answer.files), ["20260701_20260701_PRC_AS_DAM_v12.csv"]);
  const csv = onlyCsv(answer);
  assert.equal(
    csv.header.join(","),
    "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,OPR_INTERVAL,OPR_TYPE,ANC_TYPE,ANC_REGION," +
      "MARKET_RUN_ID,XML_DATA_ITEM,MW,GROUP",
  );
  assert.equal(csv.rows.length, 24 * 36);
  assert.deepEqual([...new Set(csv.rows.map((r) => r.ANC_TYPE))].sort(), TYPES);
  assert.deepEqual([...new Set(csv.rows.map((r) => r.ANC_REGION))].sort(), REGIONS);
  for (const r of csv.rows) {
    assert.equal(r.OPR_TYPE, "Hourly");
    assert.equal(r.OPR_INTERVAL, "0");
    assert.equal(r.MARKET_RUN_ID, "DAM");
    assert.equal(r.XML_DATA_ITEM, ITEMS[r.ANC_TYPE as string]);
    assert.match(r.MW as string, /^(\d+(\.\d{0,4}[1-9])?)?$/);
  }
  assert.ok(csv.rows.some((r) => r.MW === ""), "real files have empty MW cells now and then");
});

Deno.test("PRC_AS with one anc_type is served directly for the whole operating day", async () => {
  const params = queryParams("PRC_AS", 12, "DAM", "20260701T12:00-0000", "20260701T13:00-0000", {
    anc_type: "RU",
    anc_region: "AS_CAISO_EXP",
  });
  const answer = await ask(fixedSimulator(), oasisUrl(params));
  assert.equal(answer.response.status, 200);
  const csv = onlyCsv(answer);
  assert.equal(csv.rows.length, 24);
  assert.ok(
    csv.rows.every((r) =>
      r.ANC_TYPE === "RU" && r.ANC_REGION === "AS_CAISO_EXP" && r.OPR_DT === "2026-07-01"
    ),
  );
});

Deno.test("PRC_INTVL_AS has the OASIS.md header order, Interval rows and OPR_INTERVAL 1-4", async () => {
  const params = queryParams("PRC_INTVL_AS", 1, "RTM", "20260701T18:00-0000", "20260701T19:00-0000", {
    anc_type: "ALL",
    anc_region: "ALL",
  });
  const csv = onlyCsv(await ask(fixedSimulator(), oasisUrl(params)));
  assert.equal(
    csv.header.join(","),
    "INTERVALSTARTTIME_GMT,INTERVALENDTIME_GMT,OPR_DT,OPR_HR,OPR_TYPE,ANC_TYPE,XML_DATA_ITEM,MARKET_RUN_ID,MW," +
      "ANC_REGION,OPR_INTERVAL,GROUP",
  );
  assert.equal(csv.rows.length, 4 * 36);
  assert.ok(csv.rows.every((r) => r.OPR_TYPE === "Interval" && r.MARKET_RUN_ID === "RTM"));
  assert.deepEqual([...new Set(csv.rows.map((r) => r.OPR_INTERVAL))], ["1", "2", "3", "4"]);
});

Deno.test("CRR_CLEARING has the provisional header, ON_PRC/LT_OFF_PRC and a monthly market name", async () => {
  const params = queryParams("CRR_CLEARING", 1, undefined, "20261101T07:00-0000", "20261102T08:00-0000", {
    market_name: "ALL",
    market_term: "ALL",
    time_of_use: "ALL",
  });
  const sim = fixedSimulator({ allApnodesCount: 20 }, new Date("2026-11-05T18:00:00Z"));
  const answer = await ask(sim, oasisUrl(params));
  assert.equal(
    answer.response.headers.get("Content-Disposition"),
    "inline; filename=20261101_20261102_CRR_CLEARING_20261105_10_00_00_v1.zip",
  );
  const csv = onlyCsv(answer);
  assert.equal(
    csv.header.join(","),
    "MARKET_NAME,MARKET_TERM,TIME_OF_USE,START_DATE,END_DATE,START_DATE_GMT,END_DATE_GMT,APNODE_ID," +
      "APNODE_ID_PRICE,XML_DATA_ITEM",
  );
  assert.equal(csv.rows.length, 2 * 20);
  assert.deepEqual(
    [
      ...new Set(
        csv.rows.map((r) => `${r.MARKET_NAME} ${r.MARKET_TERM} ${r.TIME_OF_USE} ${r.XML_DATA_ITEM}`),
      ),
    ],
    ["AUC_MN_2026_M11_TR MONTHLY ON ON_PRC", "AUC_MN_2026_M11_TR MONTHLY OFF LT_OFF_PRC"],
  );
  assert.equal(csv.rows[0]?.START_DATE_GMT, "2026-11-01T07:00:00-00:00");
  assert.equal(csv.rows[0]?.END_DATE_GMT, "2026-12-01T08:00:00-00:00");
});

Deno.test("CRR_INVENTORY has the provisional header with ON_MW/OFF_MW rows per inventory date", async () => {
  const params = queryParams("CRR_INVENTORY", 1, undefined, "20260629T07:00-0000", "20260701T07:00-0000", {
    market_name: "ALL",
    market_term: "ALL",
    time_of_use: "ALL",
  });
  const csv = onlyCsv(await ask(fixedSimulator(), oasisUrl(params)));
  assert.equal(
    csv.header.join(","),
    "MARKET_NAME,MARKET_TERM,TIME_OF_USE,INVENTORY_DATE,START_DATE_GMT,END_DATE_GMT,SOURCE,SINK,OWNER," +
      "CRR_OPTION,CRR_CATEGORY,CRR_SEGMENT,XML_DATA_ITEM,MW",
  );
  assert.deepEqual([...new Set(csv.rows.map((r) => r.INVENTORY_DATE))], ["2026-06-29", "2026-06-30"]);
  assert.deepEqual([...new Set(csv.rows.map((r) => r.XML_DATA_ITEM))], ["ON_MW", "OFF_MW"]);
});
