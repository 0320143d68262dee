/**
 * The stored form of one outbox entry. Entries written by this version pack many messages into one
 * deflated blob (`{ v: 2, at, n, z }`): a JSON line with the topics, the header sets and the length of
 * every key and value, then all keys and values back to back, UTF-8, raw deflate at level 1. The JSON of
 * the rows compresses about tenfold, so one 64 KiB KV value holds hundreds of messages and one atomic commit
 * thousands. Entries written by earlier versions (`{ at, m: BronzeMessage[] }`) are still read as they are,
 * so an outbox file left behind by an older release drains without a migration step.
 *
 * @module
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { BronzeMessage } from "./sink.ts";

/** An entry of this version: `n` messages packed and deflated into `z`. */
export interface PackedEntry {
  readonly v: 2;
  /** Commit time, ms. */
  readonly at: number;
  /** Number of messages in `z`. */
  readonly n: number;
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

/** Packs `messages` (in order) into deflated bytes. */
export function packMessages(messages: readonly BronzeMessage[]): Uint8Array {
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
  // A copy of its own: zlib answers with a view into a larger buffer, and KV would store all of that buffer.
  return new Uint8Array(deflateRawSync(encoder.encode(text), { level: 1 }));
}

/** The messages packed by `packMessages`, in order. */
export function unpackMessages(bytes: Uint8Array): BronzeMessage[] {
  const text = decoder.decode(inflateRawSync(bytes));
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
  return "z" in entry ? unpackMessages(entry.z) : entry.m;
}

/** The number of messages of a stored entry, without unpacking it. */
export function entrySize(entry: StoredEntry): number {
  return "z" in entry ? entry.n : entry.m.length;
}
