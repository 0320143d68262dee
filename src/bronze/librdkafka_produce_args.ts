/**
 * The arguments of `rd_kafka_produceva` for one message at a time: an `rd_kafka_vu_t` array (topic, key,
 * value, `RD_KAFKA_MSG_F_COPY`, one entry per header, and the opaque `tag` adds) pointing into a reused
 * scratch buffer for key and value (or, for packed messages, into their bytes) and into long-lived arenas for
 * the strings that repeat (topic, header names and values). The pointers stay valid until the next `fill`;
 * librdkafka copies everything during the call.
 *
 * @module
 */
import { cBuffer, RD_KAFKA_MSG_F_COPY, VTYPE, VU_SIZE, VU_UNION } from "../clients/librdkafka.ts";
import type { BronzeMessage, PackedMessages } from "./sink.ts";

const INTERN_MAX = 256;
const INTERN_COUNT = 10_000;
const ARENA_SIZE = 65_536;

/** Address of a buffer; large `ArrayBuffer`s live outside the V8 heap and do not move. */
export function address(bytes: Uint8Array): number {
  return Number(Deno.UnsafePointer.value(Deno.UnsafePointer.of(bytes)));
}

/** Builds the `rd_kafka_produceva` arguments of one message at a time. */
export class ProduceArgs {
  readonly #encode?: (topic: string, json: string) => Uint8Array;
  readonly #encoder = new TextEncoder();
  #scratch = new Uint8Array(1 << 20);
  #scratchAt = address(this.#scratch);
  #vu = new Uint8Array(VU_SIZE * 16);
  #vu32 = new Uint32Array(this.#vu.buffer);
  #vuView = new DataView(this.#vu.buffer);
  readonly #interned = new Map<string, { at: number; size: number }>();
  readonly #arenas: Uint8Array[] = []; // referenced so that the interned strings are never collected
  #arena = new Uint8Array(0);
  #arenaUsed = 0;
  /** Per headers object whose strings are all interned: name address, value address, value size each. */
  readonly #placed = new WeakMap<object, number[]>();
  #topic?: string;
  #topicAt = 0;

  /** Arguments whose values go through `encodeValue` when given (schema registry framing). */
  constructor(encodeValue?: (topic: string, json: string) => Uint8Array) {
    this.#encode = encodeValue;
  }

  /** The `rd_kafka_vu_t` array the last `fill` wrote. */
  get vu(): Uint8Array<ArrayBuffer> {
    return this.#vu;
  }

  /** Writes the `rd_kafka_vu_t` array of `m`; returns its length. */
  fill(m: BronzeMessage): number {
    return this.#fillKnown(m) ?? this.#fillNew(m);
  }

  /**
   * Appends an `RD_KAFKA_VTYPE_OPAQUE` entry carrying `opaque` (a small integer, not an address) after the
   * `count` entries `fill` wrote; its delivery report carries it back. Returns the new length.
   */
  tag(count: number, opaque: number): number {
    this.#entry(count, VTYPE.OPAQUE, opaque);
    return count + 1;
  }

  /**
   * Fills the arguments of message `i` of `p`, whose key and value are read where they lie in `p.bytes`
   * (`base` is its address): nothing is encoded or copied on this side.
   */
  fillPacked(p: PackedMessages, i: number, base: number): number {
    const topic = p.topics[p.refs[2 * i]!]!;
    const headers = p.headers[p.refs[2 * i + 1]!]!;
    // First sight of a topic and header set: placed through the message path, key and value set below.
    const count = this.#fillMeta(topic, headers) ?? this.#fillNew({ topic, key: "", value: "", headers });
    const key = p.bounds[2 * i]!, value = p.bounds[2 * i + 1]!, end = p.bounds[2 * i + 2]!;
    this.#entry(1, VTYPE.KEY, base + key, value - key);
    this.#entry(2, VTYPE.VALUE, base + value, end - value);
    this.#entry(3, VTYPE.MSGFLAGS);
    this.#vuView.setInt32(3 * VU_SIZE + VU_UNION, RD_KAFKA_MSG_F_COPY, true);
    return count;
  }

  /**
   * `fill` for the usual message: the topic of the last one, and a headers object (shared by many
   * messages) whose names and values are interned already, so no header is looked up again.
   */
  #fillKnown(m: BronzeMessage): number | undefined {
    const count = this.#fillMeta(m.topic, m.headers);
    if (count === undefined) return undefined;
    const value = this.#encode ? this.#encode(m.topic, m.value) : undefined;
    const need = m.key.length * 3 + (value ? value.length : m.value.length * 3) + 16;
    // Too long for the scratch: `#fillNew` grows it and writes every entry again.
    if (need > this.#scratch.length) return undefined;
    this.#keyValue(m, value);
    return count;
  }

  /** The topic and header entries of a topic and header set placed before, or undefined. */
  #fillMeta(topic: string, headers: Readonly<Record<string, string>>): number | undefined {
    const placed = this.#placed.get(headers);
    if (placed === undefined || topic !== this.#topic) return undefined;
    const count = 4 + placed.length / 3;
    // One entry more than `count`: room for `tag`.
    if ((count + 1) * VU_SIZE > this.#vu.length) return undefined;
    this.#entry(0, VTYPE.TOPIC, this.#topicAt);
    for (let h = 0; h < placed.length; h += 3) {
      this.#entry(4 + h / 3, VTYPE.HEADER, placed[h]!, placed[h + 1]!, placed[h + 2]!);
    }
    return count;
  }

  #fillNew(m: BronzeMessage): number {
    const headers = Object.entries(m.headers);
    const count = 4 + headers.length;
    if ((count + 1) * VU_SIZE > this.#vu.length) {
      this.#vu = new Uint8Array((count + 1) * VU_SIZE * 2);
      this.#vu32 = new Uint32Array(this.#vu.buffer);
      this.#vuView = new DataView(this.#vu.buffer);
    }
    const value = this.#encode ? this.#encode(m.topic, m.value) : undefined;
    let need = m.key.length * 3 + (value ? value.length : m.value.length * 3) + 16;
    for (const [name, text] of headers) need += (name.length + text.length) * 3 + 1;
    need += m.topic.length * 3 + 1;
    if (need > this.#scratch.length) {
      this.#scratch = new Uint8Array(need * 2);
      this.#scratchAt = address(this.#scratch);
    }
    let used = this.#keyValue(m, value);
    let interned = true;
    const place = (text: string, nul: boolean) => {
      const hit = this.#intern(text, nul);
      if (hit) return hit;
      interned = false;
      const size = this.#encoder.encodeInto(text, this.#scratch.subarray(used)).written;
      const at = this.#scratchAt + used;
      if (nul) this.#scratch[used + size] = 0;
      used += size + (nul ? 1 : 0);
      return { at, size };
    };
    const topicAt = place(m.topic, true).at;
    this.#entry(0, VTYPE.TOPIC, topicAt);
    const placed: number[] = [];
    for (let h = 0; h < headers.length; h++) {
      const [name, text] = headers[h]!;
      const n = place(name, true);
      const v = place(text, false);
      this.#entry(4 + h, VTYPE.HEADER, n.at, v.at, v.size);
      placed.push(n.at, v.at, v.size);
    }
    if (interned) {
      this.#placed.set(m.headers, placed);
      this.#topic = m.topic;
      this.#topicAt = topicAt;
    }
    return count;
  }

  /** Writes key and value into the scratch and their entries (1–3); returns the scratch bytes used. */
  #keyValue(m: BronzeMessage, value: Uint8Array | undefined): number {
    const keySize = this.#encoder.encodeInto(m.key, this.#scratch).written;
    let valueSize: number;
    if (value) {
      this.#scratch.set(value, keySize);
      valueSize = value.length;
    } else {
      valueSize = this.#encoder.encodeInto(m.value, this.#scratch.subarray(keySize)).written;
    }
    this.#entry(1, VTYPE.KEY, this.#scratchAt, keySize);
    this.#entry(2, VTYPE.VALUE, this.#scratchAt + keySize, valueSize);
    this.#entry(3, VTYPE.MSGFLAGS);
    this.#vuView.setInt32(3 * VU_SIZE + VU_UNION, RD_KAFKA_MSG_F_COPY, true);
    return keySize + valueSize;
  }

  /** Sets tag and up to three pointer-sized union words of entry `i`. */
  #entry(i: number, tag: number, a = 0, b = 0, c = 0): void {
    const at = (i * VU_SIZE) >> 2;
    this.#vu32[at] = tag;
    this.#vu32[at + 2] = a >>> 0;
    this.#vu32[at + 3] = Math.floor(a / 4294967296);
    this.#vu32[at + 4] = b >>> 0;
    this.#vu32[at + 5] = Math.floor(b / 4294967296);
    this.#vu32[at + 6] = c >>> 0;
    this.#vu32[at + 7] = Math.floor(c / 4294967296);
  }

  /** `text` as UTF-8 (NUL-terminated when `nul`) in long-lived memory, or undefined if it is too long. */
  #intern(text: string, nul: boolean): { at: number; size: number } | undefined {
    const id = nul ? `\0${text}` : text;
    const hit = this.#interned.get(id);
    if (hit) return hit;
    // Topics and header names and values repeat; a long or ever-changing one goes to the scratch instead.
    if (text.length > INTERN_MAX || this.#interned.size >= INTERN_COUNT) return undefined;
    const bytes = nul ? cBuffer(text) : this.#encoder.encode(text);
    if (this.#arenaUsed + bytes.length > this.#arena.length) {
      this.#arena = new Uint8Array(ARENA_SIZE);
      this.#arenas.push(this.#arena);
      this.#arenaUsed = 0;
    }
    this.#arena.set(bytes, this.#arenaUsed);
    const entry = { at: address(this.#arena) + this.#arenaUsed, size: nul ? bytes.length - 1 : bytes.length };
    this.#arenaUsed += bytes.length;
    this.#interned.set(id, entry);
    return entry;
  }
}
