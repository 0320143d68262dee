import assert from "node:assert/strict";
import { parseErrorDocument } from "../../src/oasis/error_document.ts";

const doc = (body: string) =>
  '<?xml version="1.0" encoding="UTF-8"?>\n<m:OASISReport xmlns:m="http://www.caiso.com/soa/OASISReport_v1.xsd">' +
  `<m:MessagePayload><m:RTO><m:name>CAISO</m:name>${body}</m:RTO></m:MessagePayload></m:OASISReport>`;

Deno.test("parseErrorDocument() reads the code and description of the recorded no-data document", async () => {
  const text = await Deno.readTextFile(
    new URL("../fixtures/oasis-samples/erw_caiso_sld_ren_fcst_no_data.xml", import.meta.url),
  );
  const error = parseErrorDocument(text);
  assert.equal(error?.code, 1000);
  assert.match(error?.description ?? "", /No data returned/i);
});

Deno.test("parseErrorDocument() reads prefixed and unprefixed elements, entities and surrounding space", () => {
  const prefixed = doc(
    "<m:ERROR><m:ERR_CODE> 1001 </m:ERR_CODE><m:ERR_DESC>Bad &amp; wrong</m:ERR_DESC></m:ERROR>",
  );
  assert.deepEqual(parseErrorDocument(prefixed), { code: 1001, description: "Bad & wrong" });
  const bare = doc("<ERROR><ERR_CODE>1015</ERR_CODE><ERR_DESC>Too many</ERR_DESC></ERROR>").replaceAll(
    "m:",
    "",
  );
  assert.deepEqual(parseErrorDocument(bare), { code: 1015, description: "Too many" });
});

Deno.test("parseErrorDocument() gives the code of a document cut short after it", () => {
  const cut = doc("<m:ERROR><m:ERR_CODE>1000</m:ERR_CODE><m:ERR_DESC>No data").split("</m:RTO>")[0]!;
  assert.deepEqual(parseErrorDocument(cut), { code: 1000, description: "No data" });
});

Deno.test("parseErrorDocument() answers undefined for a data report and throws SyntaxError for a bad code", () => {
  assert.equal(
    parseErrorDocument(
      doc("<m:REPORT_ITEM><m:REPORT_DATA><m:VALUE>1</m:VALUE></m:REPORT_DATA></m:REPORT_ITEM>"),
    ),
    undefined,
  );
  assert.throws(() => parseErrorDocument(doc("<m:ERROR><m:ERR_CODE>x</m:ERR_CODE></m:ERROR>")), SyntaxError);
  assert.throws(() => parseErrorDocument("<m:ERR_CODE>1000</m:ERR_CODE"), SyntaxError);
});
