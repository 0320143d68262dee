/**
 * OASIS in-band error documents, byte for byte in the two recorded layouts:
 * - code 1000 ("no data"): `erw_caiso_sld_ren_fcst_no_data.xml`, with the disclaimer and a blank line
 *   before `</m:RTO>`, no final newline; member `<stem>.xml` in `<stem>.xml.zip`;
 * - every other code: `api-evangelist_INVALID_REQUEST_1001.xml`, no disclaimer, final newline as
 *   recorded; member `INVALID_REQUEST.xml` in `INVALID_REQUEST.xml.zip`.
 *
 * @module
 */
import { OASIS_ERROR_CODES } from "../src/oasis/errors.ts";
import { errorTimeDate } from "./format.ts";
import { MESSAGE_VERSION, OASIS_REPORT_NAMESPACE } from "./xml_report.ts";

/** Disclaimer text of error documents (one space after "notice.", as recorded). */
export const ERROR_DISCLAIMER =
  "The contents of these pages are subject to change without notice. Decisions based on information contained within the California ISO's web site are the visitor's sole responsibility.";

/** Stem of the member and ZIP name for error codes other than 1000. */
export const INVALID_REQUEST_STEM = "INVALID_REQUEST";

/** The description OASIS writes for `code` (from `OASIS_ERROR_CODES`). */
export function errorDescription(code: number): string {
  const known = OASIS_ERROR_CODES[code];
  if (!known) throw new RangeError(`Unknown OASIS error code "${code}"`);
  return known.description;
}

/** The text of the error document for `code` generated at `now`. */
export function errorDocument(code: number, now: Date): string {
  const head = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<m:OASISReport xmlns:m="${OASIS_REPORT_NAMESPACE}">`,
    "<m:MessageHeader>",
    `\t<m:TimeDate>${errorTimeDate(now)}</m:TimeDate>`,
    "\t<m:Source>OASIS</m:Source>",
    `\t<m:Version>${MESSAGE_VERSION}</m:Version>`,
    "</m:MessageHeader>",
    "<m:MessagePayload>",
    "<m:RTO>",
    "<m:name>CAISO</m:name>",
  ];
  const error = [
    "<m:ERROR>",
    `<m:ERR_CODE>${code}</m:ERR_CODE>`,
    `<m:ERR_DESC>${errorDescription(code)}</m:ERR_DESC>`,
    "</m:ERROR>",
  ];
  const tail = ["</m:RTO>", "</m:MessagePayload>", "</m:OASISReport>"];
  if (code === 1000) {
    const disclaimer = [
      "<m:DISCLAIMER_ITEM>",
      `<m:DISCLAIMER>${ERROR_DISCLAIMER}</m:DISCLAIMER>`,
      "</m:DISCLAIMER_ITEM>",
    ];
    return [...head, ...disclaimer, ...error, "", ...tail].join("\n");
  }
  return [...head, ...error, ...tail].join("\n") + "\n";
}

/** Member and ZIP names for the error document of `code`; `stem` names the request for code 1000. */
export function errorFileNames(code: number, stem: string | undefined): { member: string; zip: string } {
  const base = code === 1000 && stem ? stem : INVALID_REQUEST_STEM;
  return { member: `${base}.xml`, zip: `${base}.xml.zip` };
}
