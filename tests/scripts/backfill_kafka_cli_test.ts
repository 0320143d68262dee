/**
 * `deno task backfill` against a real Kafka broker that stops in the middle of the run: a broker of the
 * test's own (scripts/kafka.sh on free ports), never the shared one. "To Bronze" must mean acknowledged.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DATASETS } from "../../src/oasis/datasets.ts";
import { createSimulator } from "../../simulator/simulator.ts";
import { bootstrap, consumeAll, ownBroker, waitFor } from "../bronze/kafka_fixtures.ts";

const ROOT = new URL("../../", import.meta.url);
const decoder = new TextDecoder();
const TOPIC = DATASETS.lmp_rtm.topic;
/** Three days of lmp_rtm for the three default hubs: 3 × 288 intervals × 3 nodes × 5 components. */
const ROWS = 3 * 288 * 3 * 5;

/** The simulator over HTTP, counting requests as they arrive (before any slow fault answers). */
function simulatorServer() {
  const simulator = createSimulator({ now: () => new Date("2025-11-20T20:00:00Z") });
  let arrived = 0;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, (req) => {
    arrived++;
    return simulator.handler(req);
  });
  return {
    simulator,
    url: `http://127.0.0.1:${server.addr.port}/oasisapi/SingleZip`,
    arrived: () => arrived,
    shutdown: () => server.shutdown(),
  };
}

function backfill(args: string[], env: Record<string, string>) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "scripts/backfill.ts", "--datasets", "lmp_rtm", ...args],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function finished(child: Deno.ChildProcess) {
  const out = await child.output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test("[backfill CLI] a broker stopped mid-run: rows count as in Bronze only once acknowledged; held rows exit 4 and the next run sends each once", async () => {
  bootstrap(); // the same jars and Java as the shared broker
  const broker = await ownBroker();
  const sim = simulatorServer();
  const dir = await Deno.makeTempDir();
  const env = (drainTimeoutS: number): Record<string, string> => ({
    NO_COLOR: "1",
    CAISO_OASIS_BASE_URL: sim.url,
    CAISO_OASIS_MIN_INTERVAL_MS: "0",
    CAISO_OASIS_BACKOFF_MS: "0",
    REDIS_URL: "",
    CONFIG_FILE: "",
    KAFKA_BOOTSTRAP_SERVERS: broker.servers,
    KAFKA_TOPIC_PARTITIONS: "1",
    BRONZE_SHUTDOWN_TIMEOUT_MS: "1000",
    BACKFILL_DRAIN_TIMEOUT_S: String(drainTimeoutS),
    BACKFILL_OUTBOX_PATH: join(dir, "outbox.kv"),
    STORE_KV_PATH: join(dir, "hot.kv"),
    JOBS_KV_PATH: join(dir, "jobs.kv"),
  });
  try {
    await broker.script("start");

    // 1. The broker stops while OASIS answers and is back about 20 s later: the run waits and exits 0.
    sim.simulator.faults.add({ kind: "slow", delayMs: 5_000, query: "PRC_LMP" });
    const first = backfill(["--from", "2025-11-05", "--to", "2025-11-07"], env(180));
    await waitFor("the OASIS request", () => sim.arrived() > 0, 60_000);
    await broker.script("stop");
    await new Promise((r) => setTimeout(r, 15_000));
    await broker.script("start");
    const one = await finished(first);
    assert.equal(one.code, 0, one.stdout + one.stderr);
    assert.match(
      one.stdout,
      new RegExp(`bronze: ${ROWS} rows committed to the outbox, ${ROWS} acknowledged by kafka, 0 held`),
    );
    assert.match(one.stderr, /waiting for kafka to acknowledge \d+ rows/);

    // 2. The broker stops and stays down past BACKFILL_DRAIN_TIMEOUT_S: exit 4, the held rows are named.
    sim.simulator.faults.add({ kind: "slow", delayMs: 3_000, query: "PRC_LMP" });
    const asked = sim.arrived();
    const second = backfill(["--from", "2025-11-08", "--to", "2025-11-10"], env(3));
    await waitFor("the OASIS request", () => sim.arrived() > asked, 60_000);
    await broker.script("stop");
    const two = await finished(second);
    assert.equal(two.code, 4, two.stdout + two.stderr);
    assert.match(
      two.stdout,
      new RegExp(`bronze: ${ROWS} rows committed to the outbox, 0 acknowledged by kafka, ${ROWS} held`),
    );
    assert.match(
      two.stdout,
      new RegExp(`HELD ${ROWS} rows in .*outbox\\.kv: kafka did not acknowledge them within 3 s`),
    );

    // 3. The broker is back: the same command sends the held rows, none twice.
    await broker.script("start");
    const three = await finished(backfill(["--from", "2025-11-08", "--to", "2025-11-10"], env(180)));
    assert.equal(three.code, 0, three.stdout + three.stderr);
    assert.match(
      three.stdout,
      new RegExp(
        `bronze: 0 rows committed to the outbox \\(and ${ROWS} left by an earlier run\\), ${ROWS} acknowledged`,
      ),
    );
    const consumed = await consumeAll(broker.servers, [TOPIC]);
    assert.equal(
      new Set(consumed.map((c) => c.key)).size,
      2 * ROWS,
      "every row of both runs is in the topic",
    );
    assert.equal(consumed.length, 2 * ROWS, "and none twice");
  } finally {
    await sim.shutdown();
    await broker.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});
