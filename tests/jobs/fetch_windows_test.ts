import assert from "node:assert/strict";
import { eachWindow, fetchWindows } from "../../src/jobs/fetch_windows.ts";
import type { FetchResult } from "../../src/oasis/client.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";
import { planWindows, type RequestWindow } from "../../src/oasis/windows.ts";

const DAY = 86_400_000;
const start = new Date("2025-11-01T07:00:00Z");
const windows = planWindows(DATASETS.lmp_dam, { start, end: new Date(start.getTime() + 3 * DAY) }, {
  grpType: "ALL",
});

function answer(window: RequestWindow): FetchResult {
  return {
    result: { kind: "no-data" },
    url: `u${window.start.getTime()}`,
    finalUrl: "",
    fetchedAt: "",
    attempts: 1,
    bytes: 0,
  } as unknown as FetchResult;
}

Deno.test("fetchWindows() goes on after a failed window and lists it with its URL and message", async () => {
  const seen: string[] = [];
  const failures = await fetchWindows(windows, {
    client: {
      fetchWindow: (w) =>
        w === windows[1]
          ? Promise.reject(Object.assign(new Error("OASIS error 1001"), { url: "u1", code: 1001 }))
          : Promise.resolve(answer(w)),
    },
    onAnswer: ({ fetch, delivered }) => void seen.push(`${fetch.url} ${delivered === undefined}`),
  });
  assert.equal(windows.length, 3);
  assert.deepEqual(seen, [`u${windows[0]!.start.getTime()} true`, `u${windows[2]!.start.getTime()} true`]);
  assert.deepEqual(failures, [{ window: windows[1], url: "u1", message: "OASIS error 1001", code: 1001 }]);
});

Deno.test("eachWindow() passes over skipped windows and ends with the abort reason before the next one", async () => {
  const stop = new AbortController();
  const done: RequestWindow[] = [];
  const run = eachWindow(windows, (w) => {
    done.push(w);
    stop.abort(new Error("Stopped"));
    return Promise.resolve(w);
  }, { signal: stop.signal, skip: (w) => w === windows[0] });
  await assert.rejects(run, /Stopped/);
  assert.deepEqual(done, [windows[1]]);
});
