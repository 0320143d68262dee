import assert from "node:assert/strict";
import { zstdDecompressSync } from "node:zlib";
import { entryMessages, entrySize, packMessages, unpackMessages } from "../../src/bronze/outbox_entry.ts";
import type { BronzeMessage } from "../../src/bronze/sink.ts";

const headers = { "x-schema": "caiso.bronze.envelope", "x-schema-version": "1" };

function message(i: number, text: string): BronzeMessage {
  return { topic: i % 3 === 0 ? "t.dlq" : "t", key: `k${i}|${text}`, value: `{"v":"${text}${i}"}`, headers };
}

/** The bytes earlier releases wrote for the same messages: the layout line, then the joined text, UTF-8. */
function textBytes(messages: readonly BronzeMessage[]): Uint8Array {
  const packed = packMessages(messages);
  return new Uint8Array(zstdDecompressSync(packed.z));
}

Deno.test("packMessages round-trips ASCII messages, their topics and header sets, in order", () => {
  const messages = Array.from({ length: 500 }, (_, i) => message(i, "abc"));
  const { z, b } = packMessages(messages);
  assert.deepEqual(unpackMessages(z, 3, b), messages);
  assert.equal(entrySize({ v: 3, at: 0, n: messages.length, b, z }), 500);
  assert.deepEqual(entryMessages({ v: 3, at: 0, n: messages.length, b, z }), messages);
});

Deno.test("packMessages writes multi-byte text whole when it outgrows its first buffer, as the joined text would encode", () => {
  // 3- and 4-byte characters: the first buffer (one byte per character) is too small many times over.
  const messages = Array.from({ length: 300 }, (_, i) => message(i, "é漢字🙂".repeat(1 + (i % 7))));
  const { z, b } = packMessages(messages);
  assert.deepEqual(unpackMessages(z, 3, b), messages);
  const bytes = textBytes(messages);
  assert.equal(bytes.length, b);
  const decoded = new TextDecoder().decode(bytes);
  const newline = decoded.indexOf("\n");
  assert.equal(decoded.slice(newline + 1), messages.map((m) => m.key + m.value).join(""));
});

Deno.test("packMessages of no messages unpacks to none", () => {
  const { z, b } = packMessages([]);
  assert.deepEqual(unpackMessages(z, 3, b), []);
});
