import assert from "node:assert/strict";
import { startSimulator } from "../../simulator/simulator.ts";
import { freePort } from "../store/helpers.ts";
import { ask, errorCode, fixedSimulator, oasisUrl, queryParams, readCsv } from "./helpers.ts";

const MINUTE = 60_000;
/** 2026-07-01 12:00 PDT, on an RTM interval boundary. */
const NOON = new Date("2026-07-01T19:00:00Z");
const DELAY = { publishDelayMs: 60_000, publishJitterMs: 60_000 };

/** Interval starts (GMT text) of the RTM LMP rows the simulator answers for the hour before `now`. */
async function rtmStartsBefore(now: Date, options = DELAY): Promise<string[]> {
  const sim = fixedSimulator(options, now);
  const params = queryParams("PRC_INTVL_LMP", 3, "RTM", "20260701T18:00-0000", "20260701T19:00-0000", {
    node: "TH_NP15_GEN-APND",
  });
  const answer = await ask(sim, oasisUrl(params));
  if (errorCode(answer) === 1000) return [];
  const lmp = Object.entries(answer.files).find(([name]) => name.endsWith("_LMP_v3.csv"));
  assert.ok(lmp, "an LMP member");
  return [...new Set(readCsv(lmp[1]).rows.map((r) => r.INTERVALSTARTTIME_GMT as string))].sort();
}

Deno.test("a real-time interval is published a fixed delay plus its own jitter after it ends", () => {
  const sim = fixedSimulator(DELAY, NOON);
  const ends: number[] = [];
  for (let i = 0; i < 24; i++) {
    const start = new Date(NOON.getTime() + i * 5 * MINUTE);
    const publishedAt = sim.publishedAt(start, 5).getTime();
    const end = start.getTime() + 5 * MINUTE;
    assert.ok(
      publishedAt >= end + 60_000 && publishedAt < end + 120_000,
      `${start.toISOString()}: ${publishedAt}`,
    );
    ends.push(publishedAt - end);
    // The same instant on every call and for every simulator with the same seed.
    assert.equal(fixedSimulator(DELAY, NOON).publishedAt(start, 5).getTime(), publishedAt);
  }
  assert.ok(new Set(ends).size > 12, `jitter differs between intervals: ${ends.join(",")}`);
});

Deno.test("an RTM interval is left out of answers until its publication instant, then served", async () => {
  const sim = fixedSimulator(DELAY, NOON);
  const last = new Date(NOON.getTime() - 5 * MINUTE); // 18:55-19:00, ends exactly at NOON
  const publishedAt = sim.publishedAt(last, 5);
  const before = await rtmStartsBefore(new Date(publishedAt.getTime() - 1));
  const at = await rtmStartsBefore(publishedAt);
  assert.equal(before.includes("2026-07-01T18:55:00-00:00"), false);
  assert.equal(at.at(-1), "2026-07-01T18:55:00-00:00");
  assert.equal(at.length, 12);
  // Without a delay (the library default) it is there the instant it ends.
  assert.equal((await rtmStartsBefore(NOON, { publishDelayMs: 0, publishJitterMs: 0 })).length, 12);
});

Deno.test("a day-ahead hour is published at 13:00 Pacific the day before, whatever the delay", () => {
  const sim = fixedSimulator(DELAY, NOON);
  assert.equal(
    sim.publishedAt(new Date("2026-07-02T07:00:00Z"), 60).toISOString(),
    "2026-07-01T20:00:00.000Z",
  );
  assert.throws(() => sim.publishedAt(NOON, 7), RangeError);
});

Deno.test("[http] GET /sim/published answers an interval's publication instant; a bad start answers 400", async () => {
  const { url, simulator, shutdown } = startSimulator({ port: 0, ...DELAY });
  try {
    const base = new URL("/sim/published", url);
    const ok = await fetch(`${base}?start=2026-07-01T18:55:00Z&minutes=5`);
    assert.equal(ok.status, 200);
    const expected = simulator.publishedAt(new Date("2026-07-01T18:55:00Z"), 5).toISOString();
    assert.deepEqual(await ok.json(), { published_at: expected });
    const bad = await fetch(`${base}?start=yesterday`);
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error, /Invalid "start"/);
    const length = await fetch(`${base}?start=2026-07-01T18:55:00Z&minutes=7`);
    assert.equal(length.status, 400);
    await length.body?.cancel();
  } finally {
    await shutdown();
  }
});

/** Runs `deno task simulator`'s script with `args` and returns the publication instant of one RTM interval. */
async function cliPublishedAt(args: string[], start: string): Promise<number> {
  const port = freePort();
  const script = new URL("../../scripts/simulator.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", script, "--port", String(port), ...args],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  try {
    for (let attempt = 0;; attempt++) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/sim/published?start=${start}&minutes=5`);
        return Date.parse((await res.json()).published_at);
      } catch (error) {
        if (attempt > 300) throw new Error(`The simulator did not answer: ${error}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    child.kill("SIGINT");
    await child.status;
    await stderr;
  }
}

Deno.test("[cli] the simulator publishes real-time intervals 60-120 s after they end unless told otherwise", async () => {
  const end = Date.parse("2026-07-01T19:00:00Z");
  const byDefault = await cliPublishedAt([], "2026-07-01T18:55:00Z") - end;
  assert.ok(byDefault >= 60_000 && byDefault < 120_000, `${byDefault} ms`);
  const fixed = await cliPublishedAt(
    ["--publish-delay-s", "90", "--publish-jitter-s", "0"],
    "2026-07-01T18:55:00Z",
  );
  assert.equal(fixed - end, 90_000);
});
