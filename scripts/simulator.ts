/**
 * Runs the local OASIS simulator: `deno task simulator [--port 8090] [--hostname 127.0.0.1]
 * [--throttle-ms 5000] [--seed 1] [--now 2026-07-01T20:00:00Z]`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { startSimulator } from "../src/simulator/simulator.ts";

function integer(name: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new RangeError(`Invalid --${name} "${text}": expected a non-negative integer`);
  }
  return value;
}

const { values } = parseArgs({
  args: Deno.args,
  options: {
    port: { type: "string", default: "8090" },
    hostname: { type: "string", default: "127.0.0.1" },
    "throttle-ms": { type: "string", default: "5000" },
    seed: { type: "string", default: "1" },
    now: { type: "string" },
  },
});

const { url, simulator, shutdown } = startSimulator({
  port: integer("port", values.port),
  hostname: values.hostname,
  throttleMs: integer("throttle-ms", values["throttle-ms"]),
  seed: integer("seed", values.seed),
});
if (values.now) {
  const at = new Date(values.now);
  if (Number.isNaN(at.getTime())) {
    throw new RangeError(`Invalid --now "${values.now}": expected an ISO-8601 time`);
  }
  simulator.clock.set(at);
}
console.log(
  `OASIS simulator listening: ${url} (throttle ${
    values["throttle-ms"]
  } ms, clock ${simulator.clock.now().toISOString()})`,
);
Deno.addSignalListener("SIGINT", async () => {
  await shutdown();
  Deno.exit(0);
});
