import assert from "node:assert/strict";
import { localName, streamXml, XmlSyntaxError } from "../../src/oasis/xml_stream.ts";

Deno.test("streamXml() reports elements by local name, with the name as written, and decoded text", () => {
  const seen: string[] = [];
  const failure = streamXml('<m:A xmlns:m="urn:x"><B>x &amp; y</B></m:A>', {
    open: (name, written) => seen.push(`<${name}|${written}>`),
    text: (t) => seen.push(t),
    close: (name) => seen.push(`</${name}>`),
  });
  assert.equal(failure, undefined);
  assert.deepEqual(seen, ["<A|m:A>", "<B|B>", "x & y", "</B>", "</A>"]);
  assert.equal(localName("m:ERR_CODE"), "ERR_CODE");
});

Deno.test("streamXml() throws XmlSyntaxError with the line, or returns it and reads on when lenient", () => {
  const bad = "<A>\n<B>1</C>\n<D>2</D></A>";
  assert.throws(() => streamXml(bad, {}), (e: unknown) => e instanceof XmlSyntaxError && e.line === 2);
  const names: string[] = [];
  const failure = streamXml(bad, { open: (name) => names.push(name) }, { lenient: true });
  assert.ok(failure instanceof XmlSyntaxError);
  assert.deepEqual(names, ["A", "B", "D"]);
});

Deno.test("streamXml() lets an error thrown by a handler through as it is", () => {
  const stop = new RangeError("stop");
  const open = (name: string) => {
    if (name === "B") throw stop;
  };
  assert.throws(() => streamXml("<A><B/></A>", { open }), (e: unknown) => e === stop);
});
