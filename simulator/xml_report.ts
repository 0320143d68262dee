/**
 * Writes report tables as an OASIS XML data document, laid out like the recorded
 * `pyiso_sld_forecast_RTM_RTPD.xml`: default namespace (no prefix), one element per line without
 * indentation, one `REPORT_ITEM` (with its `REPORT_HEADER`) per run of lines with the same item key, the disclaimer last and no
 * final newline.
 *
 * @module
 */
import type { ReportTable } from "./report_table.ts";

/** Namespace of OASIS report documents (schema version 1, as in every recorded file). */
export const OASIS_REPORT_NAMESPACE = "http://www.caiso.com/soa/OASISReport_v1.xsd";

/** `MessageHeader/Version` written by the simulator. */
export const MESSAGE_VERSION = "v20131201";

/** Disclaimer text of data documents (two spaces after "notice.", as recorded). */
export const DATA_DISCLAIMER =
  "The contents of these pages are subject to change without notice.  Decisions based on information contained within the California ISO's web site are the visitor's sole responsibility.";

function escapeXml(text: string): string {
  return /[&<>]/.test(text)
    ? text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    : text;
}

function reportHeader(table: ReportTable): string {
  const x = table.xml;
  const lines = ["<REPORT_HEADER>", "<SYSTEM>OASIS</SYSTEM>", "<TZ>PPT</TZ>", `<REPORT>${x.report}</REPORT>`];
  if (x.mktType) lines.push(`<MKT_TYPE>${x.mktType}</MKT_TYPE>`);
  lines.push(`<UOM>${x.uom}</UOM>`, "<INTERVAL>ENDING</INTERVAL>");
  if (x.secPerInterval) lines.push(`<SEC_PER_INTERVAL>${x.secPerInterval}</SEC_PER_INTERVAL>`);
  lines.push("</REPORT_HEADER>");
  return lines.join("\n");
}

/** The XML text of one data document holding `table`; `timeDate` is the `MessageHeader/TimeDate`. */
export function xmlText(table: ReportTable, timeDate: string): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<OASISReport xmlns="${OASIS_REPORT_NAMESPACE}">`,
    "<MessageHeader>",
    `<TimeDate>${timeDate}</TimeDate>`,
    "<Source>OASIS</Source>",
    `<Version>${MESSAGE_VERSION}</Version>`,
    "</MessageHeader>",
    "<MessagePayload>",
    "<RTO>",
    "<name>CAISO</name>",
  ];
  const header = reportHeader(table);
  const { fields, itemKey } = table.xml;
  const tags = fields.map(([name, read]) => ({ open: `<${name}>`, close: `</${name}>\n`, read }));
  let group: string | undefined;
  for (const line of table.lines) {
    const cells = line.split(",");
    const cellGroup = itemKey(cells);
    if (cellGroup !== group) {
      if (group !== undefined) out.push("</REPORT_ITEM>");
      out.push("<REPORT_ITEM>", header);
      group = cellGroup;
    }
    // One string per REPORT_DATA keeps an all-node day (about 200,000 elements) fast to join.
    let data = "<REPORT_DATA>\n";
    for (const t of tags) data += t.open + escapeXml(t.read(cells)) + t.close;
    out.push(data + "</REPORT_DATA>");
  }
  if (group !== undefined) out.push("</REPORT_ITEM>");
  out.push(
    "<DISCLAIMER_ITEM>",
    `<DISCLAIMER>${DATA_DISCLAIMER}</DISCLAIMER>`,
    "</DISCLAIMER_ITEM>",
    "</RTO>",
    "</MessagePayload>",
    "</OASISReport>",
  );
  return out.join("\n");
}

/** The XML bytes of one data document holding `table`. */
export function xmlBytes(table: ReportTable, timeDate: string): Uint8Array {
  return new TextEncoder().encode(xmlText(table, timeDate));
}
