import assert from "node:assert/strict";
import { digestRetentionMs } from "../../src/jobs/digest_retention.ts";
import { loadJobsConfig } from "../../src/jobs/settings.ts";

const DAY = 86_400_000;

Deno.test("digestRetentionMs() outlives the lookback plus the longest revision horizon, by two days", () => {
  const jobs = { lookbackMs: DAY, revisionMs: { lmp_rtm: 0, lmp_dam: 2 * DAY }, correctionDays: 0 };
  assert.equal(digestRetentionMs(jobs), 5 * DAY);
});

Deno.test("digestRetentionMs() outlives the price-correction horizon when that is longer", () => {
  assert.equal(digestRetentionMs({ lookbackMs: DAY, revisionMs: {}, correctionDays: 14 }), 16 * DAY);
});

Deno.test("digestRetentionMs() is never shorter than any of the formulas it replaced", () => {
  const jobs = loadJobsConfig({ JOB_REVISION_HOURS: "lmp_dam=48", PRICE_CORRECTION_DAYS: "7" });
  const kept = digestRetentionMs(jobs);
  assert.ok(kept >= jobs.lookbackMs + 2 * DAY, "the library's load()");
  assert.ok(kept >= jobs.lookbackMs + jobs.revisionMs.lmp_dam + DAY, "the poll");
  assert.ok(kept >= (jobs.correctionDays + 2) * DAY, "the price corrections");
  assert.ok(kept >= 2 * DAY, "the backfill");
});
