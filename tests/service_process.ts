/**
 * The real service (`src/main.ts`) as a child process for end-to-end tests: a clean environment (only
 * `HOME`, `PATH`, `DENO_DIR`), its KV stores, outbox and NDJSON Bronze in a temporary directory, a free
 * port, its JSON log lines collected, and `stop()`, which sends SIGTERM (SIGKILL after 30 s) and cleans up.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./store/helpers.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const decoder = new TextDecoder();

/** A running service process. */
export interface ServiceProcess {
  /** `http://127.0.0.1:<port>`. */
  readonly base: string;
  /** Its stdout so far. */
  output(): string;
  /** Its JSON log lines so far. */
  lines(): Record<string, unknown>[];
  /** Stops it with SIGTERM; resolves with its exit code and stderr. */
  stop(): Promise<{ code: number; stderr: string }>;
}

/** The environment every service process gets, with a data directory `dir`. */
export function serviceEnv(dir: string): Record<string, string> {
  return {
    HOME: Deno.env.get("HOME") ?? "/tmp",
    PATH: Deno.env.get("PATH") ?? "",
    DENO_DIR: Deno.env.get("DENO_DIR") ?? "",
    NO_COLOR: "1",
    STORE_KV_PATH: join(dir, "hot.kv"),
    JOBS_KV_PATH: join(dir, "jobs.kv"),
    BRONZE_OUTBOX_PATH: join(dir, "outbox.kv"),
    BRONZE_DIR: join(dir, "bronze"),
  };
}

/** Starts `src/main.ts` with `env` on top of `serviceEnv`. */
export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const dir = await Deno.makeTempDir({ prefix: "service-process-" });
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "src/main.ts"],
    cwd: ROOT,
    clearEnv: true,
    env: { ...serviceEnv(dir), PORT: String(port), ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const reading = (async () => {
    for await (const chunk of child.stdout) output += decoder.decode(chunk, { stream: true });
  })();
  const stderr = new Response(child.stderr).text();
  return {
    base: `http://127.0.0.1:${port}`,
    output: () => output,
    lines: () => output.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l)),
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch { /* already exited */ }
      // A service that ignores SIGTERM is killed after 30 s (and its exit code says so).
      const killer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* exited */ }
      }, 30_000);
      const status = await child.status;
      clearTimeout(killer);
      await reading.catch(() => {});
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      return { code: status.code, stderr: await stderr.catch(() => "") };
    },
  };
}

/** Polls `probe` every 250 ms until it gives a value; throws naming `what` after `timeoutMs`. */
export async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
