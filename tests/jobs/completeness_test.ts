import assert from "node:assert/strict";
import { ANY_NODE, GridKnowledge, missingCells, retryWindows } from "../../src/jobs/completeness.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";
import type { OasisRow } from "../../src/oasis/row.ts";
import { pacificMidnight } from "../../src/oasis/time.ts";
import { type NodeSelection, planWindows, type RequestWindow } from "../../src/oasis/windows.ts";

const NOW = new Date("2025-11-20T00:00:00Z");
const HOUR = 3_600_000;
const COMPONENTS = ["LMP", "MCC", "MCE", "MCL"];

function windowOf(dataset: "lmp_dam" | "as_dam", day: string, selection: NodeSelection): RequestWindow {
  const range = { start: pacificMidnight(day), end: new Date(pacificMidnight(day).getTime() + 30 * HOUR) };
  const w = planWindows(DATASETS[dataset], range, selection)[0]!;
  return { ...w, end: new Date(w.start.getTime() + (day === "2025-11-02" ? 25 : 24) * HOUR) };
}

function row(node: string, component: string, start: number): OasisRow {
  return { node, component, interval_start: new Date(start).toISOString() } as OasisRow;
}

/** Every hour of `w` for `nodes` × `components`, except what `skip` says. */
function rowsOf(w: RequestWindow, nodes: string[], components = COMPONENTS, skip = (_r: OasisRow) => false) {
  const out: OasisRow[] = [];
  for (let t = w.start.getTime(); t < w.end.getTime(); t += HOUR) {
    for (const n of nodes) for (const c of components) out.push(row(n, c, t));
  }
  return out.filter((r) => !skip(r));
}

function check(w: RequestWindow, rows: OasisRow[], known = new GridKnowledge(), now = NOW) {
  known.learn(rows);
  return missingCells(w, rows, known, now);
}

Deno.test("missingCells() counts the 25 hours of the fall-back day for every requested node, a node absent from the answer too", () => {
  const w = windowOf("lmp_dam", "2025-11-02", { nodes: ["A", "B"] });
  assert.deepEqual(check(w, rowsOf(w, ["A", "B"])), []);
  const gaps = check(w, rowsOf(w, ["A"]));
  assert.equal(gaps.length, 1);
  assert.equal(gaps[0]!.node, "B");
  assert.equal(gaps[0]!.starts.length, 25);
  assert.deepEqual(gaps[0]!.components, [], "every component missing");
});

Deno.test("missingCells() names the one component an interval lacks, and does not expect intervals that end after now", () => {
  const w = windowOf("lmp_dam", "2025-11-05", { nodes: ["A"] });
  const noon = w.start.getTime() + 12 * HOUR;
  const gaps = check(
    w,
    rowsOf(w, ["A"], COMPONENTS, (r) => r.component === "MCL" && Date.parse(r.interval_start) === noon),
  );
  assert.deepEqual(gaps, [{ node: "A", starts: [noon], components: ["MCL"] }]);
  const early = check(
    w,
    rowsOf(w, ["A"]).filter((r) => Date.parse(r.interval_start) < noon),
    new GridKnowledge(),
    new Date(noon + HOUR / 2),
  );
  assert.deepEqual(early, [], "the hour in progress at now is not expected yet");
});

Deno.test("missingCells() learns the nodes of a grp_type answer from earlier ones; an empty answer with nothing known is missing whole", () => {
  const w = windowOf("lmp_dam", "2025-11-05", { grpType: "ALL_APNODES" });
  const known = new GridKnowledge();
  assert.deepEqual(check(w, rowsOf(w, ["A", "B", "C"]), known), []);
  const gaps = check(w, rowsOf(w, ["A", "C"]), known);
  assert.deepEqual(gaps.map((g) => [g.node, g.starts.length]), [["B", 24]]);
  const nothing = check(w, []);
  assert.deepEqual(nothing.map((g) => [g.node, g.starts.length]), [[ANY_NODE, 24]]);
});

Deno.test("missingCells() checks AS reports per region and type seen, not every region × every type", () => {
  const w = windowOf("as_dam", "2025-11-05", { nodes: ["X"] });
  const rows = [...rowsOf(w, ["AS_CAISO"], ["RU", "RD"]), ...rowsOf(w, ["AS_SP26"], ["RU"])];
  assert.deepEqual(check(w, rows), []);
  const gaps = check(
    w,
    rows.filter((r) =>
      !(r.node === "AS_SP26" && Date.parse(r.interval_start) >= w.start.getTime() + 20 * HOUR)
    ),
  );
  assert.deepEqual(gaps.map((g) => [g.node, g.starts.length, g.components]), [["AS_SP26", 4, []]]);
});

Deno.test("retryWindows() asks a grp_type window's missing nodes by name, ten at most per request, over whole hours", () => {
  const w = windowOf("lmp_dam", "2025-11-05", { grpType: "ALL_APNODES" });
  const from = w.start.getTime() + 6 * HOUR;
  const nodes = Array.from({ length: 12 }, (_, i) => `N${String(i).padStart(2, "0")}`);
  const asks = retryWindows(w, nodes.map((node) => ({ node, starts: [from, from + HOUR], components: [] })));
  assert.deepEqual(
    asks.map((a) => [a.grpType, a.nodes?.length, a.start.getTime() - from, a.end.getTime() - from]),
    [
      [undefined, 10, 0, 2 * HOUR],
      [undefined, 2, 0, 2 * HOUR],
    ],
  );
  assert.deepEqual(
    retryWindows(w, [{ node: ANY_NODE, starts: [from], components: [] }]).map((a) => a.grpType),
    [
      "ALL_APNODES",
    ],
  );
});
