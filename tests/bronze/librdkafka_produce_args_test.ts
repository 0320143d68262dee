import assert from "node:assert/strict";
import { VTYPE, VU_SIZE, VU_UNION } from "../../src/clients/librdkafka.ts";
import { address, ProduceArgs } from "../../src/bronze/librdkafka_produce_args.ts";
import { packMessages } from "../../src/bronze/outbox_entry.ts";
import { bronzeHeaders, type BronzeMessage, dlqTopic } from "../../src/bronze/sink.ts";

const decoder = new TextDecoder();

/** The message the `rd_kafka_vu_t` array of `args` describes, read back through its pointers. */
function readBack(args: ProduceArgs, count: number): BronzeMessage {
  const view = new DataView(args.vu.buffer);
  const word = (i: number, n: number) => view.getBigUint64(i * VU_SIZE + VU_UNION + 8 * n, true);
  const pointer = (address: bigint) => Deno.UnsafePointer.create(address)!;
  const bytes = (address: bigint, size: bigint) =>
    decoder.decode(Deno.UnsafePointerView.getArrayBuffer(pointer(address), Number(size)));
  const m = { topic: "", key: "", value: "", headers: {} as Record<string, string> };
  for (let i = 0; i < count; i++) {
    const tag = view.getInt32(i * VU_SIZE, true);
    if (tag === VTYPE.TOPIC) m.topic = new Deno.UnsafePointerView(pointer(word(i, 0))).getCString();
    if (tag === VTYPE.KEY) m.key = bytes(word(i, 0), word(i, 1));
    if (tag === VTYPE.VALUE) m.value = bytes(word(i, 0), word(i, 1));
    if (tag === VTYPE.HEADER) {
      m.headers[new Deno.UnsafePointerView(pointer(word(i, 0))).getCString()] = bytes(word(i, 1), word(i, 2));
    }
  }
  return m;
}

/** `n` messages whose topics alternate and that share a few header sets (and, with `extra`, some of their own). */
function sample(n: number, node: string, extra: boolean): BronzeMessage[] {
  const shared = bronzeHeaders("caiso_oasis.bronze.raw_row", 1, "lmp_dam");
  const other = bronzeHeaders("caiso_oasis.bronze.dead_letter", 1, "lmp_dam");
  return Array.from({ length: n }, (_, i) => ({
    topic: i % 7 === 3 ? dlqTopic("t.v1") : "t.v1",
    key: `lmp_dam|NODE_${i}|LMP|2020-01-02T08:00:00Z`,
    value: JSON.stringify({ i, node, pad: "x".repeat(i * 37) }),
    headers: i % 5 === 4 ? other : extra && i % 11 === 10 ? { ...shared, extra: `h${i}` } : shared,
  }));
}

Deno.test("ProduceArgs describes every message exactly, when many share one headers object and topics alternate", () => {
  const messages = sample(50, "ÉLAN_€", true);
  const args = new ProduceArgs();
  for (const m of messages) {
    const count = args.fill(m);
    assert.equal(count, 4 + Object.keys(m.headers).length);
    assert.deepEqual(readBack(args, count), { ...m, headers: { ...m.headers } });
  }
});

Deno.test("ProduceArgs.fillPacked points at each key and value where they lie in the packed bytes", () => {
  const messages = sample(40, "ÉLAN_€🙂", false);
  const { packed } = packMessages(messages);
  const args = new ProduceArgs();
  const base = address(packed.bytes);
  messages.forEach((m, i) => {
    const count = args.fillPacked(packed, i, base);
    assert.equal(count, 4 + Object.keys(m.headers).length);
    assert.deepEqual(readBack(args, count), { ...m, headers: { ...m.headers } });
  });
});
