/**
 * The library example of `docs/library.md`, run as it stands: the code block is taken from the doc,
 * its `"oasis-stream"` import pointed at this repository's `mod.ts`, and run as a user would (a separate
 * Deno process, settings from the environment) against the OASIS simulator on the embedded defaults.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSimulator } from "../simulator/simulator.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const decoder = new TextDecoder();

/** The first `ts` code block of the section `heading` of `docs/library.md`. */
async function libraryExample(heading: string): Promise<string> {
  const readme = await Deno.readTextFile(join(ROOT, "docs/library.md"));
  const start = readme.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `docs/library.md has a "${heading}" section`);
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  const block = section.match(/```ts\n([\s\S]*?)```/);
  assert.ok(block, `the "${heading}" section has a ts example`);
  return block[1]!;
}

Deno.test("the library example runs against the simulator, logs progress and writes under its DATA_DIR", async () => {
  const code = await libraryExample("## Example");
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
      env: {
        HOME: Deno.env.get("HOME") ?? "/tmp",
        PATH: Deno.env.get("PATH") ?? "",
        DENO_DIR: Deno.env.get("DENO_DIR") ?? "",
        NO_COLOR: "1",
        CAISO_OASIS_BASE_URL: sim.url,
        CAISO_OASIS_MIN_INTERVAL_MS: "0",
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = decoder.decode(out.stdout);
    const stderr = decoder.decode(out.stderr);
    assert.equal(out.code, 0, `${stdout}\n${stderr}`);
    // It says where it writes and how far it is.
    assert.match(stderr, /writing under \.\/oasis-example-data/);
    assert.match(stderr, /info: connector opened .*"bronze":"ndjson \.\/oasis-example-data\/bronze/);
    assert.match(stderr, /batch: 1\/1 requests, [1-9]\d* rows/);
    assert.match(stderr, /closed; 0 rows left in the outbox/);
    const [first = "", batch = "", passes = ""] = stdout.trim().split("\n");
    const [rows, envelopes] = first.match(/^(\d+) rows, (\d+) envelopes for (\S+)$/)!.slice(1, 3).map(Number);
    assert.ok(rows! >= 4 && envelopes === rows, first);
    assert.match(first, /for ingestion\.market\.caiso\.lmp\.dam\.raw\.v1$/);
    assert.match(batch, /^batch: [1-9]\d* requests, [1-9]\d* rows, 0 failed$/);
    assert.match(passes, /^lmp_rtm (done|partial) [1-9]\d* rows$/);
    // What the batch and the pass delivered reached the NDJSON Bronze files under DATA_DIR, and nothing was
    // written anywhere else (the outbox drained on close).
    const bronze = join(dir, "oasis-example-data", "bronze");
    for (const topic of ["ingestion.market.caiso.lmp.dam.raw.v1", "ingestion.market.caiso.lmp.rtm.raw.v1"]) {
      assert.ok([...Deno.readDirSync(join(bronze, topic))].length > 0, `no NDJSON file for ${topic}`);
    }
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "example.ts",
      "oasis-example-data",
    ]);
  } finally {
    await sim.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
