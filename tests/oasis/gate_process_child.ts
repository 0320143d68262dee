/**
 * One process of the cross-process gate test (`gate_processes_test.ts`): an `OasisClient` whose gate shares
 * the slots in Redis or in a Deno KV file and whose requests leave from a `WorkerSender` (as in the
 * service and the backfill CLI), fetching from the test's loopback server. With `parse=main` it parses
 * every answer (an all-node day, 162,848 rows) on its main thread, and with `busy-ms` > 0 it also keeps
 * the main thread running synchronous chunks that long one after another, as a process delivering large
 * answers does. Prints `ready`, waits for a line on stdin, starts `count` requests at once (they queue at
 * the gate) and prints what happened as JSON.
 *
 * Usage: deno run --allow-all gate_process_child.ts <redis|kv> <redis-url|kv-path> <prefix> <interval-ms>
 *        <guard-ms> <count> <server-url> <busy-ms> <main|none> [worker|thread]
 */
import { OasisClient } from "../../src/oasis/client.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";
import { RequestGate, type SharedSlots } from "../../src/oasis/gate.ts";
import { parseResponse } from "../../src/oasis/parse.ts";
import { WorkerSender } from "../../src/oasis/worker_sender.ts";
import { KvGateSlots } from "../../src/coordination/kv_gate_slots.ts";
import { RedisGateSlots } from "../../src/coordination/redis_gate_slots.ts";
import { testRedis } from "../coordination/helpers.ts";

const [kind, target, prefix, intervalMs, guardMs, count, serverUrl, busyMs, parse, sender] = Deno.args;
let slots: SharedSlots, close: () => Promise<void> | void;
if (kind === "redis") {
  const redis = await testRedis(target!);
  [slots, close] = [new RedisGateSlots({ eval: redis.eval, prefix }), () => redis.close()];
} else {
  const kv = await Deno.openKv(target!);
  [slots, close] = [new KvGateSlots({ kv, key: [prefix!, "gate"] }), () => kv.close()];
}
const gate = new RequestGate({
  minIntervalMs: Number(intervalMs),
  guardMs: Number(guardMs),
  shared: slots,
  onSharedState: (state, error) => console.error(`gate ${state}: ${error?.message ?? ""}`),
});
let tickets = 0;
const reserve = gate.reserve.bind(gate);
gate.reserve = (signal) => (tickets++, reserve(signal));
// "thread": fetch on the main thread, as before the worker sender (to show what goes wrong).
const sends = sender === "thread" ? undefined : new WorkerSender();
const parseMs: number[] = [];
const client = new OasisClient({
  baseUrl: serverUrl!,
  gate,
  maxAttempts: 1,
  sender: sends,
  parse: (bytes, ctx) => {
    if (parse !== "main") return { kind: "rows", rows: [], problems: [], files: [] };
    const started = performance.now();
    const result = parseResponse(bytes, ctx);
    parseMs.push(Math.round(performance.now() - started));
    return result;
  },
});
const window = {
  dataset: "lmp_dam" as const,
  query: DATASETS.lmp_dam.queries[0]!,
  start: new Date("2020-01-02T08:00:00Z"),
  end: new Date("2020-01-03T08:00:00Z"),
  grpType: "ALL_APNODES" as const,
};
await Deno.stdout.write(new TextEncoder().encode("ready\n"));
await Deno.stdin.readable.getReader().read();
let busy = Number(busyMs);
const chunk = () => {
  if (busy === 0) return;
  const until = performance.now() + busy;
  while (performance.now() < until) { /* the main thread is busy */ }
  setTimeout(chunk, 0);
};
chunk();
const results = await Promise.allSettled(
  Array.from({ length: Number(count) }, () => client.fetchWindow(window)),
);
busy = 0;
const failed = results.filter((r) => r.status === "rejected").map((r) => String(r.reason));
console.log(JSON.stringify({ parseMs, failed, fallbacks: gate.stats.fallbacks, tickets }));
sends?.close();
await close();
