import assert from "node:assert/strict";
import { RunRetries } from "../../src/jobs/run_retries.ts";

Deno.test("RunRetries waits at most 90 s between retries, even for an hourly dataset", () => {
  const now = new Date("2026-12-05T12:00:00Z");
  const retries = new RunRetries<string>({ run: () => {}, clock: () => now });
  try {
    const delays = [1, 2, 3, 4, 5].map(() => retries.failed("lmp_dam", 3_600_000)!.getTime() - now.getTime());
    assert.deepEqual(delays, [30_000, 60_000, 90_000, 90_000, 90_000]);
    assert.equal(retries.failed("lmp_rtm", 60_000)!.getTime() - now.getTime(), 30_000);
    assert.equal(
      retries.failed("lmp_rtm", 60_000)!.getTime() - now.getTime(),
      60_000,
      "a shorter period caps it",
    );
  } finally {
    retries.stop();
  }
});
