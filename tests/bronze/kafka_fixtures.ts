/**
 * Shared helpers of the tests against the real Kafka broker: the bootstrap address (failing loudly when
 * the broker is not there) and a consumer that reads topics back whole.
 *
 * @module
 */
import { Kafka, logLevel } from "kafkajs";
import { freePort } from "../store/helpers.ts";

const RUN = `${Date.now().toString(36)}-${crypto.randomUUID().slice(0, 6)}`;

/** KAFKA_BOOTSTRAP_SERVERS, or an error that says how to start the broker. */
export function bootstrap(): string {
  const servers = Deno.env.get("KAFKA_BOOTSTRAP_SERVERS");
  if (!servers) {
    throw new Error(
      "KAFKA_BOOTSTRAP_SERVERS is unset: these tests need the real broker. Run `deno task test` " +
        "(scripts/with_services.sh starts it) or `bash scripts/kafka.sh start` and export the line it prints.",
    );
  }
  return servers;
}

/** Throws unless the broker at `servers` answers. */
export async function assertReachable(servers: string): Promise<void> {
  const admin = new Kafka({ brokers: servers.split(","), logLevel: logLevel.NOTHING, retry: { retries: 2 } })
    .admin();
  try {
    await admin.connect();
    await admin.listTopics();
  } catch (error) {
    throw new Error(
      `Kafka broker at ${servers} is unreachable: ${error}. Start it: bash scripts/kafka.sh start`,
    );
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** One consumed message. */
export interface Consumed {
  topic: string;
  key: string;
  value: Uint8Array;
  headers: Record<string, string>;
}

/** Every message in `topics` (their whole length, from the high watermarks), via a fresh consumer group. */
export async function consumeAll(
  servers: string,
  topics: readonly string[],
  timeoutMs = 90_000,
): Promise<Consumed[]> {
  const kafka = new Kafka({
    brokers: servers.split(","),
    clientId: "it-consumer",
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  let expected = 0;
  for (const topic of topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) expected += Number(p.high) - Number(p.low);
  }
  await admin.disconnect();
  const got: Consumed[] = [];
  if (expected === 0) return got;
  const consumer = kafka.consumer({ groupId: `it-${RUN}-${crypto.randomUUID().slice(0, 8)}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    let done!: () => void;
    const finished = new Promise<void>((resolve) => done = resolve);
    await consumer.run({
      eachMessage: ({ topic, message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
        got.push({ topic, key: String(message.key), value: new Uint8Array(message.value ?? []), headers });
        if (got.length >= expected) done();
        return Promise.resolve();
      },
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Consumed ${got.length} of ${expected} messages within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    await Promise.race([finished, timeout]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  return got;
}

const ROOT = new URL("../../", import.meta.url).pathname;

/** A broker a test may stop and restart: scripts/kafka.sh on free ports with its own data (jars shared). */
export async function ownBroker() {
  const cache = await Deno.makeTempDir({ prefix: "oasis-kafka-it-" });
  await Deno.symlink(`${ROOT}.cache/kafka/libs`, `${cache}/libs`);
  const env = {
    KAFKA_CACHE_DIR: cache,
    KAFKA_PORT: String(freePort()),
    KAFKA_CONTROLLER_PORT: String(freePort()),
  };
  const script = async (command: "start" | "stop") => {
    const out = await new Deno.Command("bash", { args: [`${ROOT}scripts/kafka.sh`, command], env, cwd: ROOT })
      .output();
    const text = new TextDecoder().decode(out.stdout).trim();
    if (!out.success) {
      throw new Error(
        `scripts/kafka.sh ${command} failed: ${new TextDecoder().decode(out.stderr).slice(-2000)}`,
      );
    }
    return text;
  };
  return {
    servers: `127.0.0.1:${env.KAFKA_PORT}`,
    script,
    async dispose() {
      await script("stop").catch(() => {});
      await Deno.remove(cache, { recursive: true }).catch(() => {});
    },
  };
}

/** Polls `test` every 100 ms until it holds; throws after `timeoutMs`. */
export async function waitFor(what: string, test: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
