/**
 * HTTP answers as OASIS and its BigIP edge give them: zips (data and error documents alike) with HTTP 200,
 * the 429 throttle page, a redirect, and the failure pages used by fault injection.
 *
 * @module
 */
import { errorDocument, errorFileNames } from "./error_documents.ts";
import { writeZip } from "./zip_writer.ts";

/** The exact 114-byte body of the BigIP throttle answer (`api-evangelist_http429_body.html`). */
export const THROTTLE_BODY =
  "<html><body><p>CAISO Acceptable Use Policy Violation. Please retry your request after 5 seconds.</p></body></html>";

/** Body of the HTTP 500 fault. */
export const SERVER_ERROR_BODY =
  "<html><head><title>500 Internal Server Error</title></head><body><h1>Internal Server Error</h1></body></html>";

/** Body of the `htmlBody` fault: a 200 page where a zip was expected. */
export const HTML_PAGE_BODY =
  "<!DOCTYPE html><html><head><title>OASIS</title></head><body><p>The OASIS application is temporarily unavailable. Please try again later.</p></body></html>";

function html(body: string, status: number, extra: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/html", ...extra } });
}

/** HTTP 429 with the BigIP page: `text/html`, `Server: BigIP`, no `Retry-After`. */
export function throttleResponse(): Response {
  return html(THROTTLE_BODY, 429, { Server: "BigIP" });
}

/** HTTP 500 page. */
export function serverErrorResponse(): Response {
  return html(SERVER_ERROR_BODY, 500);
}

/** HTTP 200 with an HTML page instead of a zip. */
export function htmlPageResponse(): Response {
  return html(HTML_PAGE_BODY, 200);
}

/** HTTP 200 zip answer named `fileName`. */
export function zipResponse(body: Uint8Array, fileName: string): Response {
  return new Response(body as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: {
      "Content-Type": "application/x-zip-compressed",
      "Content-Disposition": `inline; filename=${fileName}`,
    },
  });
}

/** The zip bytes and file name of the error document for `code` at `now`. */
export function errorZip(code: number, now: Date, stem?: string): { body: Uint8Array; fileName: string } {
  const names = errorFileNames(code, stem);
  const data = new TextEncoder().encode(errorDocument(code, now));
  return { body: writeZip([{ name: names.member, data }], { modified: now }), fileName: names.zip };
}

/** HTTP 302 to `location`. */
export function redirectResponse(location: string): Response {
  return new Response(null, { status: 302, headers: { Location: location } });
}
