import assert from "node:assert/strict";
import { marketFreshness, marketsOf, polledMarkets } from "../../src/live/freshness.ts";

// 13:02 Pacific (PDT) on 1 July 2026.
const NOW = new Date("2026-07-01T20:02:00Z");

Deno.test("marketFreshness() RT: fresh up to 3 intervals plus 5 min after the newest interval's end, then stale", () => {
  assert.deepEqual(marketFreshness("rt", "2026-07-01T19:55:00Z", NOW), {
    newest: "2026-07-01T19:55:00.000Z",
    age_s: 420,
    status: "fresh",
  });
  // Ended 19:42, 20 min before now: the limit itself is still fresh.
  assert.equal(marketFreshness("rt", "2026-07-01T19:37:00Z", NOW).status, "fresh");
  assert.equal(marketFreshness("rt", "2026-07-01T19:35:00Z", NOW).status, "stale");
  assert.deepEqual(marketFreshness("rt", null, NOW), { newest: null, age_s: null, status: "missing" });
});

Deno.test("marketFreshness() FMM: stale 50 min after its newest interval's end", () => {
  assert.equal(marketFreshness("fmm", "2026-07-01T18:57:00Z", NOW).status, "fresh");
  assert.equal(marketFreshness("fmm", "2026-07-01T18:45:00Z", NOW).status, "stale");
});

Deno.test("marketFreshness() DA: missing without a price for the current hour, stale from 16:00 Pacific without tomorrow's", () => {
  assert.equal(marketFreshness("da", "2026-07-01T20:00:00Z", NOW).status, "fresh", "this hour is in");
  assert.equal(marketFreshness("da", "2026-07-01T19:00:00Z", NOW).status, "missing", "only older hours");
  // Today's last hour (23:00 PDT) is the newest: fine at 13:02 Pacific, stale at 16:00 and later.
  const todayLast = "2026-07-02T06:00:00Z";
  assert.equal(marketFreshness("da", todayLast, NOW).status, "fresh");
  assert.equal(marketFreshness("da", todayLast, new Date("2026-07-01T23:00:00Z")).status, "stale");
  assert.equal(
    marketFreshness("da", "2026-07-03T06:00:00Z", new Date("2026-07-01T23:00:00Z")).status,
    "fresh",
  );
});

Deno.test("marketsOf() judges only the markets whose dataset is polled", () => {
  const markets = marketsOf({
    lmp_rtm: { newestInterval: "2026-07-01T19:55:00Z" },
    lmp_dam: { newestInterval: null },
    as_rtm: { newestInterval: "2026-07-01T19:55:00Z" },
  }, NOW);
  assert.deepEqual(Object.keys(markets), ["rt", "da"]);
  assert.equal(markets.da!.status, "missing");
});

Deno.test("polledMarkets() names the markets whose dataset is polled (all without a list)", () => {
  assert.deepEqual(polledMarkets(["lmp_rtm", "lmp_dam", "as_fmm"]), ["rt", "da"]);
  assert.deepEqual(polledMarkets(undefined), ["rt", "fmm", "da"]);
});
