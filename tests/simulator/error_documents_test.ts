import assert from "node:assert/strict";
import { errorDocument, errorFileNames } from "../../simulator/error_documents.ts";
import { ask, errorCode, fixedSimulator, oasisUrl, sampleText } from "./helpers.ts";

Deno.test("errorDocument(1000) equals the recorded no-data document byte for byte", async () => {
  const recorded = await sampleText("erw_caiso_sld_ren_fcst_no_data.xml");
  assert.equal(errorDocument(1000, new Date("2026-10-06T09:34:35.839Z")), recorded);
});

Deno.test("errorDocument(1001) equals the recorded INVALID_REQUEST document byte for byte", async () => {
  const recorded = await sampleText("api-evangelist_INVALID_REQUEST_1001.xml");
  assert.equal(errorDocument(1001, new Date("2026-07-27T21:19:31.777Z")), recorded);
});

Deno.test("errorDocument() writes the OASIS_ERROR_CODES description for other codes", () => {
  const doc = errorDocument(1017, new Date("2026-07-27T21:19:31.777Z"));
  assert.match(
    doc,
    /<m:ERR_CODE>1017<\/m:ERR_CODE>\n<m:ERR_DESC>Please select a maximum of 10 nodes or use the ALL option</,
  );
  assert.ok(!doc.includes("DISCLAIMER"));
});

Deno.test("errorFileNames() names 1000 after the request and other codes INVALID_REQUEST", () => {
  assert.deepEqual(errorFileNames(1000, "20260801_20260802_PRC_LMP_DAM_20260701_13_03_17_v12"), {
    member: "20260801_20260802_PRC_LMP_DAM_20260701_13_03_17_v12.xml",
    zip: "20260801_20260802_PRC_LMP_DAM_20260701_13_03_17_v12.xml.zip",
  });
  assert.deepEqual(errorFileNames(1004, "ignored"), {
    member: "INVALID_REQUEST.xml",
    zip: "INVALID_REQUEST.xml.zip",
  });
});

Deno.test("an unknown queryname is answered HTTP 200 with INVALID_REQUEST.xml.zip holding error 1001", async () => {
  const answer = await ask(fixedSimulator(), oasisUrl({ queryname: "NOT_A_REPORT" }));
  assert.equal(answer.response.status, 200);
  assert.equal(answer.response.headers.get("Content-Type"), "application/x-zip-compressed");
  assert.equal(
    answer.response.headers.get("Content-Disposition"),
    "inline; filename=INVALID_REQUEST.xml.zip",
  );
  assert.deepEqual(Object.keys(answer.files), ["INVALID_REQUEST.xml"]);
  assert.equal(errorCode(answer), 1001);
  assert.ok(
    answer.files["INVALID_REQUEST.xml"]?.includes("<m:TimeDate>2026-07-01T20:03:17.250Z</m:TimeDate>"),
  );
});
