/**
 * `deno task audit` as operators run it: a subprocess reading back what a simulator backfill of two days
 * wrote, with a hole, a true duplicate, a revision and a garbage row injected, from the NDJSON files and
 * from the real Kafka broker (the shared one, on topics of the test's own).
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { bronzeKey } from "../../src/bronze/envelope.ts";
import { createKafkaClient } from "../../src/clients/kafka.ts";
import { createKafkaSink } from "../../src/bronze/kafka_sink.ts";
import { confluentValueEncoder } from "../../src/bronze/schema_registry.ts";
import { DATASETS } from "../../src/oasis/datasets.ts";
import { startSimulator } from "../../simulator/simulator.ts";
import { assertReachable, bootstrap } from "../bronze/kafka_fixtures.ts";
import { envFor } from "./cli_env.ts";

const ROOT = new URL("../../", import.meta.url);
const decoder = new TextDecoder();
const TOPIC = DATASETS.lmp_dam.topic;
const RANGE = ["--from", "2025-11-03", "--to", "2025-11-04", "--datasets", "lmp_dam"];
const HOLE = { node: "TH_SP15_GEN-APND", date: "2025-11-03" };
const HOLE_LINE =
  "MISSING lmp_dam TH_SP15_GEN-APND 2025-11-03T08:00Z..2025-11-04T08:00Z: 24 intervals missing";

/** OASIS is not asked by the audit: an address that answers nothing. */
const NO_OASIS = "http://127.0.0.1:9/oasisapi/SingleZip";

async function run(script: string, args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", script, ...args],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** Two days of lmp_dam (3 hubs × 5 components) backfilled from the simulator into NDJSON under `dir`. */
async function backfillTwoDays(dir: string): Promise<string[]> {
  const server = startSimulator({ port: 0, now: () => new Date("2025-11-10T20:00:00Z") });
  try {
    const env = envFor(dir, server.url);
    const r = await run("scripts/backfill.ts", RANGE, env);
    assert.equal(r.code, 0, r.stderr);
  } finally {
    await server.shutdown();
  }
  const lines: string[] = [];
  for await (const f of Deno.readDir(join(dir, "bronze", TOPIC))) {
    const text = await Deno.readTextFile(join(dir, "bronze", TOPIC, f.name));
    lines.push(...text.split("\n").filter((l) => l !== ""));
  }
  assert.equal(lines.length, 2 * 24 * 3 * 5);
  return lines;
}

/**
 * The lines with the hole cut out, then a copy of one line (a duplicate), a copy with another price (a
 * revision), that revised copy again (a duplicate of the second value) and a garbage line.
 */
function injected(lines: readonly string[]): { lines: string[]; revisedKey: string } {
  const inHole = (l: string) => {
    const e = JSON.parse(l);
    return e.node === HOLE.node && e.opr_date === HOLE.date;
  };
  const kept = lines.filter((l) => !inHole(l));
  assert.equal(kept.length, lines.length - 24 * 5);
  const revised = JSON.parse(kept[3]!);
  const revisedKey = bronzeKey("lmp_dam", revised);
  revised.value = revised.value + 7.25;
  revised.raw.MW = String(revised.value);
  const copy = JSON.stringify(revised);
  return { lines: [...kept, kept[3]!, copy, copy, "{not json"], revisedKey };
}

function assertFindings(r: { code: number; stdout: string; stderr: string }, revisedKey: string): void {
  assert.equal(r.code, 3, `${r.stdout}\n${r.stderr}`);
  const missing = r.stdout.split("\n").filter((l) => l.includes("MISSING")).map((l) => l.trim());
  assert.deepEqual(missing, [HOLE_LINE], "exactly the hole is missing");
  assert.match(r.stdout, /TH_SP15_GEN-APND: 120\/240 cells present, 24 intervals missing/);
  assert.match(r.stdout, /TH_NP15_GEN-APND: 240\/240 cells present, 0 intervals missing/);
  assert.match(r.stdout, /1 unparsable/);
  assert.equal((r.stdout.match(/REVISED /g) ?? []).length, 1, "one revision, the duplicate is not one");
  assert.ok(r.stdout.includes(`REVISED ${revisedKey}: 2 values`), r.stdout);
  assert.match(r.stdout, / 2 duplicates, 1 revised keys/);
  assert.equal((r.stdout.match(/ [1-9]\d* duplicates/g) ?? []).length, 1, "one node has the duplicate");
}

Deno.test("[audit CLI] on NDJSON: an injected hole is listed exactly and exits 3; a duplicate, a revision and a garbage line are told apart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "audit-ndjson-" });
  try {
    const lines = await backfillTwoDays(dir);
    const env = envFor(dir, NO_OASIS);
    const whole = await run("scripts/audit.ts", RANGE, env);
    assert.equal(whole.code, 0, whole.stdout + whole.stderr);
    assert.match(whole.stdout, /audit 2025-11-03\.\.2025-11-04 \(ndjson\): complete/);
    assert.doesNotMatch(whole.stdout, /MISSING|REVISED/);

    const { lines: bad, revisedKey } = injected(lines);
    const folder = join(dir, "bronze", TOPIC);
    for await (const f of Deno.readDir(folder)) await Deno.remove(join(folder, f.name));
    await Deno.writeTextFile(join(folder, "2025-11-10.ndjson"), bad.join("\n") + "\n");
    assertFindings(await run("scripts/audit.ts", RANGE, env), revisedKey);

    const json = await run("scripts/audit.ts", [...RANGE, "--json"], env);
    assert.equal(json.code, 3);
    const report = JSON.parse(json.stdout);
    assert.equal(report.complete, false);
    assert.equal(report.datasets[0].unparsable, 1);
    const sp15 = report.datasets[0].nodes.find((n: { node: string }) => n.node === HOLE.node);
    assert.deepEqual(sp15.missing.map((m: { start: string }) => m.start), ["2025-11-03T08:00:00.000Z"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("[audit CLI] on the real Kafka broker (Confluent-framed values): the same hole, duplicate, revision and garbage are found", async () => {
  const servers = bootstrap();
  await assertReachable(servers);
  const dir = await Deno.makeTempDir({ prefix: "audit-kafka-" });
  const topic = `it.audit.${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 6)}.lmp_dam`;
  const settings = {
    brokers: servers.split(","),
    clientId: "it-audit",
    ssl: false,
    sasl: null,
    topics: { partitions: 3, replicationFactor: 1, cleanupPolicy: "delete" },
    maxBatchBytes: 1_000_000,
  };
  const sink = createKafkaSink(settings, { encodeValue: confluentValueEncoder(new Map([[topic, 7]])) });
  try {
    const { lines, revisedKey } = injected(await backfillTwoDays(dir));
    await sink.ensureTopics([topic]);
    const keyOf = (l: string) => l.startsWith("{not") ? "garbage" : bronzeKey("lmp_dam", JSON.parse(l));
    await sink.send(lines.map((value) => ({ topic, key: keyOf(value), value, headers: {} })));
    const env = envFor(dir, NO_OASIS, {
      KAFKA_BOOTSTRAP_SERVERS: servers,
      BRONZE_TOPICS: `lmp_dam=${topic}`,
      BRONZE_DIR: join(dir, "nowhere"),
    });
    const r = await run("scripts/audit.ts", RANGE, env);
    assert.match(r.stdout, /\(kafka\): INCOMPLETE/);
    assert.match(
      r.stdout,
      new RegExp(`lmp_dam \\(${topic.replaceAll(".", "\\.")}\\): ${lines.length} values read`),
    );
    assertFindings(r, revisedKey);
  } finally {
    await sink.close();
    const admin = createKafkaClient(settings).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).finally(() => admin.disconnect());
    await Deno.remove(dir, { recursive: true });
  }
});
