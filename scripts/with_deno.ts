/**
 * Runs a command with the directory of the Deno running this script first on PATH (and `DENO_EXEC_PATH`
 * set), so shell scripts a task starts find the same `deno` even when it is on no PATH (a `deno` from
 * `npx -y deno@…`, or one called by its full path). Forwards SIGINT and SIGTERM and exits with the command's
 * code. Usage: `deno run --allow-run --allow-env --allow-read scripts/with_deno.ts COMMAND [ARGS...]`.
 *
 * @module
 */
import { delimiter, dirname } from "node:path";

const [command, ...args] = Deno.args;
if (!command) {
  console.error("Usage: with_deno.ts COMMAND [ARGS...]");
  Deno.exit(2);
}
const deno = Deno.execPath();
const child = new Deno.Command(command, {
  args,
  env: { PATH: [dirname(deno), Deno.env.get("PATH") ?? ""].join(delimiter), DENO_EXEC_PATH: deno },
  stdin: "inherit",
  stdout: "inherit",
  stderr: "inherit",
}).spawn();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  });
}
const status = await child.status;
Deno.exit(status.code);
