/**
 * scripts/install.sh, the one install script of `deno task test`, `deno task start` and .ci/run, on a machine
 * without the packages: a PATH holding only the few programs the script itself uses, and an unprivileged
 * user for the "not root" case.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../../scripts/install.sh", import.meta.url));
const TEST_PACKAGES = "redis-server chromium kcat openssl openjdk-17-jre-headless maven python3";

/** A directory readable by everyone with the script and a bin/ holding only `programs`. */
async function bareMachine(programs: string[]): Promise<{ dir: string; path: string }> {
  const dir = await Deno.makeTempDir({ prefix: "install-test-" });
  await Deno.chmod(dir, 0o755);
  await Deno.copyFile(SCRIPT, join(dir, "install.sh"));
  await Deno.mkdir(join(dir, "bin"));
  await Deno.chmod(join(dir, "bin"), 0o755);
  for (const program of ["bash", "id", "mktemp", "tail", "rm", ...programs]) {
    const which = await new Deno.Command("bash", { args: ["-c", `command -v ${program}`], stdout: "piped" })
      .output();
    const target = new TextDecoder().decode(which.stdout).trim();
    assert.ok(target, `${program} is installed here`);
    await Deno.symlink(target, join(dir, "bin", program));
  }
  return { dir, path: join(dir, "bin") };
}

/** Runs the copied script (as `user` nobody when asked) and times it. */
async function install(machine: { dir: string; path: string }, mode: string, asNobody = false) {
  const script = join(machine.dir, "install.sh");
  const [command, args] = asNobody
    ? ["/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "bash", script, mode]]
    : ["bash", [script, mode]];
  const started = Date.now();
  const out = await new Deno.Command(command as string, {
    args: args as string[],
    clearEnv: true,
    env: { PATH: machine.path, HOME: "/tmp" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stderr: new TextDecoder().decode(out.stderr),
    seconds: (Date.now() - started) / 1000,
  };
}

Deno.test("[install] not root: install.sh test stops within seconds with the exact apt-get command", async () => {
  const machine = await bareMachine(["apt-get"]);
  try {
    const run = await install(machine, "test", true);
    assert.equal(run.code, 1, run.stderr);
    assert.ok(run.seconds < 10, `took ${run.seconds} s`);
    assert.match(run.stderr, new RegExp(`missing ${TEST_PACKAGES}`));
    assert.ok(
      run.stderr.includes(`sudo apt-get update && sudo apt-get install -y ${TEST_PACKAGES}`),
      run.stderr,
    );
  } finally {
    await Deno.remove(machine.dir, { recursive: true });
  }
});

Deno.test("[install] no apt-get: install.sh test stops and names the packages to install", async () => {
  const machine = await bareMachine([]);
  try {
    const run = await install(machine, "test");
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      new RegExp(`missing ${TEST_PACKAGES} \\(Debian package names\\) and there is no apt-get`),
    );
  } finally {
    await Deno.remove(machine.dir, { recursive: true });
  }
});

Deno.test("[install] the start command needs no package on the embedded default; a bad mode exits 2", async () => {
  const machine = await bareMachine([]);
  try {
    const start = await install(machine, "start", true);
    assert.deepEqual([start.code, start.stderr], [0, ""]);
    const bad = await install(machine, "everything");
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /usage: scripts\/install.sh test\|start/);
  } finally {
    await Deno.remove(machine.dir, { recursive: true });
  }
});

Deno.test("[install] everything present: install.sh test exits 0 at once and says nothing", async () => {
  const out = await new Deno.Command("bash", { args: [SCRIPT, "test"], stderr: "piped" }).output();
  assert.deepEqual([out.code, new TextDecoder().decode(out.stderr)], [0, ""]);
});
