/**
 * Kafka publishing benchmark on the real 2020 ALL_APNODES SingleZip (162,848 rows): records/s produced to
 * the local broker by `KafkaSink` (kafkajs, idempotent, acks=-1, gzip) and by `LibrdkafkaSink` (librdkafka
 * through FFI, the same guarantees) from prebuilt envelopes, and by the whole Bronze path (envelope + zod
 * validation + Deno KV outbox + drainer) with each sink, next to `kcat` (librdkafka) producing the same
 * envelopes with the same keys, headers, acks, idempotence and codec: the practical limit. kcat and each of
 * the four take turns, `PAIRS` rounds (`kcat_rounds.ts`), so that all see the same machine load; a share
 * of kcat is the median of each round's share against that round's kcat run. Three rows show where the time goes: the envelopes alone,
 * kafkajs encoding the produce requests alone (no broker), and the Deno KV outbox alone
 * (`bronze_parts_bench.ts`). Needs the broker
 * (`scripts/kafka.sh start`); `kcat` and `librdkafka1` from Debian (`apt-get install -y kcat`).
 *
 * @module
 */
import { Kafka, logLevel } from "kafkajs";
import { createKafkaSink, createKafkaTopicAdmin } from "../src/bronze/kafka_sink.ts";
import { createLibrdkafkaSink } from "../src/bronze/librdkafka_sink.ts";
import { createBronzeMetrics } from "../src/bronze/metrics.ts";
import { Outbox } from "../src/bronze/outbox.ts";
import { OutboxDrainer } from "../src/bronze/outbox_drainer.ts";
import { BronzePublisher, type PublishInput } from "../src/bronze/publisher.ts";
import type { KafkaSettings } from "../src/clients/kafka.ts";
import { type BronzeMessage, type BronzeSink, dlqTopic, outboxKeepFor } from "../src/bronze/sink.ts";
import { parseResponse } from "../src/oasis/parse.ts";
import { type BenchRow, median } from "./bench_util.ts";
import { timeEnvelopes, timeKafkajsEncoding, timeOutbox } from "./bronze_parts_bench.ts";
import { alternate, type Contender, contender, ratioNote } from "./kcat_rounds.ts";

const ZIP = new URL(
  "../tests/fixtures/oasis-samples/singlezip_PRC_LMP_DAM_v1_ALL_APNODES_start-20200102T00Z.zip",
  import.meta.url,
);
const URL_2020 = "https://oasis.caiso.com/oasisapi/SingleZip?resultformat=6&queryname=PRC_LMP&version=1" +
  "&market_run_id=DAM&startdatetime=20200102T00:00-0000&enddatetime=20200103T00:00-0000&grp_type=ALL_APNODES";
const BATCH_ROWS = 10_000;
const PARTITIONS = 3;
/** Rounds of kcat and each measured client, alternated. */
const PAIRS = 3;

function progress(step: string): void {
  console.error(`kafka bench: ${step} …`);
}

async function brokerAddress(): Promise<string | undefined> {
  const fromEnv = Deno.env.get("KAFKA_BOOTSTRAP_SERVERS");
  if (fromEnv) return fromEnv;
  const script = new URL("../scripts/kafka.sh", import.meta.url).pathname;
  const out = await new Deno.Command("bash", { args: [script, "status"], stderr: "null" }).output();
  const line = new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) ?? "";
  return out.success && line.startsWith("KAFKA_BOOTSTRAP_SERVERS=") ? line.split("=")[1] : undefined;
}

export function settings(brokers: string): KafkaSettings {
  return {
    brokers: brokers.split(","),
    clientId: "oasis-stream-bench",
    ssl: false,
    sasl: null,
    topics: { partitions: PARTITIONS, replicationFactor: 1, cleanupPolicy: "delete" },
    maxBatchBytes: 1_000_000,
  };
}

/** Envelopes of every row of the 2020 file, as the publisher builds them (through an in-memory outbox). */
export async function buildMessages(fetch: PublishInput, topic: string): Promise<BronzeMessage[]> {
  const kv = await Deno.openKv(":memory:");
  try {
    const outbox = await Outbox.open({ kv, maxRows: 1_000_000 });
    await new BronzePublisher({ outbox, topics: { lmp_dam: topic } }).publish(fetch, "lmp_dam");
    return (await outbox.read(Number.MAX_SAFE_INTEGER))!.messages.slice();
  } finally {
    kv.close();
  }
}

/** kcat's input: one `key<TAB>value` line per message (JSON never holds a raw tab or newline). */
export async function writeKcatInput(messages: readonly BronzeMessage[]): Promise<string> {
  const file = await Deno.makeTempFile({ prefix: "kcat-bench-", suffix: ".txt" });
  await Deno.writeTextFile(file, messages.map((m) => `${m.key}\t${m.value}`).join("\n") + "\n");
  return file;
}

export async function timeKcat(
  brokers: string,
  topic: string,
  file: string,
  headers: Readonly<Record<string, string>>,
): Promise<number> {
  const args = [
    ["-P", "-b", brokers, "-t", topic, "-K", "\t", "-z", "gzip", "-l", file],
    ["-X", "acks=all", "-X", "enable.idempotence=true", "-X", "partitioner=murmur2_random"],
    Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}=${v}`]),
  ].flat();
  const t0 = performance.now();
  const out = await new Deno.Command("kcat", { args, stdout: "null", stderr: "piped" }).output();
  const ms = performance.now() - t0;
  if (!out.success) throw new Error(`kcat failed: ${new TextDecoder().decode(out.stderr).slice(-500)}`);
  return ms;
}

/** The sinks measured: kafkajs (`KafkaSink`) and librdkafka through FFI (`LibrdkafkaSink`). */
type SinkKind = "kafkajs" | "librdkafka";

function createSink(kind: SinkKind, brokers: string): BronzeSink {
  const s = settings(brokers);
  return kind === "kafkajs"
    ? createKafkaSink(s)
    : createLibrdkafkaSink(s, { topicAdmin: createKafkaTopicAdmin(s) });
}

async function timeSink(
  kind: SinkKind,
  brokers: string,
  messages: readonly BronzeMessage[],
): Promise<number> {
  const sink = createSink(kind, brokers);
  try {
    await sink.send(messages.slice(0, 100)); // connect and warm up (these 100 are counted twice; negligible)
    const t0 = performance.now();
    for (let i = 0; i < messages.length; i += BATCH_ROWS) await sink.send(messages.slice(i, i + BATCH_ROWS));
    return performance.now() - t0;
  } finally {
    await sink.close();
  }
}

export async function timeFullPath(
  kind: SinkKind,
  brokers: string,
  topic: string,
  fetch: PublishInput,
): Promise<{ ms: number; publishMs: number }> {
  const dir = await Deno.makeTempDir({ prefix: "outbox-bench-" });
  const kv = await Deno.openKv(`${dir}/outbox.kv`);
  const sink = createSink(kind, brokers);
  try {
    // As the service starts its sink (`bronze_service.ts`): topics ensured, so their metadata is known.
    await sink.ensureTopics([topic, dlqTopic(topic)]);
    const outbox = await Outbox.open({ kv, maxRows: 1_000_000, keep: outboxKeepFor(sink) });
    const drainer = new OutboxDrainer({
      outbox,
      sink,
      batchMaxRows: BATCH_ROWS,
      lingerMs: 0,
      metrics: createBronzeMetrics(),
    });
    drainer.start();
    const t0 = performance.now();
    // The publisher commits chunk by chunk (`appendChunks`) while the drainer sends the first chunks.
    await new BronzePublisher({ outbox, topics: { lmp_dam: topic } }).publish(fetch, "lmp_dam");
    const publishMs = performance.now() - t0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      drainer.drained(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`Outbox not drained in 10 min (${outbox.depth} left)`)),
          600_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    const ms = performance.now() - t0;
    await drainer.close(10_000);
    return { ms, publishMs };
  } finally {
    await sink.close();
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs the Kafka benchmark against the local broker; returns table rows (a note row if none is running). */
export async function runKafkaBench(): Promise<BenchRow[]> {
  const brokers = await brokerAddress();
  if (!brokers) {
    return [{ name: "kafka benchmark", ms: 0, note: "not run: no broker (bash scripts/kafka.sh start)" }];
  }
  const parsed = parseResponse(Deno.readFileSync(ZIP));
  if (parsed.kind !== "rows") throw new Error("The 2020 ALL_APNODES fixture did not parse to rows");
  const fetch: PublishInput = {
    result: parsed,
    url: URL_2020,
    finalUrl: URL_2020,
    fetchedAt: new Date().toISOString(),
  };
  const rows = parsed.rows.length;
  const run = `${Date.now().toString(36)}`;
  const topics = {
    kcat: `bench.kcat.${run}`,
    sink: `bench.sink.${run}`,
    full: `bench.full.${run}`,
    rdkSink: `bench.rdk.sink.${run}`,
    rdkFull: `bench.rdk.full.${run}`,
  };
  const admin = new Kafka({ brokers: brokers.split(","), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const out: BenchRow[] = [];
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: Object.values(topics).map((topic) => ({
        topic,
        numPartitions: PARTITIONS,
        replicationFactor: 1,
      })),
    });
    progress("building envelopes");
    const messages = await buildMessages(fetch, topics.sink);
    const mb = messages.reduce((n, m) => n + m.key.length + m.value.length, 0) / 1e6;
    const add = (name: string, ms: number, note: string) =>
      out.push({ name, ms, rowsPerS: rows / (ms / 1000), mbPerS: mb / (ms / 1000), note });

    const rdkMessages = messages.map((m) => ({ ...m, topic: topics.rdkSink }));
    const publishMs: Record<string, number[]> = {};
    const full = (kind: SinkKind, topic: string) => async () => {
      const f = await timeFullPath(kind, brokers, topic, fetch);
      (publishMs[kind] ??= []).push(f.publishMs);
      return f.ms;
    };
    // Every round runs kcat and then each of these, so that all see the same machine load.
    const contenders: Contender[] = [
      contender("KafkaSink (kafkajs), prebuilt envelopes", () => timeSink("kafkajs", brokers, messages)),
      contender(
        "LibrdkafkaSink (librdkafka FFI), prebuilt envelopes",
        () => timeSink("librdkafka", brokers, rdkMessages),
      ),
      contender("full path: envelope + validation + KV outbox + drainer", full("kafkajs", topics.full)),
      contender("full path with LibrdkafkaSink", full("librdkafka", topics.rdkFull)),
    ];
    const kcatInput = await writeKcatInput(messages);
    let kcat: { runs: number[]; error?: string } = { runs: [] };
    try {
      kcat = await alternate(
        PAIRS,
        contenders,
        () => timeKcat(brokers, topics.kcat, kcatInput, messages[0]!.headers),
      );
    } finally {
      await Deno.remove(kcatInput);
    }
    const kcatRuns = kcat.runs;
    if (kcat.error) out.push({ name: "kcat", ms: 0, note: `not run: ${kcat.error}` });
    else {add(
        "kcat (librdkafka), same envelopes",
        median(kcatRuns),
        "practical limit; acks=all, idempotent, gzip",
      );}
    const notes: Record<string, string> = {
      kafkajs: "acks=-1, idempotent, gzip, 1 MB requests",
      librdkafka: "acks=all, idempotent, gzip, murmur2_random",
    };
    for (const c of contenders) {
      if (c.error || c.runs.length === 0) {
        out.push({ name: c.name, ms: 0, note: `not run: ${c.error}` });
        continue;
      }
      const ms = median(c.runs);
      const kind = c.name.includes("ibrdkafka") ? "librdkafka" : "kafkajs";
      const publish = c.name.startsWith("full path")
        ? `; publish() (envelopes + outbox commit, while the drainer sends) ${
          median(publishMs[kind]!).toFixed(0)
        } ms`
        : "";
      add(c.name, ms, `${ratioNote(kcatRuns, c.runs)}; ${notes[kind]}${publish}`);
    }
    progress("envelopes alone");
    const shapeMs = timeEnvelopes(fetch);
    add("envelopes + validation alone (BronzePublisher.messages)", shapeMs, "no outbox, no broker");
    progress("kafkajs encoding");
    try {
      const encodeMs = await timeKafkajsEncoding(messages, PARTITIONS);
      const sinkMs = median(contenders[0]!.runs);
      add(
        "kafkajs encoding the same produce requests, no broker",
        encodeMs,
        `${(encodeMs / sinkMs * 100).toFixed(0)} % of KafkaSink's time: the client's CPU floor`,
      );
    } catch (error) {
      out.push({ name: "kafkajs encoding", ms: 0, note: `not run: ${error}` });
    }
    progress("outbox");
    const box = await timeOutbox(messages, BATCH_ROWS);
    add(
      "Deno KV outbox alone: commit, then read + remove",
      box.commitMs + box.drainMs,
      `commit ${box.commitMs.toFixed(0)} ms, read + remove ${box.drainMs.toFixed(0)} ms (file KV)`,
    );
  } finally {
    // A broker busy deleting earlier runs' topics can leave this waiting: the bench does not wait past 15 s.
    const cleanUp = admin.deleteTopics({ topics: Object.values(topics) }).catch(() => {})
      .then(() => admin.disconnect());
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([cleanUp, new Promise((r) => timer = setTimeout(r, 15_000))]);
    clearTimeout(timer);
  }
  return out;
}

if (import.meta.main) {
  const { table } = await import("./bench_util.ts");
  console.log(table("Kafka publishing: 162,848 rows of the 2020 ALL_APNODES file", await runKafkaBench()));
}
