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
import type { BronzeMessage } from "./sink.ts";

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

const ZSTD = { params: { [constants.ZSTD_c_compressionLevel]: 1 } };

/** Packs `messages` (in order) into the zstd-compressed bytes `z` of a `v: 3` entry, `b` bytes unpacked. */
export function packMessages(messages: readonly BronzeMessage[]): { z: Uint8Array; b: number } {
  const topics = new Map<string, number>();
  const headerIds = new Map<Readonly<Record<string, string>>, number>();
  const headerJson = new Map<string, number>();
  const layout: Layout = { t: [], h: [], r: [] };
  const parts: string[] = [];
  for (const m of messages) {
    let t = topics.get(m.topic);
    if (t === undefined) topics.set(m.topic, t = layout.t.push(m.topic) - 1);
    // The publisher shares one headers object per dataset; equal copies are merged by their JSON.
    let h = headerIds.get(m.headers);
    if (h === undefined) {
      const json = JSON.stringify(m.headers);
      h = headerJson.get(json);
      if (h === undefined) headerJson.set(json, h = layout.h.push({ ...m.headers }) - 1);
      headerIds.set(m.headers, h);
    }
    layout.r.push(t, h, m.key.length, m.value.length);
    parts.push(m.key, m.value);
  }
  const text = `${JSON.stringify(layout)}\n${parts.join("")}`;
  const bytes = encoder.encode(text);
  // A copy of its own: zlib answers with a view into a larger buffer, and KV would store all of that buffer.
  return { z: new Uint8Array(zstdCompressSync(bytes, ZSTD)), b: bytes.length };
}

/** The messages packed by `packMessages` (`v: 3`) or by the release before it (`v: 2`), in order. */
export function unpackMessages(bytes: Uint8Array, v: 2 | 3 = 3, size?: number): BronzeMessage[] {
  const options = size ? { chunkSize: Math.max(64, size) } : {};
  const text = decoder.decode(v === 3 ? zstdDecompressSync(bytes, options) : inflateRawSync(bytes));
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
