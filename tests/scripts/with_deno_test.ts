/**
 * scripts/with_deno.ts, through which tasks start shell scripts that call `deno`: with `npx -y deno@…` (or a
 * Deno called by its full path) no `deno` is on PATH, and `bash -c "deno …"` used to fail with
 * "deno: command not found".
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../../scripts/with_deno.ts", import.meta.url));

function run(command: string) {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-run", "--allow-env", "--allow-read", SCRIPT, "bash", "-c", command],
    clearEnv: true,
    env: { PATH: "/usr/bin:/bin", HOME: Deno.env.get("HOME") ?? "/tmp", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
}

Deno.test("with_deno.ts lets a shell script run the same deno when none is on PATH", async () => {
  const out = await run('command -v deno && deno --version && test "$DENO_EXEC_PATH" = "$(command -v deno)"');
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(out.code, 0, text + new TextDecoder().decode(out.stderr));
  assert.equal(text.split("\n")[0], Deno.execPath());
  assert.match(text, new RegExp(`deno ${Deno.version.deno} `));
});

Deno.test("with_deno.ts exits with the command's exit code", async () => {
  assert.equal((await run("exit 7")).code, 7);
});
