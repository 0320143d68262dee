/**
 * Runs the local OASIS simulator: `deno task simulator [--port 8090] [--hostname 127.0.0.1]
 * [--throttle-ms 5000] [--publish-delay-s 60] [--publish-jitter-s 60] [--seed 1]
 * [--now 2026-07-01T20:00:00Z]`. A real-time interval is published `--publish-delay-s` plus up to
 * `--publish-jitter-s` seconds after it ends (defaults 60 and 60, of the order of real OASIS; 0 and 0
 * publish it the instant it ends); day-ahead results at 13:00 Pacific the day before.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { startSimulator } from "../simulator/simulator.ts";

function integer(name: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new RangeError(`Invalid --${name} "${text}": expected a non-negative integer`);
  }
  return value;
}

const USAGE = "Usage: deno task simulator [--port 8090] [--hostname 127.0.0.1] [--throttle-ms 5000] " +
  "[--publish-delay-s 60] [--publish-jitter-s 60] [--seed 1] [--now ISO]\n" +
  "Serves a local OASIS (SingleZip, GroupZip) on loopback; run the service with CAISO_OASIS_MIN_INTERVAL_MS at " +
  "least --throttle-ms.";

function parse() {
  try {
    return parseArgs({ args: Deno.args, options: OPTIONS }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    Deno.exit(2);
  }
}

const OPTIONS = {
  help: { type: "boolean", short: "h" },
  port: { type: "string", default: "8090" },
  hostname: { type: "string", default: "127.0.0.1" },
  "throttle-ms": { type: "string", default: "5000" },
  "publish-delay-s": { type: "string", default: "60" },
  "publish-jitter-s": { type: "string", default: "60" },
  seed: { type: "string", default: "1" },
  now: { type: "string" },
} as const;
const values = parse();
if (values.help) {
  console.log(USAGE);
  Deno.exit(0);
}

const { url, simulator, shutdown } = startSimulator({
  port: integer("port", values.port),
  hostname: values.hostname,
  throttleMs: integer("throttle-ms", values["throttle-ms"]),
  seed: integer("seed", values.seed),
  publishDelayMs: integer("publish-delay-s", values["publish-delay-s"]) * 1000,
  publishJitterMs: integer("publish-jitter-s", values["publish-jitter-s"]) * 1000,
});
if (values.now) {
  const at = new Date(values.now);
  if (Number.isNaN(at.getTime())) {
    throw new RangeError(`Invalid --now "${values.now}": expected an ISO-8601 time`);
  }
  simulator.clock.set(at);
}
const throttle = values["throttle-ms"];
console.log(
  `OASIS simulator listening: ${url} (throttle ${throttle} ms, real-time intervals published ` +
    `${values["publish-delay-s"]} s + up to ${values["publish-jitter-s"]} s after they end, ` +
    `clock ${simulator.clock.now().toISOString()})`,
);
if (Number(throttle) > 0) {
  // A service spacing its requests closer than the throttle gets 429s until its circuit breaker opens.
  console.log(
    `Run the service with CAISO_OASIS_BASE_URL=${url} CAISO_OASIS_MIN_INTERVAL_MS=${throttle} (or more)`,
  );
}
Deno.addSignalListener("SIGINT", async () => {
  await shutdown();
  Deno.exit(0);
});
