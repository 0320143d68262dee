/**
 * The README's "Use as a library" example, run as it stands: the code block is taken from the README,
 * its `"oasis-stream"` import pointed at this repository's `mod.ts`, and run as a user would (a separate
 * Deno process, settings from the environment) against the OASIS simulator on the embedded defaults.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSimulator } from "../src/simulator/simulator.ts";
import { serviceEnv } from "./service_process.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const decoder = new TextDecoder();

/** The first `ts` code block of the README section `heading`. */
async function readmeExample(heading: string): Promise<string> {
  const readme = await Deno.readTextFile(join(ROOT, "README.md"));
  const start = readme.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `the README has a "${heading}" section`);
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const block = section.match(/```ts\n([\s\S]*?)```/);
  assert.ok(block, `the "${heading}" section has a ts example`);
  return block[1]!;
}

Deno.test("the README's library example runs against the simulator and prints what it fetched", async () => {
  const code = await readmeExample("## Use as a library");
  assert.match(code, /from "oasis-stream"/);
  const dir = await Deno.makeTempDir({ prefix: "readme-library-" });
  const sim = startSimulator({ port: 0 });
  try {
    const file = join(dir, "example.ts");
    const mod = new URL("mod.ts", `file://${ROOT}`).href;
    await Deno.writeTextFile(file, code.replace(/from "oasis-stream"/, `from "${mod}"`));
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "--config", join(ROOT, "deno.json"), file],
      cwd: dir,
      clearEnv: true,
      env: { ...serviceEnv(dir), CAISO_OASIS_BASE_URL: sim.url, CAISO_OASIS_MIN_INTERVAL_MS: "0" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = decoder.decode(out.stdout);
    assert.equal(out.code, 0, `${stdout}\n${decoder.decode(out.stderr)}`);
    const [first = "", batch = "", passes = ""] = stdout.trim().split("\n");
    const [rows, envelopes] = first.match(/^(\d+) rows, (\d+) envelopes for (\S+)$/)!.slice(1, 3).map(Number);
    assert.ok(rows! >= 4 && envelopes === rows, first);
    assert.match(first, /for ingestion\.market\.caiso\.lmp\.dam\.raw\.v1$/);
    assert.match(batch, /^batch: [1-9]\d* requests, [1-9]\d* rows, 0 failed$/);
    for (const dataset of ["lmp_dam", "lmp_fmm", "lmp_rtm", "as_dam", "as_fmm", "as_rtm", "crr"]) {
      assert.match(passes, new RegExp(`${dataset} (done|partial|up-to-date) \\d+ rows`), passes);
    }
    // What the batch and the pass delivered reached the NDJSON Bronze files (the outbox drained on close).
    const topics = [...Deno.readDirSync(join(dir, "bronze"))].map((e) => e.name);
    assert.ok(topics.includes("ingestion.market.caiso.lmp.dam.raw.v1"), topics.join(", "));
  } finally {
    await sim.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
