/**
 * One "process" of the cross-process gate test (`gate_slots_test.ts`): opens the Deno KV file, prints
 * `ready`, waits for a line on stdin, then starts `count` requests through a gate sharing the file's
 * slots and prints their start times (epoch ms) as a JSON array.
 *
 * Usage: deno run --allow-read --allow-write gate_child.ts <kv-path> <min-interval-ms> <guard-ms> <count>
 */
import { RequestGate } from "../../src/oasis/gate.ts";
import { KvGateSlots } from "../../src/coordination/kv_gate_slots.ts";

const [path, minIntervalMs, guardMs, count] = Deno.args;
const kv = await Deno.openKv(path!);
const gate = new RequestGate({
  minIntervalMs: Number(minIntervalMs),
  guardMs: Number(guardMs),
  shared: new KvGateSlots({ kv }),
  onSharedState: (state, error) => console.error(`gate ${state}: ${error?.message ?? ""}`),
});
await Deno.stdout.write(new TextEncoder().encode("ready\n"));
await Deno.stdin.readable.getReader().read();
const times: number[] = [];
await Promise.all(
  Array.from({ length: Number(count) }, () => gate.acquire().then(() => void times.push(Date.now()))),
);
if (gate.stats.fallbacks > 0) throw new Error(`${gate.stats.fallbacks} starts fell back to local spacing`);
console.log(JSON.stringify(times));
kv.close();
