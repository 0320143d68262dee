/**
 * `deno task audit --datasets crr` as operators run it: a subprocess reading NDJSON that a simulator poll of
 * CRR published, with one hub's off-peak price of the month's auction cut out.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { pollDataset } from "../../src/jobs/poll.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";
import { frozenSimulator, memoryBackends, memoryBronze, pollDeps, testClock } from "../jobs/helpers.ts";
import { envFor } from "./cli_env.ts";

const ROOT = new URL("../../", import.meta.url);
const NOW = "2025-07-02T20:00:00Z";
const TOPIC = DATASETS.crr.topic;
const RANGE = ["--from", "2025-07-02", "--to", "2025-07-02", "--datasets", "crr"];

/** The CRR envelopes a simulator poll at `NOW` publishes. */
async function crrLines(): Promise<string[]> {
  const sim = frozenSimulator(NOW);
  const clock = testClock(NOW);
  const mem = await memoryBackends(clock);
  const bronze = memoryBronze();
  try {
    await pollDataset("crr", pollDeps(sim, mem, bronze.publisher), clock.now);
  } finally {
    mem.close();
  }
  return bronze.messages.filter((m) => m.topic === TOPIC).map((m) => m.value);
}

async function audit(dir: string, args: string[] = []) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "scripts/audit.ts", ...RANGE, ...args],
    cwd: ROOT,
    env: envFor(dir, "http://127.0.0.1:9/oasisapi/SingleZip"),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("[audit CLI] --datasets crr: a hub's missing off-peak auction price is listed and exits 3", async () => {
  const dir = await Deno.makeTempDir({ prefix: "audit-crr-" });
  try {
    const lines = await crrLines();
    const folder = join(dir, "bronze", TOPIC);
    await Deno.mkdir(folder, { recursive: true });
    await Deno.writeTextFile(join(folder, "2025-07-02.ndjson"), lines.join("\n") + "\n");
    const whole = await audit(dir);
    assert.equal(whole.code, 0, whole.stdout + whole.stderr);
    assert.match(whole.stdout, /crr \(.*\): .* \(per auction period and time of use\)/);
    assert.match(whole.stdout, /TH_SP15_GEN-APND: 2\/2 cells present, 0 auction prices missing/);

    const cut = lines.filter((l) => {
      const e = JSON.parse(l);
      return !(e.node === "TH_SP15_GEN-APND" && e.component === "LT_OFF_PRC");
    });
    await Deno.writeTextFile(join(folder, "2025-07-02.ndjson"), cut.join("\n") + "\n");
    const r = await audit(dir);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    const missing = r.stdout.split("\n").filter((l) => l.includes("MISSING")).map((l) => l.trim());
    assert.deepEqual(missing, [
      "MISSING crr TH_SP15_GEN-APND AUC_MN_2025_M07_TR/MONTHLY/OFF period 2025-07-01T07:00Z..2025-08-01T07:00Z",
    ]);
    assert.match(r.stdout, /TH_SP15_GEN-APND: 1\/2 cells present, 1 auction prices missing/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
