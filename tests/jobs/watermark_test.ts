import assert from "node:assert/strict";
import { newestEnd, nextWatermark, runRange, type WindowOutcome } from "../../src/jobs/watermark.ts";
import { DATASETS, DEFAULT_NODES } from "../../src/oasis/datasets.ts";
import { planWindows } from "../../src/oasis/windows.ts";

const H = 3_600_000;
const at = (iso: string) => new Date(iso);
const none = { lookbackMs: 24 * H, revisionMs: 0 };

Deno.test("newestEnd() is the last ended interval in real time, tomorrow's end for DAM, today's end for CRR", () => {
  const now = at("2025-07-01T20:07:30Z"); // 13:07 PDT
  assert.equal(newestEnd(DATASETS.lmp_rtm, now).toISOString(), "2025-07-01T20:05:00.000Z");
  assert.equal(newestEnd(DATASETS.lmp_fmm, now).toISOString(), "2025-07-01T20:00:00.000Z");
  assert.equal(newestEnd(DATASETS.lmp_dam, now).toISOString(), "2025-07-03T07:00:00.000Z");
  assert.equal(newestEnd(DATASETS.as_dam, now).toISOString(), "2025-07-03T07:00:00.000Z");
  assert.equal(newestEnd(DATASETS.crr, now).toISOString(), "2025-07-02T07:00:00.000Z");
});

Deno.test("runRange() starts at the watermark, never further back than the lookback", () => {
  const now = at("2025-07-01T20:07:00Z");
  const fresh = runRange(DATASETS.lmp_rtm, now, at("2025-07-01T19:50:00Z"), none)!;
  assert.equal(fresh.start.toISOString(), "2025-07-01T19:50:00.000Z");
  assert.equal(fresh.end.toISOString(), "2025-07-01T20:05:00.000Z");
  const old = runRange(DATASETS.lmp_rtm, now, at("2025-06-20T00:00:00Z"), none)!;
  assert.equal(old.start.toISOString(), "2025-06-30T20:05:00.000Z");
  const first = runRange(DATASETS.lmp_rtm, now, null, none)!;
  assert.equal(first.start.toISOString(), "2025-06-30T20:05:00.000Z");
  assert.equal(runRange(DATASETS.lmp_rtm, now, at("2025-07-01T20:05:00Z"), none), null);
});

Deno.test("runRange() widens a day-ahead run to the revision horizon, aligned to Pacific midnight", () => {
  const now = at("2025-07-01T20:07:00Z");
  const r = runRange(DATASETS.lmp_dam, now, at("2025-07-03T07:00:00Z"), {
    lookbackMs: 24 * H,
    revisionMs: 48 * H,
  })!;
  assert.equal(r.start.toISOString(), "2025-06-29T07:00:00.000Z");
  assert.equal(r.forwardStart.toISOString(), "2025-07-03T07:00:00.000Z");
  assert.equal(r.end.toISOString(), "2025-07-03T07:00:00.000Z");
  assert.equal(runRange(DATASETS.lmp_dam, now, at("2025-07-03T07:00:00Z"), none), null);
});

function outcome(spec: typeof DATASETS.lmp_rtm, start: string, end: string, present: string[] | "failed") {
  const [window] = planWindows(spec, { start: at(start), end: at(end) }, { nodes: DEFAULT_NODES });
  return present === "failed"
    ? { window: window!, ok: false as const }
    : { window: window!, ok: true as const, starts: new Set(present.map((p) => Date.parse(p))) };
}

Deno.test("nextWatermark() moves over consecutive intervals and stops at the first missing one", () => {
  const spec = DATASETS.lmp_rtm;
  const range = {
    start: at("2025-07-01T20:00:00Z"),
    end: at("2025-07-01T20:20:00Z"),
    forwardStart: at("2025-07-01T20:00:00Z"),
  };
  const full = outcome(spec, "2025-07-01T20:00:00Z", "2025-07-01T20:20:00Z", [
    "2025-07-01T20:00:00Z",
    "2025-07-01T20:05:00Z",
    "2025-07-01T20:10:00Z",
    "2025-07-01T20:15:00Z",
  ]);
  assert.equal(nextWatermark(spec, range, null, [full])?.toISOString(), "2025-07-01T20:20:00.000Z");
  const hole = outcome(spec, "2025-07-01T20:00:00Z", "2025-07-01T20:20:00Z", [
    "2025-07-01T20:00:00Z",
    "2025-07-01T20:10:00Z",
  ]);
  assert.equal(nextWatermark(spec, range, null, [hole])?.toISOString(), "2025-07-01T20:05:00.000Z");
  const notYet = outcome(spec, "2025-07-01T20:00:00Z", "2025-07-01T20:20:00Z", []);
  assert.equal(nextWatermark(spec, range, at("2025-07-01T20:00:00Z"), [notYet]), null);
});

Deno.test("nextWatermark() never passes a failed window, even when later windows succeeded", () => {
  const spec = DATASETS.lmp_rtm;
  const range = {
    start: at("2025-07-01T18:00:00Z"),
    end: at("2025-07-01T20:00:00Z"),
    forwardStart: at("2025-07-01T18:00:00Z"),
  };
  const hours = (h: number) =>
    Array.from(
      { length: 12 },
      (_, i) => new Date(Date.parse(`2025-07-01T${h}:00:00Z`) + i * 300_000).toISOString(),
    );
  const outcomes: WindowOutcome[] = [
    outcome(spec, "2025-07-01T18:00:00Z", "2025-07-01T19:00:00Z", "failed"),
    outcome(spec, "2025-07-01T19:00:00Z", "2025-07-01T20:00:00Z", hours(19)),
  ];
  assert.equal(nextWatermark(spec, range, at("2025-07-01T18:00:00Z"), outcomes), null);
  outcomes[0] = outcome(spec, "2025-07-01T18:00:00Z", "2025-07-01T19:00:00Z", hours(18));
  assert.equal(
    nextWatermark(spec, range, at("2025-07-01T18:00:00Z"), outcomes)?.toISOString(),
    "2025-07-01T20:00:00.000Z",
  );
});
