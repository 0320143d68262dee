/**
 * The stored form of one outbox entry. Entries written by this version pack many messages into one
 * compressed blob (`{ v: 3, at, n, b, z }`): a JSON line with the topics, the header sets and the length of
 * every key and value, then all keys and values back to back, UTF-8, zstd at level 1 (measured on the 2020
 * ALL_APNODES envelopes: 40 % less time than raw deflate at level 1 and about twice its ratio, ~20×). So
 * one 64 KiB KV value holds about a thousand messages and one atomic commit ten thousand. Entries written
 * by earlier versions are still read as they are: `{ v: 2, … }` (the same layout, raw deflate) and
 * `{ at, m: BronzeMessage[] }`, so an outbox file left behind by an older release drains without a
 * migration step.
 *
 * @module
 */
import { constants, inflateRawSync, zstdCompressSync, zstdDecompressSync } from "node:zlib";
import type { BronzeMessage, MessageGroup, PackedMessages } from "./sink.ts";

/** A packed entry: `n` messages packed into `z`, zstd (`v: 3`, this version) or raw deflate (`v: 2`). */
export interface PackedEntry {
  readonly v: 2 | 3;
  /** Commit time, ms. */
  readonly at: number;
  /** Number of messages in `z`. */
  readonly n: number;
  /** Bytes of `z` uncompressed (`v: 3`): one output buffer of that size is ~40 % faster than growing one. */
  readonly b?: number;
  readonly z: Uint8Array;
}

/** An entry as earlier versions wrote it (and as this one writes a lone message that does not compress). */
export interface PlainEntry {
  /** Commit time, ms. */
  readonly at: number;
  readonly m: BronzeMessage[];
}

/** Any entry found in an outbox. */
export type StoredEntry = PackedEntry | PlainEntry;

interface Layout {
  /** Topics, indexed by `r`. */
  readonly t: string[];
  /** Header sets, indexed by `r`. */
  readonly h: Record<string, string>[];
  /** Per message: topic index, header index, key length, value length (UTF-16 code units). */
  readonly r: number[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Level 1 with a 256 KiB window and a 4,096-entry hash table: an entry is at most a few hundred KB of text,
 * and the smaller tables are 17 % faster than level 1's defaults at the same ratio (19.5×, measured on the
 * 2020 ALL_APNODES envelopes).
 */
const ZSTD = {
  params: {
    [constants.ZSTD_c_compressionLevel]: 1,
    [constants.ZSTD_c_windowLog]: 18,
    [constants.ZSTD_c_hashLog]: 12,
  },
};

/**
 * Packs `messages` (in order) into the zstd-compressed bytes `z` of a `v: 3` entry, `b` bytes unpacked, and
 * gives the same messages `packed` over those bytes (what a sink sending from bytes takes).
 */
export function packMessages(
  messages: readonly BronzeMessage[],
): { z: Uint8Array; b: number; packed: PackedMessages } {
  const topics = new Map<string, number>();
  const headerIds = new Map<Readonly<Record<string, string>>, number>();
  const headerJson = new Map<string, number>();
  const layout: Layout = { t: [], h: [], r: [] };
  const headers: Readonly<Record<string, string>>[] = [];
  const refs = new Uint32Array(2 * messages.length);
  let chars = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    let t = topics.get(m.topic);
    if (t === undefined) topics.set(m.topic, t = layout.t.push(m.topic) - 1);
    // The publisher shares one headers object per dataset; equal copies are merged by their JSON.
    let h = headerIds.get(m.headers);
    if (h === undefined) {
      const json = JSON.stringify(m.headers);
      h = headerJson.get(json);
      if (h === undefined) {
        headerJson.set(json, h = layout.h.push({ ...m.headers }) - 1);
        headers.push(m.headers);
      }
      headerIds.set(m.headers, h);
    }
    layout.r.push(t, h, m.key.length, m.value.length);
    refs[2 * i] = t;
    refs[2 * i + 1] = h;
    chars += m.key.length + m.value.length;
  }
  // Written part by part into one buffer (the bytes of the joined text, without building that text: a
  // third of the time of join + encode).
  const head = `${JSON.stringify(layout)}\n`;
  const out = new Utf8Buffer(head.length + chars);
  out.write(head);
  const bounds = new Uint32Array(2 * messages.length + 1);
  bounds[0] = out.used;
  for (let i = 0; i < messages.length; i++) {
    bounds[2 * i + 1] = out.write(messages[i]!.key);
    bounds[2 * i + 2] = out.write(messages[i]!.value);
  }
  const bytes = out.bytes();
  const packed = { count: messages.length, topics: layout.t, headers, refs, bytes, bounds };
  // A copy of its own: zlib answers with a view into a larger buffer, and KV would store all of that buffer.
  return { z: new Uint8Array(zstdCompressSync(bytes, ZSTD)), b: bytes.length, packed };
}

/** UTF-8 bytes appended text by text to a buffer that doubles when a text does not fit. */
class Utf8Buffer {
  #buf: Uint8Array;
  #used = 0;

  constructor(size: number) {
    this.#buf = new Uint8Array(size);
  }

  get used(): number {
    return this.#used;
  }

  /** Appends `text`; returns the bytes used after it. */
  write(text: string): number {
    for (;;) {
      const { read, written } = encoder.encodeInto(text, this.#buf.subarray(this.#used));
      if (read === text.length) return this.#used += written;
      // Not all of it fitted: start the text again in a larger buffer (a partial write is dropped).
      const grown = new Uint8Array(Math.max(this.#buf.length * 2, this.#used + text.length * 3));
      grown.set(this.#buf.subarray(0, this.#used));
      this.#buf = grown;
    }
  }

  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#used);
  }
}

/** Number of messages in a group. */
export function groupSize(group: MessageGroup): number {
  return isPacked(group) ? group.count : group.length;
}

/** Whether a group is packed. */
export function isPacked(group: MessageGroup): group is PackedMessages {
  return !Array.isArray(group);
}

/** The messages of a group, read from its bytes (as an entry read back from KV) when it is packed. */
export function groupMessages(group: MessageGroup): readonly BronzeMessage[] {
  return isPacked(group) ? readPacked(group.bytes) : group;
}

/** The messages packed by `packMessages` (`v: 3`) or by the release before it (`v: 2`), in order. */
export function unpackMessages(bytes: Uint8Array, v: 2 | 3 = 3, size?: number): BronzeMessage[] {
  const options = size ? { chunkSize: Math.max(64, size) } : {};
  return readPacked(v === 3 ? zstdDecompressSync(bytes, options) : inflateRawSync(bytes));
}

/** The messages in the uncompressed bytes of an entry: the layout line, then keys and values. */
function readPacked(bytes: Uint8Array): BronzeMessage[] {
  const text = decoder.decode(bytes);
  const newline = text.indexOf("\n");
  const layout = JSON.parse(text.slice(0, newline)) as Layout;
  const out: BronzeMessage[] = [];
  let at = newline + 1;
  for (let i = 0; i < layout.r.length; i += 4) {
    const key = text.slice(at, at += layout.r[i + 2]!);
    const value = text.slice(at, at += layout.r[i + 3]!);
    out.push({ topic: layout.t[layout.r[i]!]!, key, value, headers: layout.h[layout.r[i + 1]!]! });
  }
  if (at !== text.length) {
    throw new SyntaxError(`Cannot unpack outbox entry: ${text.length - at} characters left over`);
  }
  return out;
}

/** The messages of a stored entry of either version. */
export function entryMessages(entry: StoredEntry): BronzeMessage[] {
  return "z" in entry ? unpackMessages(entry.z, entry.v, entry.b) : entry.m;
}

/** The number of messages of a stored entry, without unpacking it. */
export function entrySize(entry: StoredEntry): number {
  return "z" in entry ? entry.n : entry.m.length;
}
