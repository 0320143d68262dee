/** The Bronze audit of CRR: per node, auction period and time of use, from what a simulator poll published. */
import assert from "node:assert/strict";
import type { BronzeReader } from "../../src/bronze/bronze_reader.ts";
import type { BronzeMessage } from "../../src/bronze/sink.ts";
import { runAudit } from "../../src/jobs/audit.ts";
import { pollDataset } from "../../src/jobs/poll.ts";
import { DATASETS, DEFAULT_NODES } from "../../src/oasis/datasets.ts";
import type { Fault } from "../../simulator/faults.ts";
import { frozenSimulator, memoryBackends, memoryBronze, pollDeps, testClock } from "./helpers.ts";

const NOW = "2025-07-02T20:00:00Z";
const TOPIC = DATASETS.crr.topic;
const TOPICS = Object.fromEntries(Object.values(DATASETS).map((d) => [d.name, d.topic])) as Record<
  keyof typeof DATASETS,
  string
>;

/** The CRR messages a poll at `NOW` publishes, with `faults` queued on the simulator. */
async function pollCrr(faults: Fault[] = []): Promise<BronzeMessage[]> {
  const sim = frozenSimulator(NOW);
  const clock = testClock(NOW);
  const mem = await memoryBackends(clock);
  const bronze = memoryBronze();
  try {
    sim.faults.add(...faults);
    const summary = await pollDataset("crr", pollDeps(sim, mem, bronze.publisher), clock.now);
    assert.deepEqual(summary.failures, []);
  } finally {
    mem.close();
  }
  return bronze.messages.filter((m) => m.topic === TOPIC);
}

/** A Bronze reader over `values` (one topic). */
function memoryReader(values: readonly string[]): BronzeReader {
  return {
    kind: "ndjson",
    unit: "messages",
    size: (topic) => Promise.resolve(topic === TOPIC ? values.length : 0),
    read: (topic, each, progress) => {
      if (topic === TOPIC) values.forEach((v, i) => each(v, `memory:${i + 1}`));
      progress(values.length);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}

function audit(values: readonly string[], from: string, to = from) {
  const request = { from, to, datasets: ["crr" as const], nodes: { nodes: DEFAULT_NODES }, topics: TOPICS };
  return runAudit(request, memoryReader(values), new Date(NOW));
}

Deno.test("audit --datasets crr: every hub's on- and off-peak price of the month's auction is complete", async () => {
  const messages = await pollCrr();
  const report = await audit(messages.map((m) => m.value), "2025-07-02");
  assert.equal(report.complete, true);
  const [crr] = report.datasets;
  assert.equal(crr!.unparsable, 0);
  assert.equal(crr!.outside, 0, "the July auction overlaps July 2 although its period starts on July 1");
  const hubs = crr!.nodes.filter((n) => DEFAULT_NODES.includes(n.node));
  assert.deepEqual(hubs.map((n) => [n.node, n.expected, n.present, n.missing.length]), [
    ["TH_NP15_GEN-APND", 2, 2, 0],
    ["TH_SP15_GEN-APND", 2, 2, 0],
    ["TH_ZP26_GEN-APND", 2, 2, 0],
  ]);
});

Deno.test("audit --datasets crr: a hub's missing off-peak price and a month without auction are reported", async () => {
  const messages = await pollCrr([{
    kind: "partialAnswer",
    query: "CRR_CLEARING",
    node: "TH_SP15_GEN-APND",
    component: "LT_OFF_PRC",
    count: 10,
  }]);
  const values = messages.map((m) => m.value);
  const july = await audit(values, "2025-07-02");
  assert.equal(july.complete, false);
  const sp15 = july.datasets[0]!.nodes.find((n) => n.node === "TH_SP15_GEN-APND")!;
  assert.deepEqual([sp15.expected, sp15.present], [2, 1]);
  assert.deepEqual(sp15.missing, [{
    dataset: "crr",
    node: "TH_SP15_GEN-APND",
    start: "2025-07-01T07:00:00.000Z",
    end: "2025-08-01T07:00:00.000Z",
    intervals: 1,
    components: ["AUC_MN_2025_M07_TR/MONTHLY/OFF"],
  }]);
  // June 30 belongs to June's auction, which never reached Bronze: missing for every hub.
  const june = await audit(values, "2025-06-30", "2025-07-02");
  const np15 = june.datasets[0]!.nodes.find((n) => n.node === "TH_NP15_GEN-APND")!;
  assert.deepEqual(np15.missing.map((m) => [m.start, m.components]), [
    ["2025-06-01T07:00:00.000Z", ["(none)/MONTHLY/ON"]],
    ["2025-06-01T07:00:00.000Z", ["(none)/MONTHLY/OFF"]],
  ]);
});

Deno.test("audit --datasets crr: a CRR price published again with another value is a revision", async () => {
  const messages = await pollCrr();
  const values = messages.map((m) => m.value);
  const first = values.find((v) =>
    JSON.parse(v).node === "TH_ZP26_GEN-APND" && JSON.parse(v).query === "CRR_CLEARING"
  )!;
  const changed = JSON.parse(first);
  changed.value += 1;
  changed.provenance.content_hash = "0".repeat(64);
  const report = await audit([...values, first, JSON.stringify(changed)], "2025-07-02");
  const zp26 = report.datasets[0]!.nodes.find((n) => n.node === "TH_ZP26_GEN-APND")!;
  assert.deepEqual([zp26.duplicates, zp26.revisedKeys, zp26.missing.length], [1, 1, 0]);
  assert.equal(report.complete, true);
});
