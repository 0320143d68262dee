/**
 * Why a request got no answer at all, from the error chain `fetch` threw: the name did not resolve (`dns`),
 * nothing listens at the address (`refused`), the TLS handshake or certificate failed (`tls`), no complete
 * answer in time (`timeout`), or something else (`other`, e.g. a reset connection). Deno's `fetch` throws a
 * `TypeError("fetch failed")` whose `cause` names the failure ("client error (Connect): tcp connect error:
 * Connection refused", "dns error: failed to lookup address information", "invalid peer certificate");
 * Node-style `code`s (`ECONNREFUSED`, `ENOTFOUND`) are read too.
 *
 * @module
 */

/** The class of a network failure. */
export type NetworkCause = "dns" | "refused" | "tls" | "timeout" | "other";

const RULES: readonly (readonly [NetworkCause, RegExp])[] = [
  [
    "dns",
    /dns error|failed to lookup address|name or service not known|nodename nor servname|name resolution|getaddrinfo|ENOTFOUND|EAI_AGAIN/i,
  ],
  ["refused", /connection refused|ECONNREFUSED|os error 111\b/i],
  ["tls", /\btls\b|\bssl\b|certificate|handshake|received corrupt message|CERT_|ERR_TLS/i],
  ["timeout", /timed? ?out|ETIMEDOUT|os error 110\b|TimeoutError/i],
];

/** The messages (and codes) of `error` and its causes, outermost first (at most 8 deep). */
export function errorChain(error: unknown): string[] {
  const out: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    if (e instanceof Error || typeof e === "object") {
      const { name, message, code } = e as { name?: unknown; message?: unknown; code?: unknown };
      const text = [name, code, message].filter((p) => typeof p === "string" && p !== "").join(": ");
      if (text !== "") out.push(text);
      e = (e as { cause?: unknown }).cause;
    } else {
      out.push(String(e));
      break;
    }
  }
  return out;
}

/** Classifies a network failure from its error chain; `timedOut` when the attempt's own timeout fired. */
export function networkCause(error: unknown, timedOut = false): { cause: NetworkCause; detail: string } {
  const chain = errorChain(error);
  // The innermost message is the most specific ("tcp connect error: Connection refused (os error 111)").
  const detail = chain.at(-1) ?? "";
  if (timedOut) return { cause: "timeout", detail };
  const text = chain.join(" | ");
  const rule = RULES.find(([, re]) => re.test(text));
  return { cause: rule?.[0] ?? "other", detail };
}
