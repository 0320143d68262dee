/**
 * The product's one XML reader: the streaming SAX parser `npm:saxes`, chosen by `bench/parse_bench.ts` (on a
 * 100,000-row report, about 10× faster than fast-xml-parser building a DOM, and a few MB where the DOM took
 * hundreds). Elements are reported by local name, because OASIS writes data reports without a prefix and error
 * documents with `m:`, in namespaces that carry the report version (`OASISReport_v1.xsd`, …).
 *
 * @module
 */
import { SaxesParser } from "saxes";

/** What `streamXml` calls, in document order. */
export interface XmlHandlers {
  /** An element opens: its local name (prefix dropped) and its name as written. */
  readonly open?: (name: string, written: string) => void;
  /** Text between tags, entities decoded. */
  readonly text?: (text: string) => void;
  /** An element closes: its local name. */
  readonly close?: (name: string) => void;
}

/** A text that is not well-formed XML, with the line where the parser found out. */
export class XmlSyntaxError extends SyntaxError {
  /** 1-based line of the error. */
  readonly line: number;

  constructor(message: string, line: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "XmlSyntaxError";
    this.line = line;
  }
}

/** Options of `streamXml`. */
export interface StreamXmlOptions {
  /** Read on past well-formedness errors, returning the first, instead of throwing it (default false). */
  readonly lenient?: boolean;
}

/** The local part of an element name: `m:ERR_CODE` → `ERR_CODE`. */
export function localName(name: string): string {
  const colon = name.indexOf(":");
  return colon < 0 ? name : name.slice(colon + 1);
}

/**
 * Streams the elements of `text` to `handlers`. Throws `XmlSyntaxError` at the first well-formedness error
 * (or, when `lenient`, reads on and returns it); an error thrown by a handler propagates as it is.
 */
export function streamXml(
  text: string,
  handlers: XmlHandlers,
  options: StreamXmlOptions = {},
): XmlSyntaxError | undefined {
  const parser = new SaxesParser({ xmlns: false, position: true });
  let first: XmlSyntaxError | undefined;
  parser.on("error", (cause) => {
    const error = new XmlSyntaxError(cause.message, parser.line, { cause });
    if (!options.lenient) throw error;
    first ??= error;
  });
  const { open, text: onText, close } = handlers;
  if (open) parser.on("opentag", (tag) => open(localName(tag.name), tag.name));
  if (onText) parser.on("text", onText);
  if (close) parser.on("closetag", (tag) => close(localName(tag.name)));
  parser.write(text).close();
  return first;
}
