/**
 * How a webhook POST is signed, and how a receiver checks it: HMAC-SHA256 (WebCrypto) with the shared
 * secret over `{timestamp}.{body}`, sent as `X-Oasis-Signature: sha256=<hex>` beside
 * `X-Oasis-Timestamp: <unix seconds>`. Signing the timestamp lets a receiver refuse a replayed request
 * (one whose timestamp is older than a few minutes).
 *
 * @module
 */

/** The signature header. */
export const SIGNATURE_HEADER = "X-Oasis-Signature";
/** The timestamp header (unix seconds, signed with the body). */
export const TIMESTAMP_HEADER = "X-Oasis-Timestamp";

const encoder = new TextEncoder();

async function hmacHex(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(text)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The `X-Oasis-Signature` value of `body` sent at `timestamp` (unix seconds). */
export async function signWebhook(secret: string, timestamp: number, body: string): Promise<string> {
  return `sha256=${await hmacHex(secret, `${timestamp}.${body}`)}`;
}

/**
 * Whether a received POST is authentic and fresh: the signature matches (compared in constant time) and
 * the timestamp is within `toleranceS` of `nowS`.
 */
export async function verifyWebhook(
  secret: string,
  headers: { signature: string | null; timestamp: string | null },
  body: string,
  nowS: number = Math.floor(Date.now() / 1000),
  toleranceS = 300,
): Promise<boolean> {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowS - ts) > toleranceS || headers.signature === null) return false;
  const want = encoder.encode(await signWebhook(secret, ts, body));
  const got = encoder.encode(headers.signature);
  if (want.length !== got.length) return false;
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff |= want[i]! ^ got[i]!;
  return diff === 0;
}
